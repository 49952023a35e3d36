"""Changing the rulebook: admins only, validated, audited; a refused change changes nothing."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hotline.audit.models import Event
from hotline.core.calendar import BusinessCalendar
from hotline.core.rulebook import Scope, SettingError
from hotline.rulebook.models import Calendar, RuleValue
from hotline.rulebook.selectors import business_calendar, current_rulebook
from hotline.rulebook.services import rule_value_reset, rule_value_set

pytestmark = pytest.mark.django_db


def test_seeded_rulebook_equals_policies_defaults(centre):
    rules = current_rulebook()
    assert rules.duration("a2.max_wait") == timedelta(minutes=3)
    assert rules.duration("a1.max_talk") == timedelta(minutes=15)
    assert rules.count("a3.daily_calls_target") == 30
    assert not RuleValue.objects.exists()


def test_a2_admin_change_is_in_force_and_audited(centre, now):
    rule_value_set(actor=centre["admin"], now=now, key="a2.max_wait", raw="2", reason="winter peak")
    assert current_rulebook().duration("a2.max_wait") == timedelta(minutes=2)
    event = Event.objects.get(entity="rulebook.setting")
    assert (event.rule, event.old, event.new, event.reason) == ("A2", None, 120, "winter peak")
    assert event.actor == centre["admin"]
    assert event.at == now


def test_a3_team_override_through_the_service(centre, now):
    team = centre["agent1"].team
    rule_value_set(
        actor=centre["admin"],
        now=now,
        key="a3.daily_calls_target",
        raw="40",
        reason="pilot",
        scope=Scope.TEAM,
        scope_ref=str(team.pk),
    )
    rules = current_rulebook()
    assert rules.count("a3.daily_calls_target", team=team.pk) == 40
    assert rules.count("a3.daily_calls_target", team=centre["agent5"].team.pk) == 30


@pytest.mark.parametrize(
    ("key", "raw", "scope", "ref", "reason", "message"),
    [
        ("a2.max_wait", "abc", Scope.DEPLOYMENT, "", "x", "duration"),
        ("a2.max_wait", "2", Scope.DEPLOYMENT, "", "  ", "Say why"),
        ("a2.max_wait", "2", Scope.TEAM, "1", "x", "per team"),
        ("a3.daily_calls_target", "40", Scope.TEAM, "999", "x", "There is no team 999"),
        ("a3.daily_calls_target", "40", Scope.TEAM, "plumbing", "x", "There is no team plumbing"),
        ("a2.max_wait", "2", Scope.QUEUE, "99999999999999999999", "x", "There is no queue 9"),
        ("d6.urban_response", "12", Scope.CUSTOMER, "Acme", "x", "There is no customer Acme"),
        ("d6.urban_response", "12", Scope.ZONE, "downtown", "x", "There is no zone"),
        ("d1.repair_cutoff", "18:00", Scope.DEPLOYMENT, "", "x", "cut-off"),
        ("a2.max_wait", "2", Scope.DEPLOYMENT, "7", "x", "applies to nothing"),
        ("nope.key", "2", Scope.DEPLOYMENT, "", "x", "no such setting"),
    ],
)
def test_bad_change_is_refused_and_changes_nothing(
    centre, now, key, raw, scope, ref, reason, message
):
    with pytest.raises(SettingError, match=message):
        rule_value_set(
            actor=centre["admin"],
            now=now,
            key=key,
            raw=raw,
            reason=reason,
            scope=scope,
            scope_ref=ref,
        )
    assert not RuleValue.objects.exists()
    assert not Event.objects.filter(entity="rulebook.setting").exists()


@pytest.mark.parametrize(
    "username", ["agent1", "lead", "manager", "dispatcher", "provider1", "customer1"]
)
def test_only_admins_change_the_rulebook(centre, now, username):
    with pytest.raises(PermissionDenied):
        rule_value_set(actor=centre[username], now=now, key="a2.max_wait", raw="2", reason="x")
    assert not RuleValue.objects.exists()


def test_reset_brings_back_the_default_and_is_audited(centre, now):
    rule_value_set(actor=centre["admin"], now=now, key="a2.max_wait", raw="2", reason="trial")
    rule_value_reset(
        actor=centre["admin"], now=now + timedelta(hours=1), key="a2.max_wait", reason="trial over"
    )
    assert current_rulebook().duration("a2.max_wait") == timedelta(minutes=3)
    assert list(
        Event.objects.filter(entity="rulebook.setting").values_list("action", flat=True)
    ) == ["changed", "reset"]


def test_reset_that_would_break_consistency_is_refused(centre, now):
    admin = centre["admin"]
    rule_value_set(actor=admin, now=now, key="d1.repair_cutoff", raw="14:00", reason="short day")
    rule_value_set(actor=admin, now=now, key="d1.closes", raw="15:00", reason="short day")
    # Back to a 16:00 cut-off while the centre still closes at 15:00: refused, nothing changes.
    with pytest.raises(SettingError, match="cut-off"):
        rule_value_reset(actor=admin, now=now, key="d1.repair_cutoff", reason="oops")
    assert current_rulebook().clock("d1.repair_cutoff") == time(14, 0)


def test_reset_of_a_value_that_is_not_overridden_is_refused(centre, now):
    with pytest.raises(SettingError, match="not overridden"):
        rule_value_reset(actor=centre["admin"], now=now, key="a2.max_wait", reason="x")


def test_d1_site_calendar_uses_the_opening_hours_in_force(centre, now):
    rule_value_set(actor=centre["admin"], now=now, key="d1.opens", raw="09:00", reason="winter")
    calendar = business_calendar(Calendar.objects.get(name="Bulgaria"))
    assert isinstance(calendar, BusinessCalendar)
    assert (calendar.opens, calendar.closes) == (time(9, 0), time(17, 0))
    assert calendar.time_zone == "Europe/Sofia"
    assert len(calendar.holidays) >= 8


def test_rulebook_page_change_form_shows_the_error_and_keeps_the_value(client, centre):
    client.force_login(centre["admin"])
    url = reverse("rulebook:edit", args=["a2.max_wait"])
    response = client.post(
        url, {"value": "99", "scope": "deployment", "scope_ref": "", "reason": "x"}
    )
    assert response.status_code == 422
    assert "between 10 s and 60 min" in response.content.decode()
    assert not RuleValue.objects.exists()
    response = client.post(
        url, {"value": "2", "scope": "deployment", "scope_ref": "", "reason": "x"}
    )
    assert response.status_code == 302
    assert current_rulebook().duration("a2.max_wait") == timedelta(minutes=2)


def test_rulebook_page_lists_every_rule_with_its_value(client, centre):
    client.force_login(centre["agent8"])  # Tom works in English
    page = client.get(reverse("rulebook:list")).content.decode()
    for rule in ("A1", "A2", "B4", "D6", "D14"):
        assert f'<td class="rule">{rule}</td>' in page
    assert "3 min" in page
    assert reverse("rulebook:edit", args=["a2.max_wait"]) not in page  # agents can't change it
