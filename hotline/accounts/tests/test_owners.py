"""The role × object × action walk with other owners' ids.

test_access.py proves who may open each door. This walk proves that behind the door each role
that has an owner (an agent, a team lead, a provider, a customer) reaches only its own: every API
operation and page that takes an id, read from the OpenAPI and the URL conf, is tried with
another owner's ids, in the path and in the body. A refusal is a 404 like a missing id (nothing
to enumerate) or a 403/409 that names its rule; nothing changes (no event is written, the other
owner's rows are as they were) and nothing of theirs leaks into the answer.

Where crossing is by design (a team lead runs the centre day to day, D15; E5's record is given
on request by any agent) the table says so and why. An operation or page with an id that has no
entry here fails, so a new one is walked from the day it is added.
"""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from hotline.accounts.choices import Role
from hotline.accounts.models import Team, User
from hotline.accounts.permissions import API_ROLES, VIEW_ROLES, view_key
from hotline.accounts.tests.test_access import API_BODIES, PATH_ARGS, api_operations, page_names
from hotline.audit.models import Event
from hotline.calls.choices import AlertKind
from hotline.calls.models import Alert, Call, Callback, CallReview, Offer, Transfer
from hotline.core.scorecard import CRITERIA
from hotline.directory.models import CustomerSite
from hotline.dispatch.models import WorkOrder
from hotline.dispatch.services import chase_record, work_order_dispatch
from hotline.followup.choices import FollowUpState
from hotline.followup.models import FollowUp
from hotline.testing.cases import make_ticket
from hotline.testing.clock import MovingClock
from hotline.testing.people import installations_lead
from hotline.tickets.choices import ComplaintState, TicketKind, TicketState
from hotline.tickets.models import Complaint
from hotline.voice.models import Recording
from hotline.workforce.models import LeaveRequest, Roster, Shift

pytestmark = pytest.mark.django_db

# Who tries, as which user: one of each role that owns something.
ACTORS = {
    Role.AGENT: "agent1",
    Role.TEAM_LEAD: "lead2",  # the lead of Installations; the others' world is Repairs'
    Role.PROVIDER: "provider1",
    Role.CUSTOMER: "customer1",
}
OWNED_ROLES = frozenset(ACTORS)

REFUSED = "refused"
# Why a role may cross owners on an operation or page (by design, not by accident).
LEAD_RUNS_THE_CENTRE = (
    "D15: the team lead runs the centre day to day (every case, the dispatch desk)"
)
ANY_LEAD_D1_D9_D10 = "D1, D9, D10: special requests, complaints and incidents go to the team lead"
STAFF_LOOK_UP = "staff look up any customer to open a case for them"
E5_ON_REQUEST = "E5: any agent gives the complete record on request; no agent may refuse it"
SHARED_FOLLOW_UPS = "D12: follow-up calls are one shared list; taking one is the lock"
OWN_THINGS_ONLY = "the id is the user's own token (refused otherwise, tested in test_tokens)"

# operation or page -> role -> REFUSED or why crossing is allowed. Roles without an owner
# (dispatcher, manager, admin, pbx) see everything behind their door and are not walked.
ON_THE_PHONES_REFUSED = {Role.AGENT: REFUSED, Role.TEAM_LEAD: REFUSED}
CASE_OF_ANOTHER = {Role.AGENT: REFUSED, Role.TEAM_LEAD: LEAD_RUNS_THE_CENTRE}
CASE_READ = {**CASE_OF_ANOTHER, Role.CUSTOMER: REFUSED}
CROSSING: dict[str, dict[Role, str]] = {
    # the floor: offers, calls, transfers, callbacks are the agent's own; a lead's is the team's
    "floor_offer_accept": ON_THE_PHONES_REFUSED,
    "floor_offer_decline": ON_THE_PHONES_REFUSED,
    "floor_call_end": ON_THE_PHONES_REFUSED,
    "floor_call_wrap_up": ON_THE_PHONES_REFUSED,
    "floor_transfer": ON_THE_PHONES_REFUSED,
    "floor_transfer_accept": ON_THE_PHONES_REFUSED,
    "floor_transfer_decline": ON_THE_PHONES_REFUSED,
    "voice_transfer_refer": ON_THE_PHONES_REFUSED,  # only the agent who asked refers (A4)
    "floor_callback_outcome": ON_THE_PHONES_REFUSED,
    "floor_take_over": {Role.TEAM_LEAD: REFUSED},
    "floor_alert_acknowledge": {Role.TEAM_LEAD: REFUSED},  # the alert's own team's lead only
    "floor_override_leave": {Role.TEAM_LEAD: REFUSED},
    "floor_override_logout": {Role.TEAM_LEAD: REFUSED},
    "review_create": {Role.TEAM_LEAD: REFUSED},
    # cases: an agent's own; a customer's own account
    "customer_sites": {
        Role.AGENT: STAFF_LOOK_UP,
        Role.TEAM_LEAD: STAFF_LOOK_UP,
        Role.CUSTOMER: REFUSED,
    },
    "customer_equipment": {
        Role.AGENT: STAFF_LOOK_UP,
        Role.TEAM_LEAD: STAFF_LOOK_UP,
        Role.CUSTOMER: REFUSED,
    },
    "ticket_create": ON_THE_PHONES_REFUSED,  # another's call, another customer's site or case
    "ticket_get": CASE_READ,
    "ticket_edit": CASE_OF_ANOTHER,
    "ticket_quality": CASE_OF_ANOTHER,
    "ticket_read_back": CASE_OF_ANOTHER,
    "ticket_confirm": CASE_OF_ANOTHER,
    "ticket_window": CASE_OF_ANOTHER,
    "ticket_options": CASE_OF_ANOTHER,
    "ticket_solve": CASE_OF_ANOTHER,
    "ticket_callback": CASE_OF_ANOTHER,
    "ticket_escalate": CASE_OF_ANOTHER,
    "ticket_reassign": {Role.TEAM_LEAD: REFUSED},  # B10: the owner's own team lead
    "ticket_approve_special": {Role.TEAM_LEAD: ANY_LEAD_D1_D9_D10},
    "ticket_bounce": {Role.TEAM_LEAD: LEAD_RUNS_THE_CENTRE},
    "complaint_settle": CASE_OF_ANOTHER,
    "complaint_escalate": CASE_OF_ANOTHER,
    "complaint_hand_to_engineer": {Role.TEAM_LEAD: ANY_LEAD_D1_D9_D10},
    "complaint_answer": ON_THE_PHONES_REFUSED,  # D9: the engineer it was handed to answers
    "incident_file_report": {Role.TEAM_LEAD: ANY_LEAD_D1_D9_D10},
    # work orders follow the case; a provider's are its own
    "work_order_dispatch": {Role.TEAM_LEAD: LEAD_RUNS_THE_CENTRE},
    "work_order_get": CASE_OF_ANOTHER,
    "work_order_urge": {Role.TEAM_LEAD: LEAD_RUNS_THE_CENTRE},
    "chase_record": CASE_OF_ANOTHER,
    "chase_reply": CASE_OF_ANOTHER,
    **{
        f"provider_order_{action}": {Role.PROVIDER: REFUSED}
        for action in ("get", "acknowledge", "contact", "status", "delay", "complete", "sign")
    },
    "notices_mark_logged": {Role.TEAM_LEAD: LEAD_RUNS_THE_CENTRE},  # D3: calls anyone may make
    "followup_get": {Role.AGENT: SHARED_FOLLOW_UPS, Role.TEAM_LEAD: SHARED_FOLLOW_UPS},
    "followup_take": ON_THE_PHONES_REFUSED,  # taken by another: theirs until released
    "followup_release": ON_THE_PHONES_REFUSED,
    "followup_record": ON_THE_PHONES_REFUSED,
    "portal_case_get": {Role.CUSTOMER: REFUSED},
    "customer_record_export": {Role.AGENT: E5_ON_REQUEST, Role.TEAM_LEAD: E5_ON_REQUEST},
    "workforce_leave_decide": {Role.TEAM_LEAD: REFUSED},
    "workforce_roster": {Role.TEAM_LEAD: REFUSED},
    "workforce_roster_publish": {Role.TEAM_LEAD: REFUSED},
}
# Pages, by URL name (their ids are in the path).
PAGE_CROSSING: dict[str, dict[Role, str]] = {
    "tickets:detail": CASE_OF_ANOTHER,
    "tickets:hints": CASE_OF_ANOTHER,
    "tickets:act": CASE_OF_ANOTHER,
    "tickets:chase": CASE_OF_ANOTHER,
    "tickets:reassign": {Role.TEAM_LEAD: REFUSED},
    "tickets:approve": {Role.TEAM_LEAD: ANY_LEAD_D1_D9_D10},
    "tickets:complaint_hand": {Role.TEAM_LEAD: ANY_LEAD_D1_D9_D10},
    "tickets:complaint_answer": {Role.TEAM_LEAD: REFUSED},
    "tickets:incident_report": {Role.TEAM_LEAD: ANY_LEAD_D1_D9_D10},
    "dispatch:order": CASE_OF_ANOTHER,
    "dispatch:urge": {Role.TEAM_LEAD: LEAD_RUNS_THE_CENTRE},
    "dispatch:report": {**CASE_READ, Role.PROVIDER: REFUSED},
    "provider:order": {Role.PROVIDER: REFUSED},
    "provider:action": {Role.PROVIDER: REFUSED},
    "provider:report": {Role.PROVIDER: REFUSED},
    "notices:logged": {Role.TEAM_LEAD: LEAD_RUNS_THE_CENTRE},
    "followup:detail": {Role.AGENT: SHARED_FOLLOW_UPS, Role.TEAM_LEAD: SHARED_FOLLOW_UPS},
    "followup:act": ON_THE_PHONES_REFUSED,
    "portal:case": {Role.CUSTOMER: REFUSED},
    "portal:customer_record": {Role.AGENT: E5_ON_REQUEST, Role.TEAM_LEAD: E5_ON_REQUEST},
    "workforce:roster": {Role.TEAM_LEAD: REFUSED},
    "workforce:publish": {Role.TEAM_LEAD: REFUSED},
    "workforce:staffing": {Role.TEAM_LEAD: REFUSED},
    "workforce:shift_edit": {Role.TEAM_LEAD: REFUSED},
    "workforce:leave_decide": {Role.TEAM_LEAD: REFUSED},
    "calls:review_call": {Role.TEAM_LEAD: REFUSED},
    "calls:review": {Role.AGENT: REFUSED, Role.TEAM_LEAD: REFUSED},
    "calls:wallboard_acknowledge": {Role.TEAM_LEAD: REFUSED},
    "calls:wrap_up": ON_THE_PHONES_REFUSED,  # another's call
    "tickets:link_call": ON_THE_PHONES_REFUSED,  # another's call (the case is the caller's)
    "accounts:token_revoke": dict.fromkeys(OWNED_ROLES, OWN_THINGS_ONLY),
    # another team's call's recording (B11's readers): nobody else listens
    "voice:recording_audio": dict.fromkeys(OWNED_ROLES, REFUSED),
}
# Body fields that name another owner's object, tried one at a time.
BODY_IDS: dict[str, list[tuple[str, str]]] = {
    "ticket_create": [
        ("call_id", "call"),
        ("updates_id", "other_customer_case"),
        ("site_id", "other_customer_site"),
    ],
    "chase_record": [("ticket_id", "case")],
    "review_create": [("call_id", "call")],
    "floor_transfer": [],
}
ID_FIELDS = ("_id", "to_agent", "username", "agent")


def _takes_an_id(path: str, operation: str) -> bool:
    return "{" in path.replace("{key}", "").replace("{external_id}", "") or bool(
        BODY_IDS.get(operation)
    )


def test_every_operation_with_an_id_has_an_entry_for_every_role_with_an_owner():
    missing = [
        (operation, str(role))
        for operation, _, path in api_operations()
        if _takes_an_id(path, operation)
        for role in API_ROLES[operation] & OWNED_ROLES
        if role not in CROSSING.get(operation, {})
    ]
    assert not missing, f"walk these with another owner's ids: {missing}"


def test_every_page_with_an_id_has_an_entry_for_every_role_with_an_owner():
    from hotline.accounts.tests.test_access import URL_ARGS

    missing = [
        (name, str(role))
        for name in page_names()
        if any(isinstance(arg, int) for arg in URL_ARGS.get(name, []))
        for role in VIEW_ROLES[view_key(name)] & OWNED_ROLES
        if role not in PAGE_CROSSING.get(name, {})
    ]
    assert not missing, f"walk these pages with another owner's ids: {missing}"


# --- the others' world --------------------------------------------------------------------


@pytest.fixture
def world(centre, client, token_for, monkeypatch) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Repairs' and another customer's things, none of them the walkers' own."""
    from hotline.testing.times import MONDAY_10_SOFIA

    clock = MovingClock(MONDAY_10_SOFIA)
    monkeypatch.setattr("hotline.clock.now", clock)

    def now():  # type: ignore[no-untyped-def]
        return clock.now

    installations_lead()

    def api(username: str, method: str, path: str, body: object = None) -> Any:
        answer = client.generic(
            method.upper(),
            path if path.startswith("/api/") else f"/api/v1{path}",
            data="" if body is None else json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token_for(User.objects.get(username=username))}",
        )
        assert answer.status_code in (200, 201), (path, answer.content)
        return answer.json()

    # The floor: agent2 talks on a call, agent3 has one ringing, agent4 a transfer ringing.
    for name in ("agent2",):
        api(name, "post", "/floor/login")
        api(name, "post", "/floor/ready")
    caller = {"queue": "repairs", "caller_number": "+359 2 981 1111"}
    api("pbx", "post", "/cti/calls", {"external_id": "others-1", **caller})
    offer = api("agent2", "get", "/floor/desk")["offer"]
    api("agent2", "post", offer["accept"]["url"])
    talking = Call.objects.get(external_id="others-1")
    for name in ("agent3", "agent4"):
        api(name, "post", "/floor/login")
        api(name, "post", "/floor/ready")
    api("pbx", "post", "/cti/calls", {"external_id": "others-2", **caller})
    ringing = Offer.objects.filter(call__external_id="others-2").latest("id")
    receiver = "agent4" if ringing.agent.username == "agent3" else "agent3"
    body = {"to_agent": receiver, "reason": "x"}
    api("agent2", "post", f"/floor/calls/{talking.pk}/transfer", body)
    callback = api(
        "agent2",
        "post",
        "/floor/callbacks",
        {
            "queue": "repairs",
            "number": "+359 2 981 2222",
            "window_start": (now() + timedelta(hours=1)).isoformat(),
            "window_end": (now() + timedelta(hours=2)).isoformat(),
        },
    )

    # A case of another agent and another customer (Plovdiv: another provider's region).
    mine = centre["customer1"].customer_id
    site = CustomerSite.objects.filter(region__code="plovdiv").exclude(customer_id=mine).first()
    assert site is not None
    case = make_ticket(centre["agent2"], now(), site=site)
    order = work_order_dispatch(actor=centre["dispatcher"], now=now(), ticket=case)
    assert order.provider_id != centre["provider1"].provider_id
    chase = chase_record(actor=centre["agent2"], now=now(), ticket=case, note="Where is he?")
    complaint_case = make_ticket(
        centre["agent2"], now(), site=site, kind=TicketKind.COMPLAINT, state=TicketState.OPEN
    )
    Complaint.objects.create(
        ticket=complaint_case,
        state=ComplaintState.WITH_ENGINEER,
        engineer=centre["manager"],
        handed_at=now(),
        reply_due=now() + timedelta(hours=24),
    )
    followup = FollowUp.objects.create(
        work_order=order,
        ticket=case,
        kind=case.kind,
        share=100,
        state=FollowUpState.TAKEN,
        planned_at=now(),
        taken_by=centre["agent2"],
    )
    leave = api(
        "agent2",
        "post",
        "/workforce/leave",
        {"first_day": "2027-01-11", "last_day": "2027-01-12", "reason": "family"},
    )
    repairs = Team.objects.get(name="Repairs")
    roster = Roster.objects.create(
        team=repairs, first_monday=now().date() + timedelta(days=7), weeks=1, created_at=now()
    )
    shift = Shift.objects.create(
        roster=roster,
        agent=centre["agent2"],
        day=roster.first_monday,
        prep_start=500,
        start=510,
        end=1020,
    )
    review = CallReview.objects.create(
        call=Call.objects.get(external_id="others-2"),
        agent=centre["agent2"],
        reviewer=centre["lead"],
        reviewed_at=now(),
        marks={"greeting": "met"},
    )
    alert = Alert.objects.create(
        kind=AlertKind.TALK_OVER,
        rule="A1",
        team=repairs,
        agent=centre["agent2"],
        call=talking,
        raised_at=now(),
    )
    recording = Recording.objects.create(
        call=talking, path="walk/call.wav", duration=timedelta(seconds=5), size=44, created_at=now()
    )
    own_site = CustomerSite.objects.filter(customer_id=mine).first()
    assert own_site is not None
    return {
        "ids": {
            "{offer_id}": str(ringing.pk),
            "{call_id}": str(talking.pk),
            "{transfer_id}": str(Transfer.objects.latest("id").pk),
            "{callback_id}": str(callback["id"]),
            "{username}": "agent2",
            "{ticket_id}": str(case.pk),
            "{order_id}": str(order.pk),
            "{chase_id}": str(chase.pk),
            "{followup_id}": str(followup.pk),
            "{customer_id}": str(site.customer_id),
            "{leave_id}": str(leave["id"]),
            "{roster_id}": str(roster.pk),
            "{shift_id}": str(shift.pk),
            "{review_id}": str(review.pk),
            "{alert_id}": str(alert.pk),
        },
        "body": {
            "call": talking.pk,
            "case": case.pk,
            "other_customer_case": case.pk,
            "other_customer_site": site.pk,
            # for ticket_create: a customer the agent may open a case for (their own centre's)
            "customer": own_site.customer_id,
        },
        "complaint_case": complaint_case.pk,
        "receiver": centre["agent3"].pk,
        "secrets": [site.customer.name, case.contact_phone, order.number, site.address],
        "objects": [
            talking,
            ringing,
            callback_row(callback["id"]),
            case,
            complaint_case,
            order,
            chase,
            followup,
            LeaveRequest.objects.get(pk=leave["id"]),
            roster,
            shift,
            review,
            alert,
            recording,
        ],
    }


def callback_row(pk: int) -> Callback:
    return Callback.objects.get(pk=pk)


def snapshot(world: dict[str, Any]) -> list[dict[str, Any]]:
    """The others' rows as stored, and the size of the event log (every change writes one)."""
    rows = [model_to_dict(type(row).objects.get(pk=row.pk)) for row in world["objects"]]
    return [*rows, {"events": Event.objects.count(), "orders": WorkOrder.objects.count()}]


# --- the walk -----------------------------------------------------------------------------

COMPLAINTS = (
    "complaint_settle",
    "complaint_escalate",
    "complaint_answer",
    "tickets:complaint_answer",
)
# The placeholder each page's id stands for.
PAGE_IDS = {
    **{name: "{ticket_id}" for name in PAGE_CROSSING if name.startswith("tickets:")},
    **{name: "{order_id}" for name in PAGE_CROSSING if name.startswith(("dispatch:", "provider:"))},
    "followup:detail": "{followup_id}",
    "followup:act": "{followup_id}",
    "portal:case": "{ticket_id}",
    "portal:customer_record": "{customer_id}",
    "workforce:roster": "{roster_id}",
    "workforce:publish": "{roster_id}",
    "workforce:staffing": "{roster_id}",
    "workforce:shift_edit": "{shift_id}",
    "workforce:leave_decide": "{leave_id}",
    "calls:review_call": "{call_id}",
    "calls:review": "{review_id}",
    "calls:wallboard_acknowledge": "{alert_id}",
    "calls:wrap_up": "{call_id}",
    "tickets:link_call": "{call_id}",
    "voice:recording_audio": "{call_id}",
}


# What a page's form posts, so the trial passes the form and reaches the owner check.
def page_post(name: str, world: dict[str, Any]) -> dict[str, str]:
    if name == "tickets:reassign":
        return {"reassign-to_agent": str(world["receiver"]), "reassign-reason": "walk"}
    if name == "tickets:complaint_answer":
        return {f"c{world['complaint_case']}-outcome": "walk"}
    if name == "followup:act":
        return {"action": "take"}
    if name == "calls:wrap_up":
        return {"code": "resolved", "note": "walk"}
    if name == "tickets:link_call":
        return {"case": world["ids"]["{ticket_id}"]}
    return {}


def refused_api_trials() -> list[tuple[str, str, str, Role, str]]:
    """(operation, method, path, role, where) for every crossing the table says is refused."""
    trials = []
    for operation, method, path in api_operations():
        for role, verdict in CROSSING.get(operation, {}).items():
            if verdict != REFUSED or role not in API_ROLES[operation]:
                continue
            if "{" in path.replace("{key}", "").replace("{external_id}", ""):
                trials.append((operation, method, path, role, "path"))
            trials += [
                (operation, method, path, role, field) for field, _ in BODY_IDS.get(operation, [])
            ]
    return trials


def refused_page_trials() -> list[tuple[str, Role]]:
    return [
        (name, role)
        for name, roles in PAGE_CROSSING.items()
        for role, verdict in roles.items()
        if verdict == REFUSED and role in VIEW_ROLES[view_key(name)]
    ]


def _ids(world: dict[str, Any], name: str) -> dict[str, str]:
    ids = dict(world["ids"])
    if name in COMPLAINTS:
        ids["{ticket_id}"] = str(world["complaint_case"])
    return ids


def _refusal(
    role: Role,
    answer: Any,
    before: list[dict[str, Any]],
    world: dict[str, Any],
    *,
    invalid_id: bool = False,
    readable: bool = False,
) -> None:
    """Refused: 404 like a missing id, 403, or 409 naming its rule; a body's id that is not
    one of the choices may also be 422 (invalid, said in words); nothing changed or leaked."""
    text = answer.content.decode()
    if answer.status_code == 409 and "json" in answer["Content-Type"]:
        assert answer.json()["rule"], text
    elif answer.status_code == 409:  # a page shows the refusal in place, its rule named
        assert "data-rule" in text or "rule" in text, text[:300]
    else:
        allowed = (403, 404, 422) if invalid_id else (403, 404)
        assert answer.status_code in allowed, (answer.status_code, text[:300])
    if role != Role.TEAM_LEAD and not readable:  # a lead sees every case (D15)
        leaked = [secret for secret in world["secrets"] if secret in text]
        assert not leaked, leaked
    after = snapshot(world)
    if after != before:
        written = Event.objects.order_by("-id").values("entity", "action", "rule")[:3]
        pytest.fail(
            f"changed: {[b for b, a in zip(before, after, strict=True) if a != b]} {list(written)}"
        )


@pytest.mark.parametrize(("operation", "method", "path", "role", "where"), refused_api_trials())
def test_api_with_another_owners_id_is_refused(
    client, token_for, world, operation, method, path, role, where
):
    ids = _ids(world, operation)
    url = path
    for placeholder, value in (ids | PATH_ARGS).items():
        url = url.replace(placeholder, ids.get(placeholder, value))
    body = dict(API_BODIES.get(operation) or {})
    if where != "path":
        body[where] = world["body"][dict(BODY_IDS[operation])[where]]
        if operation == "ticket_create":
            body["customer_id"] = world["body"]["customer"]
    if operation == "review_create":  # a whole scorecard, so only the call is wrong
        body["marks"] = dict.fromkeys(CRITERIA, "met")
    if operation == "floor_transfer":
        body["to_agent"] = "agent3"
    token = token_for(User.objects.get(username=ACTORS[role]))
    before = snapshot(world)
    answer = client.generic(
        method,
        url,
        data=json.dumps(body) if body or method != "GET" else "",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    _refusal(role, answer, before, world, invalid_id=where != "path")


@pytest.mark.parametrize(("name", "role"), refused_page_trials())
def test_page_with_another_owners_id_is_refused(client, world, name, role):
    client.force_login(User.objects.get(username=ACTORS[role]))
    url = reverse(name, args=[int(_ids(world, name)[PAGE_IDS[name]])])
    # A follow-up is one shared list (D12): any agent reads it; only acting on one taken by
    # another is refused, and the refusal may show what anyone on the phones reads anyway.
    readable = name == "followup:act"
    before = snapshot(world)
    shown = client.get(url)
    if shown.status_code != 405:  # a form's page: GET shows it, POST acts
        _refusal(role, shown, before, world, readable=readable)
    _refusal(role, client.post(url, page_post(name, world)), before, world, readable=readable)
