"""The load bench's floor, in the bench's own (Django) process: the reference centre with N
agents on the floor, every person's API token and browser session, deadlines falling due
during each run, and a reset to the same floor before each run. The load generator
(bench/load_gen.py) gets all this as JSON and never imports Django."""

from dataclasses import replace
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any


def seed(agents: int) -> dict[str, Any]:
    """The reference centre with `agents` agents in Repairs, logged in and ready; returns
    what the clients need: tokens (and, for agents, session cookies), queue codes, ids."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import transaction

    from hotline import clock
    from hotline.accounts.choices import Role
    from hotline.accounts.models import User
    from hotline.accounts.services import api_token_create
    from hotline.calls.models import Queue
    from hotline.calls.services.agents import agent_log_in, agent_make_ready
    from hotline.directory.models import Customer
    from hotline.seeding import Person, seed_centre
    from hotline.testing.reference_centre import PASSWORD, REFERENCE_CENTRE

    people = [
        Person(f"agent{n}", Role.AGENT, "Bench", f"Agent {n}", "en", "repairs")
        for n in range(1, agents + 1)
    ]
    staff = [person for person in REFERENCE_CENTRE.people if person.role != Role.AGENT]
    seed_centre(replace(REFERENCE_CENTRE, people=[*people, *staff]), PASSWORD)
    now = clock.now()
    store = import_module(settings.SESSION_ENGINE).SessionStore

    def token(user: User) -> str:
        return api_token_create(actor=None, now=now, user=user, name="load bench", days=1)[1]

    desks = []
    for person in people:
        agent = User.objects.get(username=person.username)
        with transaction.atomic():
            agent_log_in(actor=agent, now=now)
        agent_make_ready(actor=agent, now=now)
        session = store()
        session[SESSION_KEY] = str(agent.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
        session["hotline_last_seen"] = now.timestamp()
        session.create()
        desks.append(
            {"username": agent.username, "token": token(agent), "session": session.session_key}
        )
    queues = list(
        Queue.objects.filter(team__name__icontains="repair").values_list("code", flat=True)
    )
    return {
        "agents": desks,
        "queues": queues or list(Queue.objects.values_list("code", flat=True)[:1]),
        "pbx": token(User.objects.get(username="pbx")),
        "dispatcher": token(User.objects.get(username="dispatcher")),
        "lead": token(User.objects.get(username="lead")),
        "providers": [token(u) for u in User.objects.filter(role=Role.PROVIDER)],
        "customers": [token(u) for u in User.objects.filter(role=Role.CUSTOMER)],
        "customer_ids": list(Customer.objects.values_list("pk", flat=True)[:20]),
        "session_cookie": settings.SESSION_COOKIE_NAME,
    }


def deadlines_due(start: datetime, seconds: float, count: int) -> list[int]:
    """`count` D11 callback deadlines on the customers' tickets (made here for the purpose),
    falling due evenly across the run: the worker must fire each exactly once."""
    from hotline.accounts.models import User
    from hotline.deadlines.services import deadline_set
    from hotline.directory.models import Customer
    from hotline.tickets import services
    from hotline.tickets.choices import TicketKind

    agent = User.objects.get(username="agent1")
    customer = Customer.objects.order_by("pk").first()
    ids = []
    for n in range(count):
        ticket = services.ticket_create(
            actor=agent, now=start, customer=customer, kind=TicketKind.COMPLAINT
        )
        due = start + timedelta(seconds=seconds * (n + 1) / (count + 1))
        ids.append(
            deadline_set(kind="d11.callback", rule="D11", due_at=due, now=start, ticket=ticket).pk
        )
    return ids


def floor_reset() -> dict[str, int]:
    """Every agent ready and no call waiting, so each run starts from the same floor (those
    that needed it are counted)."""
    from hotline import clock
    from hotline.calls.choices import CallState
    from hotline.calls.models import AgentSession, Call
    from hotline.calls.services.agents import agent_make_ready
    from hotline.calls.services.calls import agent_wrap_up_end, call_abandon, call_end
    from hotline.core.agent_states import AgentState
    from hotline.core.refusal import PolicyRefusal

    reset = {"calls_abandoned": 0, "calls_ended": 0, "agents_made_ready": 0}
    stale = Call.objects.filter(state__in=(CallState.WAITING, CallState.OFFERED))
    for call_id in stale.values_list("pk", flat=True):
        call_abandon(now=clock.now(), call_id=call_id)
        reset["calls_abandoned"] += 1
    for call in Call.objects.filter(
        ended_at__isnull=True, answered_at__isnull=False
    ).select_related("agent"):
        try:
            call_end(actor=call.agent, now=clock.now(), call_id=call.pk)
            reset["calls_ended"] += 1
        except PolicyRefusal:
            pass
    for session in AgentSession.objects.exclude(state=AgentState.READY).select_related("agent"):
        try:
            if session.state == AgentState.WRAP_UP:
                agent_wrap_up_end(actor=session.agent, now=clock.now(), agent=session.agent)
            else:
                agent_make_ready(actor=session.agent, now=clock.now())
            reset["agents_made_ready"] += 1
        except PolicyRefusal:
            pass
    return reset
