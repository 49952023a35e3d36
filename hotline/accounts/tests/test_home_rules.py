"""The rules on the agent's and team lead's home pages: each value as it applies to the team
and, where it differs, to each of the team's queues, in the reader's language (A1, A2, B4...)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from hotline.calls.models import Queue
from hotline.core.rulebook import Scope
from hotline.formatting import duration_text
from hotline.rulebook.services import rule_value_set

pytestmark = pytest.mark.django_db


def _set(centre, now, key, raw, scope=Scope.DEPLOYMENT, ref=""):  # type: ignore[no-untyped-def]
    rule_value_set(
        actor=centre["admin"],
        now=now,
        key=key,
        raw=raw,
        reason="seams",
        scope=scope,
        scope_ref=str(ref),
    )


def _row(client, user, rule_label: str) -> str:  # type: ignore[no-untyped-def]
    """The cell of values of the row whose label is `rule_label` (in the reader's language)."""
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    with translation.override(user.language):
        label = translation.gettext(rule_label)
    match = re.search(rf"<td>{re.escape(label)}</td><td>(.*?)</td>", html, re.S)
    assert match, f"no row {label!r}"
    return match.group(1)


def _in(user, minutes: int) -> str:  # type: ignore[no-untyped-def]
    with translation.override(user.language):
        return duration_text(timedelta(minutes=minutes))


A1 = "Maximum length of a call"
A2 = "Maximum wait in the queue"


@pytest.mark.parametrize("who", ["agent1", "lead"])
def test_a1_home_shows_centre_team_and_queue_values(client, centre, now, who):
    user = centre[who]
    user.language = "bg"
    user.save()
    repairs = Queue.objects.get(code="repairs")
    assert _row(client, user, A1) == _in(user, 15)  # the default, no queue line
    _set(centre, now, "a1.max_talk", "20")
    assert _row(client, user, A1) == _in(user, 20)  # the centre's
    _set(centre, now, "a1.max_talk", "25", Scope.TEAM, user.team_id)
    assert _row(client, user, A1) == _in(user, 25)  # the team's over the centre's
    _set(centre, now, "a1.max_talk", "10", Scope.QUEUE, repairs.pk)
    cell = _row(client, user, A1)
    assert cell.startswith(_in(user, 25))
    assert f"{repairs.name}: {_in(user, 10)}" in cell  # the queue's, where it differs


def test_a2_home_shows_each_queue_of_the_team(client, centre, now):
    agent = centre["agent1"]
    repairs = Queue.objects.get(code="repairs")
    vip = Queue.objects.create(code="vip", name="VIP line", team=repairs.team)
    _set(centre, now, "a2.max_wait", "2")
    _set(centre, now, "a2.max_wait", "1", Scope.QUEUE, vip.pk)
    cell = _row(client, agent, A2)
    assert cell.startswith(_in(agent, 2))
    assert f"VIP line: {_in(agent, 1)}" in cell
    assert repairs.name not in cell  # same as the team's: not repeated


def test_a1_a2_another_teams_queue_is_not_shown(client, centre, now):
    installations = Queue.objects.get(code="installations")
    _set(centre, now, "a1.max_talk", "7", Scope.QUEUE, installations.pk)
    _set(centre, now, "a2.max_wait", "1", Scope.QUEUE, installations.pk)
    _set(centre, now, "a1.max_talk", "9", Scope.TEAM, centre["agent5"].team_id)
    for rule in (A1, A2):
        cell = _row(client, centre["agent1"], rule)
        assert installations.name not in cell
    assert _row(client, centre["agent1"], A1) == _in(centre["agent1"], 15)


def test_b4_b6_home_shows_the_share_and_the_queue_minimum(client, centre, now):
    agent = centre["agent1"]
    repairs = Queue.objects.get(code="repairs")
    _set(centre, now, "b4.max_on_break_share", "50", Scope.TEAM, agent.team_id)
    _set(centre, now, "b6.min_available_agents", "3", Scope.QUEUE, repairs.pk)
    assert (
        _row(client, agent, "Share of a team on break at the same time, at most (0: use the count)")
        == "50 %"
    )
    cell = _row(client, agent, "Agents of a queue who must stay available when one leaves")
    assert cell.startswith("1")
    assert f"{repairs.name}: 3" in cell
