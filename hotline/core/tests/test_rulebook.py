"""Rulebook numbers: defaults equal POLICIES.md, overrides resolve by scope, bad values refused."""

import re
from datetime import time, timedelta
from pathlib import Path

import pytest

from hotline.core.refusal import PolicyRefusal
from hotline.core.rulebook import (
    SETTINGS,
    Override,
    Rulebook,
    Scope,
    SettingError,
    setting,
)

POLICIES = Path(__file__).resolve().parents[3].parent / "shared" / "POLICIES.md"

# Every bold number of POLICIES.md, rule by rule, and the settings (with values) it becomes.
BOLD_NUMBERS: dict[str, dict[str, dict[str, object]]] = {
    "A1": {"15 min": {"a1.max_talk": timedelta(minutes=15)}, "80 %": {"a1.warning_share": 80}},
    "A2": {"3 min": {"a2.max_wait": timedelta(minutes=3)}},
    "A3": {"30 calls a day": {"a3.daily_calls_target": 30}},
    "A4": {"20 s": {"a4.transfer_answer_timeout": timedelta(seconds=20)}},
    "B1": {
        "15–20 min": {"b1.prep_min": timedelta(minutes=15), "b1.prep_max": timedelta(minutes=20)}
    },
    "B2": {
        "2 × 15 min": {
            "b2.short_breaks_per_day": 2,
            "b2.short_break_length": timedelta(minutes=15),
        },
        "1 × 30 min": {"b2.lunches_per_day": 1, "b2.lunch_length": timedelta(minutes=30)},
    },
    "B4": {"1": {"b4.max_on_break": 1}},
    "B6": {"1": {"b6.min_available_agents": 1}},
    "D1": {
        "8:30–17:00": {"d1.opens": time(8, 30), "d1.closes": time(17, 0)},
        "16:00": {"d1.repair_cutoff": time(16, 0)},
    },
    "D2": {"10 min": {"d2.work_order_within": timedelta(minutes=10)}},
    "D4": {
        "30 min": {"d4.contact_within": timedelta(minutes=30)},
        "3 h": {"d4.status_within": timedelta(hours=3)},
        "2–3": {"d4.desk_checks_min": 2, "d4.desk_checks_max": 3},
    },
    "D5": {"4 h": {"d5.urge_after": timedelta(hours=4)}},
    "D6": {
        "urban 24 h, suburban 48 h, other 72 h": {
            "d6.urban_response": timedelta(hours=24),
            "d6.suburban_response": timedelta(hours=48),
            "d6.other_response": timedelta(hours=72),
        }
    },
    "D9": {"24 h": {"d9.engineer_reply_within": timedelta(hours=24)}},
    "D11": {"30 min": {"d11.callback_within": timedelta(minutes=30)}},
    "D12": {
        "100 %": {"d12.repair_followup_share": 100},
        "30–100 %": {"d12.installation_followup_share": 30},
    },
    "D14": {
        "40 h": {"d14.weekly_hours": timedelta(hours=40)},
        "2": {"d14.days_off": 2},
        "8:00–8:30": {"d14.meeting_starts": time(8, 0), "d14.meeting_ends": time(8, 30)},
    },
}


def bold_numbers_in_policies() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for line in POLICIES.read_text(encoding="utf-8").splitlines():
        row = re.match(r"\| ([A-E]\d+) \|", line)
        if row:
            bold = set(re.findall(r"\*\*(.+?)\*\*", line))
            if bold:
                found[row.group(1)] = bold
    return found


@pytest.mark.skipif(not POLICIES.exists(), reason="shared/POLICIES.md is not beside the project")
def test_every_bold_number_of_policies_is_a_setting():
    assert bold_numbers_in_policies() == {rule: set(v) for rule, v in BOLD_NUMBERS.items()}


def test_defaults_equal_policies():
    expected = {
        key: value
        for numbers in BOLD_NUMBERS.values()
        for group in numbers.values()
        for key, value in group.items()
    }
    for key, value in expected.items():
        assert setting(key).default == value, key
    assert Rulebook().value("d14.meeting_weekday") == 0  # "Monday"


def test_every_setting_names_its_rule_and_matches_its_key():
    for found in SETTINGS:
        assert found.key.split(".")[0] == found.rule.lower()


def test_a2_queue_override_beats_deployment_value():
    rules = Rulebook(
        [
            Override("a2.max_wait", Scope.DEPLOYMENT, "", timedelta(minutes=2)),
            Override("a2.max_wait", Scope.QUEUE, "7", timedelta(minutes=1)),
        ]
    )
    assert rules.value("a2.max_wait", queue=7) == timedelta(minutes=1)
    assert rules.value("a2.max_wait", queue=8) == timedelta(minutes=2)
    assert rules.value("a2.max_wait") == timedelta(minutes=2)


def test_a3_team_override_applies_to_that_team_only():
    rules = Rulebook([Override("a3.daily_calls_target", Scope.TEAM, "1", 40)])
    assert rules.count("a3.daily_calls_target", team=1) == 40
    assert rules.count("a3.daily_calls_target", team=2) == 30


def test_d6_customer_override_beats_zone_override():
    rules = Rulebook(
        [
            Override("d6.urban_response", Scope.ZONE, "urban", timedelta(hours=12)),
            Override("d6.urban_response", Scope.CUSTOMER, "5", timedelta(hours=8)),
        ]
    )
    assert rules.duration("d6.urban_response", zone="urban", customer=5) == timedelta(hours=8)
    assert rules.duration("d6.urban_response", zone="urban", customer=6) == timedelta(hours=12)


def test_override_at_a_scope_the_rule_does_not_allow_is_refused():
    with pytest.raises(SettingError, match="per team"):
        Rulebook([Override("a2.max_wait", Scope.TEAM, "1", timedelta(minutes=2))])


def test_value_asks_with_an_unknown_scope_fails_loudly():
    with pytest.raises(TypeError):
        Rulebook().value("a2.max_wait", qeue=1)


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("a2.max_wait", "2", timedelta(minutes=2)),
        ("a2.max_wait", "90 s", timedelta(seconds=90)),
        ("a2.max_wait", "2,5", timedelta(seconds=150)),
        ("d5.urge_after", "6", timedelta(hours=6)),
        ("d1.repair_cutoff", "15:30", time(15, 30)),
        ("a1.warning_share", "75 %", 75),
        ("d14.meeting_weekday", "Tuesday", 1),
    ],
)
def test_values_are_read_as_operators_type_them(key, raw, expected):
    assert setting(key).parse(raw) == expected


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("a2.max_wait", "", "duration"),
        ("a2.max_wait", "three", "duration"),
        ("a2.max_wait", "-1", "duration"),
        ("a2.max_wait", "5 s", "between 10 s and 60 min"),
        ("a2.max_wait", "0.001", "whole second"),
        ("a3.daily_calls_target", "2.5", "whole number"),
        ("a3.daily_calls_target", "1001", "between"),
        ("a1.warning_share", "100", "between 1 % and 99 %"),
        ("d1.opens", "25:00", "time of day"),
        ("d12.installation_followup_share", "20", "between 30 % and 100 %"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(key, raw, message):
    with pytest.raises(SettingError, match=message):
        setting(key).parse(raw)


def test_unknown_setting_is_refused():
    with pytest.raises(SettingError, match="no such setting"):
        setting("a9.nothing")


def test_b1_shortest_prep_cannot_exceed_longest():
    with pytest.raises(SettingError, match="preparation"):
        Rulebook().with_override(
            Override("b1.prep_min", Scope.DEPLOYMENT, "", timedelta(minutes=25))
        )


def test_d1_cutoff_after_closing_is_refused():
    with pytest.raises(SettingError, match="cut-off"):
        Rulebook().with_override(Override("d1.repair_cutoff", Scope.DEPLOYMENT, "", time(17, 30)))


def test_d6_urban_limit_longer_than_suburban_is_refused_for_that_zone():
    with pytest.raises(SettingError, match="Urban"):
        Rulebook().with_override(
            Override("d6.urban_response", Scope.ZONE, "urban", timedelta(hours=50))
        )


def test_with_override_leaves_the_original_untouched():
    rules = Rulebook()
    changed = rules.with_override(
        Override("a2.max_wait", Scope.DEPLOYMENT, "", timedelta(minutes=2))
    )
    assert rules.value("a2.max_wait") == timedelta(minutes=3)
    assert changed.value("a2.max_wait") == timedelta(minutes=2)


@pytest.mark.parametrize("found", SETTINGS, ids=lambda s: s.key)
def test_display_and_parse_round_trip(found):
    assert found.parse(found.display(found.default)) == found.default
    assert found.from_json(found.to_json(found.default)) == found.default


def test_policy_refusal_names_a_known_rule_and_fills_its_message():
    refusal = PolicyRefusal("B4", "%(count)s agents of the team are on break.", {"count": 1})
    assert refusal.as_dict() == {"rule": "B4", "detail": "1 agents of the team are on break."}
    with pytest.raises(ValueError, match="unknown rule id"):
        PolicyRefusal("B44", "typo")


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("a4.transfer_answer_timeout", "99999999999999999999 s"),
        ("a4.transfer_answer_timeout", "99999999999999999999"),
        ("a2.max_wait", "9" * 60 + " h"),
        ("a3.daily_calls_target", "99999999999999999999"),
        ("a3.daily_calls_target", "-99999999999999999999"),
        ("a1.warning_share", "99999999999999999999 %"),
        ("d14.meeting_weekday", "99999999999999999999"),
    ],
)
def test_a4_any_number_too_big_is_refused_with_the_bounds_never_overflows(key, raw):
    found = setting(key)
    with pytest.raises(SettingError) as refused:
        found.parse(raw)
    assert refused.value.params == {
        "minimum": found.display(found.minimum),
        "maximum": found.display(found.maximum),
    }


@pytest.mark.parametrize("raw", ["1e30", "inf", "nan", "1_000", "0x10", "٣"])
def test_a3_numbers_are_plain_digits(raw):
    with pytest.raises(SettingError, match="Enter a number"):
        setting("a3.daily_calls_target").parse(raw)


@pytest.mark.parametrize("raw", ["99999:00", "08:30:00", "8h"])
def test_d1_a_time_of_day_out_of_range_is_refused(raw):
    with pytest.raises(SettingError, match="time of day"):
        setting("d1.opens").parse(raw)
