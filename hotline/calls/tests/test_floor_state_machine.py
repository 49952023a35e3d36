"""Hypothesis drives the floor's services in random order: no call lost, none with two agents,
every agent state change evented, and no agent left ready while a call of its queue waits."""

import contextlib
from datetime import datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from hotline.accounts.models import User
from hotline.audit.models import Event
from hotline.calls.choices import CallState, OfferOutcome
from hotline.calls.models import AgentSession, Call, Offer, Queue
from hotline.calls.services import agents as agent_services
from hotline.calls.services import calls as call_services
from hotline.calls.services.tick import floor_tick
from hotline.core.agent_states import AgentEvent, AgentState
from hotline.core.breaks import LeaveKind
from hotline.core.refusal import PolicyRefusal

pytestmark = pytest.mark.django_db

ALL_CALL_STATES = set(CallState.values)


class Floor(RuleBasedStateMachine):
    start: datetime  # set by the test: the fixed instant the floor starts at

    def __init__(self) -> None:
        super().__init__()
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.agents = list(User.objects.filter(username__in=["agent1", "agent2", "agent3"]))
        self.queue = Queue.objects.get(code="repairs")
        self.now = self.start
        self.calls: list[int] = []

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    def _try(self, action) -> None:
        # A refusal is a legal outcome; the invariants check that nothing broke.
        with contextlib.suppress(PolicyRefusal):
            action()

    @rule(seconds=st.integers(min_value=1, max_value=200))
    def time_passes(self, seconds):
        self.now += timedelta(seconds=seconds)
        floor_tick(self.now)

    @rule()
    def a_call_arrives(self):
        call = call_services.call_arrive(now=self.now, queue=self.queue, caller_number="+359 2 1")
        self.calls.append(call.pk)

    @rule(agent=st.integers(0, 2))
    def agent_logs_in(self, agent):
        self._try(lambda: agent_services.agent_log_in(actor=self.agents[agent], now=self.now))

    @rule(agent=st.integers(0, 2))
    def agent_gets_ready(self, agent):
        self._try(lambda: agent_services.agent_make_ready(actor=self.agents[agent], now=self.now))

    @rule(agent=st.integers(0, 2), kind=st.sampled_from(list(LeaveKind)))
    def agent_asks_to_leave(self, agent, kind):
        self._try(
            lambda: agent_services.agent_leave_request(
                actor=self.agents[agent], now=self.now, kind=kind
            )
        )

    @rule(agent=st.integers(0, 2))
    def agent_logs_out(self, agent):
        self._try(lambda: agent_services.agent_log_out(actor=self.agents[agent], now=self.now))

    @rule(agent=st.integers(0, 2), accept=st.booleans())
    def agent_answers_or_declines(self, agent, accept):
        offer = Offer.objects.filter(agent=self.agents[agent], outcome=OfferOutcome.PENDING).first()
        if offer is None:
            return
        if accept:
            self._try(
                lambda: call_services.offer_accept(
                    actor=self.agents[agent], now=self.now, offer_id=offer.pk
                )
            )
        else:
            self._try(
                lambda: call_services.offer_decline(
                    actor=self.agents[agent], now=self.now, offer_id=offer.pk
                )
            )

    @rule(agent=st.integers(0, 2))
    def agent_hangs_up(self, agent):
        call = Call.objects.filter(agent=self.agents[agent], state=CallState.CONNECTED).first()
        if call:
            self._try(
                lambda: call_services.call_end(
                    actor=self.agents[agent], now=self.now, call_id=call.pk
                )
            )

    @rule(index=st.integers(0, 50))
    def a_caller_hangs_up(self, index):
        if self.calls:
            call_services.call_abandon(now=self.now, call_id=self.calls[index % len(self.calls)])

    @invariant()
    def no_call_is_lost(self):
        states = list(Call.objects.filter(pk__in=self.calls).values_list("state", flat=True))
        assert len(states) == len(self.calls)
        assert set(states) <= ALL_CALL_STATES

    @invariant()
    def no_call_has_two_agents(self):
        live = Call.objects.filter(state__in=[CallState.CONNECTED, CallState.WRAP_UP])
        per_agent = live.values_list("agent_id", flat=True)
        assert len(per_agent) == len(set(per_agent))
        ringing = Offer.objects.filter(outcome=OfferOutcome.PENDING)
        for work in ("call", "callback"):
            ids = list(ringing.filter(**{f"{work}__isnull": False}).values_list(work, flat=True))
            assert len(ids) == len(set(ids))
        for call in Call.objects.filter(state=CallState.CONNECTED):
            assert AgentSession.objects.get(agent=call.agent_id).state == AgentState.ON_CALL

    @invariant()
    def every_agent_state_is_its_last_event(self):
        for session in AgentSession.objects.all():
            last = (
                Event.objects.filter(
                    entity="calls.agent",
                    entity_id=str(session.agent_id),
                    action__in=[e.value for e in AgentEvent],
                )
                .order_by("-id")
                .first()
            )
            assert last is not None
            assert last.new == session.state

    @invariant()
    def nobody_idles_while_a_call_waits(self):
        if Call.objects.filter(queue=self.queue, state=CallState.WAITING).exists():
            assert not AgentSession.objects.filter(state=AgentState.READY).exists()


def test_floor_services_keep_their_invariants(centre, now):
    Floor.start = now
    run_state_machine_as_test(
        Floor,
        settings=settings(
            max_examples=100,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
