"""A believable demo centre: two teams in Sofia, three providers in three regions, twenty customers.

Everyone signs in with the password `DEMO_PASSWORD`. Seeding is idempotent: a database that
already has the demo administrator is left as it is.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from hotline.accounts.models import User
from hotline.audit.services import event_append
from hotline.calls.choices import CallState
from hotline.calls.events import AGENT, QUEUE, TALK_SECONDS, CallAction, CallsEntity
from hotline.calls.models import Call, CallReview, Queue
from hotline.calls.services.reviews import call_review_create
from hotline.core.scorecard import SCORECARD
from hotline.deadlines.services import deadlines_fire_due
from hotline.demo_data import (
    DEMO_CENTRE,
    DEMO_REVIEWED_CALLS,
    DEMO_SYMPTOMS,
    DEMO_UNREVIEWED_CALLS,
)
from hotline.directory.models import (
    Customer,
    CustomerSite,
)
from hotline.dispatch.models import WorkOrder
from hotline.dispatch.services import (
    chase_record,
    work_order_acknowledge,
    work_order_complete,
    work_order_contact,
    work_order_dispatch,
    work_order_sign,
)
from hotline.rulebook.selectors import current_rulebook
from hotline.seeding import seed_centre
from hotline.tickets.choices import TicketKind, TicketState
from hotline.tickets.models import FaultCategory, Ticket
from hotline.tickets.services import ticket_bounce
from hotline.tickets.services.promises import set_promises

DEMO_PASSWORD = "hotline-demo"


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    who: str


def demo_is_seeded() -> bool:
    return User.objects.filter(username="admin").exists()


@transaction.atomic
def seed_demo_centre() -> list[Login]:
    """Create the demo centre and return who can sign in."""
    if not demo_is_seeded():
        seed_centre(DEMO_CENTRE, DEMO_PASSWORD)
    return demo_logins()


def demo_logins() -> list[Login]:
    users = User.objects.filter(
        username__in=[
            "admin",
            "lead",
            "manager",
            "dispatcher",
            "agent1",
            "agent2",
            "provider1",
            "customer1",
        ]
    )
    return [
        Login(str(u.get_role_display()), u.username, str(u))
        for u in users.order_by("role", "username")
    ]


# --- cases and work orders: something on the board and in the portal -----------------------


def seed_demo_cases(now: datetime) -> int:
    """Tickets and work orders in every state, as of `now`, made through the dispatch services:
    waiting for dispatch, bounced, just dispatched, customer contacted (with a chase), late,
    completed awaiting the signature, signed. provider1 (Sofia) has orders, the dispatcher a
    board, customer1 a signed service report. Run by `hotline demo` only (tests start empty).
    Returns how many tickets were made; none when the centre already has cases."""
    if Ticket.objects.exists():
        return 0
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_CASE_USERS)}
    sofia = list(CustomerSite.objects.filter(region__code="sofia").order_by("id"))
    customer1 = users["customer1"].customer
    assert customer1 is not None
    own_site = customer1.sites.order_by("id").first()
    assert own_site is not None
    agent, dispatcher, desk = users["agent1"], users["dispatcher"], users["provider1"]
    made: list[Ticket] = []
    with transaction.atomic():

        def ticket(site: CustomerSite, created: datetime, **extra: object) -> Ticket:
            made.append(_demo_ticket(site, created, agent, len(made), **extra))
            return made[-1]

        def dispatched(site: CustomerSite, at: datetime) -> WorkOrder:
            return work_order_dispatch(
                actor=dispatcher, now=at, ticket=ticket(site, at - timedelta(minutes=6))
            )

        # Waiting for dispatch, and one the dispatcher sent back (E3).
        for site in (sofia[0], sofia[1], own_site):
            ticket(site, now - timedelta(minutes=4 + len(made)))
        ticket_bounce(
            actor=dispatcher,
            now=now - timedelta(minutes=2),
            ticket=ticket(sofia[2], now - timedelta(minutes=30), symptom="Broken"),
            reason="Which appliance is it, and what does it do?",
        )
        # Just dispatched: provider1 has to acknowledge and call the customer (D4).
        dispatched(sofia[3], now - timedelta(minutes=12))
        # Customer contacted, visit tomorrow; the customer chased it (D8).
        order = dispatched(sofia[4], now - timedelta(hours=2))
        _demo_visit(desk, order, now - timedelta(hours=1, minutes=40), now + timedelta(days=1))
        chase_record(actor=agent, now=now - timedelta(minutes=20), ticket=order.ticket)
        # Over the D6 limit: the deadline worker marks it late and urges the provider.
        dispatched(sofia[5 % len(sofia)], now - timedelta(days=4))
        # Completed, waiting for the customer's signature (E6).
        order = dispatched(sofia[6 % len(sofia)], now - timedelta(days=1, hours=2))
        _demo_visit(desk, order, now - timedelta(days=1), now - timedelta(hours=3))
        work_order_complete(
            actor=desk,
            now=now - timedelta(hours=1),
            order_id=order.pk,
            work_done="Replaced the door seal; two test cycles without a leak",
            option_chosen="repair",
        )
        # Signed: sealed for good, the service report goes to customer1 (C5).
        order = dispatched(own_site, now - timedelta(days=2))
        plovdiv = users["provider2"]
        _demo_visit(
            plovdiv, order, now - timedelta(days=2) + timedelta(minutes=20), now - timedelta(days=1)
        )
        work_order_complete(
            actor=plovdiv,
            now=now - timedelta(days=1) + timedelta(hours=1),
            order_id=order.pk,
            work_done="Cleaned the condenser and refilled the refrigerant; cooling to 4 °C",
            option_chosen="repair",
        )
        work_order_sign(
            actor=plovdiv,
            now=now - timedelta(days=1) + timedelta(hours=1, minutes=5),
            order_id=order.pk,
            signer_name=str(customer1),
        )
    deadlines_fire_due(now=now, worker="demo-seed")  # what the worker would do at once
    return len(made)


DEMO_CASE_USERS = ("agent1", "dispatcher", "provider1", "provider2", "customer1")


def _demo_ticket(
    site: CustomerSite, created: datetime, owner: User, number: int, **extra: object
) -> Ticket:
    """A ticket as an agent leaves it after the read-back (E2, E3): every fact a technician
    needs. Written with the ORM: the demo shows dispatch, not the agent's form."""
    category = FaultCategory.objects.order_by("id")[number % FaultCategory.objects.count()]
    facts: dict[str, object] = {
        "kind": TicketKind.REPAIR,
        "state": TicketState.TO_DISPATCH,
        "customer": site.customer,
        "site": site,
        "equipment": site.equipment.order_by("id").first(),
        "category": category,
        "owner": owner,
        "created_at": created,
        "symptom": DEMO_SYMPTOMS[number % len(DEMO_SYMPTOMS)],
        "steps_tried": "Switched it off and on again; checked the plug and the fuse",
        "script_answers": [{"step": step, "answer": "done"} for step in category.steps],
        "contact_name": str(site.customer),
        "contact_phone": site.customer.phone,
        "window_start": created + timedelta(hours=2),
        "window_end": created + timedelta(hours=6),
        "read_back_text": f"{DEMO_SYMPTOMS[number % len(DEMO_SYMPTOMS)]} - {site.address}",
        "read_back_at": created,
    }
    ticket = Ticket(**(facts | extra))
    set_promises(ticket, current_rulebook())  # C2: what the customer was told, as services do
    ticket.save()
    return ticket


def _demo_visit(desk: User, order: WorkOrder, at: datetime, visit: datetime) -> None:
    work_order_acknowledge(actor=desk, now=at - timedelta(minutes=2), order_id=order.pk)
    work_order_contact(
        actor=desk,
        now=at,
        order_id=order.pk,
        visit_start=max(visit, at + timedelta(minutes=30)),
        visit_end=max(visit, at + timedelta(minutes=30)) + timedelta(hours=2),
    )


# --- call quality reviews (B11): the team lead's sample of the Repairs team's calls ------------


def seed_demo_reviews(now: datetime) -> int:
    """A few answered calls of the Repairs team, most of them reviewed by its team lead through
    the review service, so the review pages and reports have something to show. Run by
    `hotline demo`; returns how many reviews were made, none when there are some already."""
    if CallReview.objects.exists():
        return 0
    lead = User.objects.get(username="lead")
    customers = list(Customer.objects.filter(sites__region__code="sofia").order_by("id"))
    with transaction.atomic():
        for number, (username, ago, talk) in enumerate(DEMO_UNREVIEWED_CALLS):
            _demo_call(username, now - timedelta(minutes=ago), talk, customers[number])
        for number, (username, ago, talk, marks, comment) in enumerate(DEMO_REVIEWED_CALLS):
            answered = now - timedelta(minutes=ago)
            call = _demo_call(username, answered, talk, customers[-1 - number])
            call_review_create(
                actor=lead,
                now=answered + timedelta(seconds=talk, minutes=20),
                call_id=call.pk,
                marks={c.code: marks.get(c.code, "met") for c in SCORECARD},
                comment=comment,
            )
    return len(DEMO_REVIEWED_CALLS)


def _demo_call(username: str, answered: datetime, talk: int, customer: Customer) -> Call:
    """An answered, wrapped-up call with the events the floor writes for one. Written with the
    ORM: the demo shows the review, not the floor (the live demo floor shows that)."""
    agent = User.objects.get(username=username)
    queue = Queue.objects.get(code="repairs")
    ended = answered + timedelta(seconds=talk)
    call = Call.objects.create(
        queue=queue,
        caller_number=customer.phone,
        customer=customer,
        state=CallState.ENDED,
        arrived_at=answered - timedelta(seconds=12),
        agent=agent,
        answered_at=answered,
        ended_at=ended,
    )
    for at, action, new in (
        (
            call.arrived_at,
            CallAction.ARRIVED,
            {QUEUE: queue.pk, "customer": customer.pk, "priority": 5},
        ),
        (answered, CallAction.ANSWERED, {AGENT: agent.pk, "callback": None}),
        (ended, CallAction.ENDED, {TALK_SECONDS: talk}),
        (ended + queue.wrap_up_time, CallAction.WRAPPED_UP, None),
    ):
        event_append(
            actor=None if action == CallAction.ARRIVED else agent,
            now=at,
            entity=CallsEntity.CALL,
            entity_id=call.pk,
            action=action,
            new=new,
        )
    return call
