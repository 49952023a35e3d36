"""The desk page's own parts: a break refused when the wrap-up ended (B5 deciding under B3) is
told to the agent until they dismiss it, and the agent's day (their published shift and planned
breaks, in the centre's time) is theirs only."""

import re
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from hotline.audit.models import Event
from hotline.calls.choices import LeaveState, OfferOutcome
from hotline.calls.events import AgentAction
from hotline.calls.models import AgentSession, BreakRequest, Call, Offer, Queue
from hotline.calls.services.agents import agent_log_in, agent_make_ready
from hotline.calls.services.calls import call_arrive, offer_accept
from hotline.testing.times import SOFIA
from hotline.workforce.models import Roster, RosterState, Shift

pytestmark = pytest.mark.django_db


def press(client, user, **data):
    client.force_login(user)
    return client.post(reverse("calls:desk_action"), data)


def panel(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.get(reverse("calls:desk_panel"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def talking(centre, clock):
    """agent1 (who reads Bulgarian) of team Repairs talks to a caller; nobody else is ready."""
    agent = centre["agent1"]
    agent_log_in(actor=agent, now=clock.now)
    agent_make_ready(actor=agent, now=clock.now)
    call = call_arrive(
        now=clock.advance(seconds=5),
        queue=Queue.objects.get(code="repairs"),
        caller_number="+359 2 981 1111",
    )
    offer = Offer.objects.get(call=call, outcome=OfferOutcome.PENDING)
    offer_accept(actor=agent, now=clock.advance(seconds=5), offer_id=offer.pk)
    return Call.objects.get(pk=call.pk)


def b3_refused_at_wrap_up_end(client, centre, clock, talking) -> Event:
    """agent1 asks for a break during the call (B5: after it); meanwhile a caller waits with
    nobody to answer; the call and its wrap-up end: B3 refuses the break then."""
    agent = centre["agent1"]
    asked = press(client, agent, action="leave:break")
    assert asked.status_code == 200, asked.content
    assert BreakRequest.objects.get(agent=agent).state == LeaveState.AFTER_CALL
    call_arrive(
        now=clock.advance(seconds=30),
        queue=Queue.objects.get(code="repairs"),
        caller_number="+359 2 981 2222",
    )
    clock.advance(minutes=3)
    assert press(client, agent, action="end", call=str(talking.pk)).status_code == 200
    clock.advance(seconds=40)
    assert press(client, agent, action="wrap_end").status_code == 200
    refused = BreakRequest.objects.get(agent=agent)
    assert (refused.state, refused.refused_rule) == (LeaveState.REFUSED, "B3")
    return Event.objects.get(action=AgentAction.LEAVE_REFUSED, actor__isnull=True)


def test_b3_break_refused_at_wrap_up_end_is_told_on_the_desk_until_dismissed(
    client, centre, clock, talking
):
    event = b3_refused_at_wrap_up_end(client, centre, clock, talking)
    with translation.override("bg"):
        why = gettext(
            "No break while customers wait (calls in the queue: %(calls)s, callbacks due: "
            "%(callbacks)s). Ask again when the queue is empty."
        ) % {"calls": 1, "callbacks": 0}
        rule = gettext("Refused by rule %(rule)s:") % {"rule": "B3"}
    assert why != event.reason  # the desk says it in Bulgarian, the log keeps English
    for _update in range(3):  # the live updates keep it
        clock.advance(seconds=10)
        page = panel(client, centre["agent1"])
        assert 'data-testid="refused-after-call"' in page
        assert 'data-rule="B3"' in page
        assert rule in page
        assert why in page
        # the time it was decided, in Sofia
        assert event.at.astimezone(SOFIA).strftime("(%H:%M)") in page
    # Another agent's desk never shows it.
    agent_log_in(actor=centre["agent2"], now=clock.now)
    assert 'data-testid="refused-after-call"' not in panel(client, centre["agent2"])

    dismissed = press(client, centre["agent1"], action=f"dismiss:{event.pk}")
    assert dismissed.status_code == 200
    assert 'data-testid="refused-after-call"' not in dismissed.content.decode()
    assert 'data-testid="refused-after-call"' not in panel(client, centre["agent1"])
    assert AgentSession.objects.get(agent=centre["agent1"]).state != "break"


def test_b3_refused_at_wrap_up_end_a_break_refused_at_once_is_not_repeated(
    client, centre, clock, talking
):
    """A refusal the agent got on pressing the button (409) is not told again as decided
    later: only the floor's own decisions (no actor) are."""
    press(client, centre["agent1"], action="end", call=str(talking.pk))
    agent_log_in(actor=centre["agent2"], now=clock.now)  # ready longer: the next call rings her
    agent_make_ready(actor=centre["agent2"], now=clock.now)
    clock.advance(seconds=20)
    press(client, centre["agent1"], action="wrap_end")
    call_arrive(
        now=clock.advance(seconds=5),
        queue=Queue.objects.get(code="repairs"),
        caller_number="+359 2 981 3333",
    )
    assert Offer.objects.get(outcome=OfferOutcome.PENDING).agent == centre["agent2"]
    refused = press(client, centre["agent1"], action="leave:break")
    assert refused.status_code == 409, AgentSession.objects.get(agent=centre["agent1"]).state
    assert 'data-rule="B3"' in refused.content.decode()
    assert 'data-testid="refused-after-call"' not in panel(client, centre["agent1"])


@pytest.mark.parametrize("argument", ["", "x", "1.5", "-"])
def test_b3_refused_at_wrap_up_end_bad_dismiss_is_400_and_keeps_it(
    client, centre, clock, talking, argument
):
    b3_refused_at_wrap_up_end(client, centre, clock, talking)
    assert press(client, centre["agent1"], action=f"dismiss:{argument}").status_code == 400
    assert 'data-testid="refused-after-call"' in panel(client, centre["agent1"])


def test_b3_refused_at_wrap_up_end_yesterdays_is_not_shown(client, centre, clock, talking):
    b3_refused_at_wrap_up_end(client, centre, clock, talking)
    clock.advance(days=1)
    assert 'data-testid="refused-after-call"' not in panel(client, centre["agent1"])


def _publish(team, agent, day, start, end, breaks, now) -> Shift:
    monday = day - timedelta(days=day.weekday())
    roster, _ = Roster.objects.get_or_create(
        team=team,
        first_monday=monday,
        defaults={
            "weeks": 1,
            "state": RosterState.PUBLISHED,
            "created_at": now,
            "published_at": now,
        },
    )
    return Shift.objects.create(
        roster=roster,
        agent=agent,
        day=day,
        prep_start=start - 15,
        start=start,
        end=end,
        breaks=breaks,
    )


def test_d14_desk_shows_the_agents_own_shift_and_breaks_in_the_centres_time(client, centre, clock):
    me, colleague = centre["agent1"], centre["agent2"]
    today = clock.now.astimezone(SOFIA).date()  # Monday 23 November 2026, Sofia winter time
    _publish(
        me.team,
        me,
        today,
        9 * 60,
        17 * 60 + 30,
        [
            {"kind": "break", "start": 11 * 60, "end": 11 * 60 + 15},
            {"kind": "lunch", "start": 13 * 60, "end": 13 * 60 + 30},
        ],
        clock.now,
    )
    _publish(
        colleague.team,
        colleague,
        today,
        7 * 60 + 10,
        15 * 60 + 40,
        [{"kind": "break", "start": 8 * 60 + 50, "end": 9 * 60 + 5}],
        clock.now,
    )
    page = panel(client, me)
    assert 'data-testid="shift-prep">08:45<' in page
    assert 'data-testid="shift">09:00–17:30' in page
    assert 'data-testid="planned-break">11:00–11:15<' in page
    assert 'data-testid="planned-break">13:00–13:30<' in page
    with translation.override("bg"):
        assert gettext("lunch").capitalize() in page  # named in the agent's language
    # nothing of the colleague's day
    for theirs in ("07:10", "15:40", "08:50", "06:55"):
        assert theirs not in page
    assert "15:30" not in page  # 17:30 read as UTC


def test_d14_desk_without_a_published_shift_says_so(client, centre, clock):
    me = centre["agent1"]
    today = clock.now.astimezone(SOFIA).date()
    shift = _publish(me.team, me, today, 9 * 60, 17 * 60, [], clock.now)
    Roster.objects.filter(pk=shift.roster_id).update(state=RosterState.DRAFT)
    page = panel(client, me)
    assert 'data-testid="shift"' not in page
    with translation.override("bg"):
        assert gettext("No published shift for you today.") in page


def _stream(client, query: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("calls:stream") + query)

    async def read() -> bytes:
        return b"".join([chunk async for chunk in response.streaming_content])

    return str(async_to_sync(read)().decode())


def test_desk_stream_signals_what_happened_since_the_page_was_drawn(client, centre, clock):
    """A call that rang between drawing the desk and its stream connecting is signalled at
    once (not at the next 10 s poll); a bad `after` is ignored (only news from now on)."""
    client.force_login(centre["agent8"])
    page = client.get(reverse("calls:desk")).content.decode()
    drawn_from = re.search(r"\?after=(\d+)", page)
    assert drawn_from is not None
    agent_log_in(actor=centre["agent8"], now=clock.now)  # happens before the stream connects
    assert "event: floor" in _stream(client, f"?after={drawn_from[1]}")
    for bad in ("x", "-1", "9" * 30, ""):
        assert "event: floor" not in _stream(client, f"?after={bad}")


def test_d14_desk_api_carries_the_agents_own_day_and_b3_refused_at_wrap_up_end(
    client, centre, clock, talking, token_for
):
    """The desk's JSON carries what the page shows: the own shift, in the site's zone with its
    offset, and the break refused when the wrap-up ended (B3), in the reader's language."""
    me = centre["agent1"]
    today = clock.now.astimezone(SOFIA).date()
    _publish(
        me.team,
        me,
        today,
        9 * 60,
        17 * 60,
        [{"kind": "lunch", "start": 13 * 60, "end": 13 * 60 + 30}],
        clock.now,
    )
    _publish(centre["agent2"].team, centre["agent2"], today, 7 * 60, 15 * 60, [], clock.now)
    event = b3_refused_at_wrap_up_end(client, centre, clock, talking)

    def desk(user):  # type: ignore[no-untyped-def]
        response = client.get(
            "/api/v1/floor/desk", HTTP_AUTHORIZATION=f"Bearer {token_for(centre[user])}"
        )
        assert response.status_code == 200
        return response.json()

    mine = desk("agent1")
    assert mine["day_plan"]["start"] == f"{today}T09:00:00+02:00"
    assert mine["day_plan"]["end"] == f"{today}T17:00:00+02:00"
    assert [b["start"] for b in mine["day_plan"]["breaks"]] == [f"{today}T13:00:00+02:00"]
    assert mine["refused_after_call"]["rule"] == "B3"
    assert mine["refused_after_call"]["detail"] in panel(client, me)  # the page's words
    assert mine["refused_after_call"]["detail"] != event.reason  # Bulgarian, not the log's
    agent_log_in(actor=centre["agent2"], now=clock.now)
    theirs = desk("agent2")
    assert theirs["day_plan"]["start"] == f"{today}T07:00:00+02:00"
    assert theirs["refused_after_call"] is None
