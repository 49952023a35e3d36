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


# A value other than the default for each rule the agent's home lists, as an admin types it.
OTHER_VALUE = {
    "a1.max_talk": "12",
    "a1.warning_share": "70",
    "a2.max_wait": "4",
    "a3.daily_calls_target": "42",
    "a4.transfer_answer_timeout": "40",
    "b2.short_breaks_per_day": "3",
    "b2.short_break_length": "10",
    "b2.lunches_per_day": "2",
    "b2.lunch_length": "40",
    "b4.max_on_break": "2",
    "b4.max_on_break_share": "25",
    "b6.min_available_agents": "2",
    "b1.prep_min": "10",
}


def _shown(key: str, raw: str, user) -> str:  # type: ignore[no-untyped-def]
    from hotline.core.rulebook import setting
    from hotline.formatting import setting_text

    found = setting(key)
    with translation.override(user.language):
        return setting_text(found, found.parse(raw))


def test_home_lists_every_rule_with_a_value_to_try():
    from hotline.home.selectors import AGENT_RULES

    assert set(AGENT_RULES) == set(OTHER_VALUE)


@pytest.mark.parametrize("key", sorted(OTHER_VALUE))
def test_home_each_rule_at_every_scope_it_accepts(client, centre, now, key):
    from hotline.core.rulebook import setting

    found = setting(key)
    agent, other = _bg(centre["agent1"]), centre["agent5"]
    raw = OTHER_VALUE[key]
    repairs = Queue.objects.get(code="repairs")
    label = found.label
    if found.allows(Scope.QUEUE):
        _set(centre, now, key, raw, Scope.QUEUE, repairs.pk)
        assert f"{repairs.name}: {_shown(key, raw, agent)}" in _row(client, agent, label)
        assert _row(client, other, label) == _shown(key, found.display(found.default), other)
    if found.allows(Scope.TEAM):
        _set(centre, now, key, raw, Scope.TEAM, other.team_id)  # another team's: not shown
        assert not _row(client, agent, label).startswith(_shown(key, raw, agent))
        _set(centre, now, key, raw, Scope.TEAM, agent.team_id)
        # the team's; a queue of the same value is not repeated
        assert _row(client, agent, label) == _shown(key, raw, agent)
    _set(centre, now, key, raw)  # the centre's: every queue and team without its own
    assert _row(client, other, label).startswith(_shown(key, raw, other))


def _bg(user):  # type: ignore[no-untyped-def]
    user.language = "bg"
    user.save()
    return user


D6_URBAN = "Response limit in urban zones"


# The provider's home states its clocks instead (dispatch/clocks.py), tested at every D6 scope
# in hotline/dispatch/tests/test_d6_limits.py.
@pytest.mark.parametrize("who", ["dispatcher"])
def test_d6_provider_deadlines_at_zone_and_customer_scope(client, centre, now, who):
    from hotline.directory.models import Customer

    user = _bg(centre[who])
    first, second = Customer.objects.order_by("pk")[:2]
    assert _row(client, user, D6_URBAN) == _in(user, 24 * 60)  # the default, nothing else
    _set(centre, now, "d6.urban_response", "20", Scope.ZONE, "urban")
    assert _row(client, user, D6_URBAN) == _in(user, 20 * 60)  # the zone's over the centre's
    _set(centre, now, "d6.urban_response", "8", Scope.CUSTOMER, first.pk)
    cell = _row(client, user, D6_URBAN)
    assert cell.startswith(_in(user, 20 * 60))
    assert f"{first.name}: {_in(user, 8 * 60)}" in cell  # that customer's contract
    assert second.name not in cell  # the others keep the zone's: not listed
    _set(centre, now, "d6.urban_response", "30")  # the centre's: under the zone's, not shown
    assert _row(client, user, D6_URBAN).startswith(_in(user, 20 * 60))
