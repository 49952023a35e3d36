"""A living demo floor: callers ring, bot agents answer, talk, take breaks, through the services.

Only `hotline demo` runs this (inside its worker). Agents agent1 and agent2 are left to the
person trying the demo; the bots are agent3 to agent8 and never touch the humans' calls.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hotline.accounts.models import User
from hotline.calls.choices import CallbackFailure, CallState, OfferOutcome
from hotline.calls.models import AgentSession, Call, Offer, Queue
from hotline.calls.services.agents import agent_leave_request, agent_log_in, agent_make_ready
from hotline.calls.services.calls import call_abandon, call_arrive, call_end, offer_accept
from hotline.calls.services.waiting import CallbackOutcome, callback_record_outcome
from hotline.core.agent_states import AgentState
from hotline.core.breaks import LeaveKind
from hotline.core.refusal import PolicyRefusal
from hotline.directory.models import Customer

BOTS = [f"agent{n}" for n in range(3, 9)]
CALLS_PER_MINUTE = 2.0
ANSWER_DELAY = (2, 6)  # seconds a bot lets the phone ring
TALK_SECONDS = (40, 260)
PATIENCE_SECONDS = (45, 400)
BREAK_CHANCE_PER_MINUTE = 0.02
CALLBACK_REACHED = 0.8  # share of the bots' callbacks that reach the customer (B8)


@dataclass
class DemoFloor:
    seed: int | None
    rng: random.Random = field(init=False)
    talk_ends: dict[int, datetime] = field(default_factory=dict)  # call id -> hang-up time
    patience: dict[int, datetime] = field(default_factory=dict)  # waiting call id -> gives up
    last_step: datetime | None = None

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def step(self, now: datetime) -> None:
        elapsed = (now - self.last_step).total_seconds() if self.last_step else 1.0
        self.last_step = now
        for action in (
            self._staff,
            self._ring,
            self._answer,
            self._hang_up,
            self._give_up,
            self._rest,
        ):
            try:
                action(now, elapsed)
            except PolicyRefusal:
                continue  # the floor said no (a rule): the bot tries again later, like a person

    def _bots(self) -> list[User]:
        return list(User.objects.filter(username__in=BOTS))

    def _staff(self, now: datetime, elapsed: float) -> None:
        for bot in self._bots():
            session = AgentSession.objects.filter(agent=bot).first()
            if session is None or session.state == AgentState.LOGGED_OUT:
                agent_log_in(actor=bot, now=now)
            elif session.state in (AgentState.AWAY, AgentState.BREAK, AgentState.LUNCH) and (
                now - session.state_since > timedelta(minutes=self.rng.choice((1, 2, 3)))
            ):
                agent_make_ready(actor=bot, now=now)

    def _ring(self, now: datetime, elapsed: float) -> None:
        arrivals = self._poisson(CALLS_PER_MINUTE * elapsed / 60)
        queues = list(Queue.objects.all())
        numbers = list(Customer.objects.values_list("phone", flat=True))
        for _ in range(arrivals):
            number = self.rng.choice(numbers) if self.rng.random() < 0.7 else "+359 87 000 0000"
            call = call_arrive(now=now, queue=self.rng.choice(queues), caller_number=number)
            self.patience[call.pk] = now + timedelta(seconds=self.rng.randint(*PATIENCE_SECONDS))

    def _answer(self, now: datetime, elapsed: float) -> None:
        for offer in Offer.objects.filter(outcome=OfferOutcome.PENDING, agent__username__in=BOTS):
            if now - offer.offered_at >= timedelta(seconds=self.rng.randint(*ANSWER_DELAY)):
                call = offer_accept(actor=offer.agent, now=now, offer_id=offer.pk)
                self.talk_ends[call.pk] = now + timedelta(seconds=self.rng.randint(*TALK_SECONDS))

    def _hang_up(self, now: datetime, elapsed: float) -> None:
        for call_id, ends in list(self.talk_ends.items()):
            if ends <= now:
                del self.talk_ends[call_id]
                if Call.objects.filter(pk=call_id, state=CallState.CONNECTED).exists():
                    call = call_end(actor=None, now=now, call_id=call_id)
                    if call.callback_id and call.agent:  # B8: the bot says how it went
                        reached = self.rng.random() < CALLBACK_REACHED
                        callback_record_outcome(
                            actor=call.agent,
                            now=now,
                            callback_id=call.callback_id,
                            outcome=CallbackOutcome.COMPLETED
                            if reached
                            else CallbackOutcome.FAILED,
                            failure=None if reached else CallbackFailure.NO_ANSWER,
                        )

    def _give_up(self, now: datetime, elapsed: float) -> None:
        for call_id, gives_up in list(self.patience.items()):
            if gives_up <= now:
                del self.patience[call_id]
                call_abandon(now=now, call_id=call_id)

    def _rest(self, now: datetime, elapsed: float) -> None:
        for bot in self._bots():
            if self.rng.random() < BREAK_CHANCE_PER_MINUTE * elapsed / 60:
                agent_leave_request(
                    actor=bot, now=now, kind=self.rng.choice((LeaveKind.BREAK, LeaveKind.LUNCH))
                )

    def _poisson(self, mean: float) -> int:
        count, threshold, product = 0, math.exp(-mean), self.rng.random()
        while product > threshold:
            count += 1
            product *= self.rng.random()
        return count
