"""Tests for hotline.core.cases: promises (C2, D1, D6), appointments (A5, C1), ticket
quality (E3), provider choice (D3), configured escalation (A6) and the signature seal (E6).

Expected instants are worked out by hand: the centre is Europe/Sofia, open 08:30-17:00
Monday to Friday, EET = UTC+2 in winter; 2026-11-23 is a Monday.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from hotline.core.calendar import BusinessCalendar, d1_booking
from hotline.core.cases import (
    WINDOW_HORIZON,
    WINDOW_LONGEST,
    WINDOW_PAST_TOLERANCE,
    ContractTerms,
    EscalationStep,
    ProviderLoad,
    TicketFacts,
    case_promises,
    check_appointment,
    check_covered,
    check_provider,
    choose_provider,
    due_escalations,
    first_matching_contract,
    quality_check,
    signature_seal,
    window_in_bounds,
)
from hotline.core.refusal import PolicyRefusal

SOFIA = BusinessCalendar("Europe/Sofia")
CUTOFF = time(16, 0)
URBAN = timedelta(hours=24)


def utc(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def promises(now: datetime, **overrides: object):  # type: ignore[no-untyped-def]
    arguments: dict[str, object] = {
        "now": now,
        "calendar": SOFIA,
        "cutoff": CUTOFF,
        "business_premises": False,
        "zone_limit": URBAN,
        "sla_response": None,
        "sla_resolution": None,
    }
    arguments.update(overrides)
    return case_promises(**arguments)  # type: ignore[arg-type]


# --- C2 / D1 / D6 --------------------------------------------------------------------------


def test_c2_promises_count_from_now_during_the_day() -> None:
    # Monday 10:00 Sofia = 08:00 UTC; urban zone 24 h.
    result = promises(utc(23, 8))
    assert result.booking.earliest == utc(23, 8)
    assert result.response_due == utc(24, 8)
    assert result.resolution_due is None


def test_d1_request_after_cutoff_on_friday_counts_from_monday_opening() -> None:
    # Friday 27 Nov 16:30 Sofia = 14:30 UTC -> Monday 30 Nov 08:30 Sofia = 06:30 UTC.
    result = promises(utc(27, 14, 30))
    assert result.booking.deferred
    assert result.booking.earliest == utc(30, 6, 30)
    assert result.response_due == utc(1, 6, 30, month=12)  # +24 h


def test_d1_business_premises_keep_the_same_day() -> None:
    result = promises(utc(27, 14, 30), business_premises=True)
    assert result.booking.earliest == utc(27, 14, 30)
    assert result.response_due == utc(28, 14, 30)


def test_d6_the_stricter_of_sla_and_zone_limit_wins() -> None:
    result = promises(utc(23, 8), zone_limit=timedelta(hours=72), sla_response=timedelta(hours=8))
    assert result.response_due == utc(23, 16)
    looser_sla = promises(utc(23, 8), zone_limit=timedelta(hours=48), sla_response=URBAN * 4)
    assert looser_sla.response_due == utc(25, 8)


def test_d6_a_later_date_chosen_by_the_customer_replaces_the_limit_but_never_an_earlier_one() -> (
    None
):
    later = promises(utc(23, 8), customer_date=utc(27, 9))
    assert later.response_due == utc(27, 9)
    earlier = promises(utc(23, 8), customer_date=utc(23, 12))
    assert earlier.response_due == utc(24, 8)


def test_c2_resolution_never_before_the_response() -> None:
    result = promises(
        utc(23, 8), sla_response=timedelta(hours=4), sla_resolution=timedelta(hours=2)
    )
    assert result.response_due == utc(23, 12)
    assert result.resolution_due == utc(23, 12)


def test_d1_across_the_dst_change_counts_real_hours() -> None:
    # Friday 23 Oct 2026 17:30 Sofia (EEST, UTC+3) = 14:30 UTC: closed -> Monday 26 Oct
    # 08:30 Sofia, now EET (UTC+2) = 06:30 UTC.
    result = promises(utc(23, 14, 30, month=10))
    assert result.booking.earliest == utc(26, 6, 30, month=10)


# --- A5 / C1 ---------------------------------------------------------------------------------


def appointment(start: datetime, end: datetime, **overrides: object) -> None:
    booking = d1_booking(utc(23, 8), SOFIA, CUTOFF, False)
    arguments: dict[str, object] = {
        "start": start,
        "end": end,
        "booking": booking,
        "response_due": utc(24, 8),
        "customer_chose_later": False,
        "on_site_covered": True,
        "provider_has_capacity": True,
    }
    arguments.update(overrides)
    check_appointment(**arguments)  # type: ignore[arg-type]


def test_c1_a_window_within_the_rules_is_accepted() -> None:
    appointment(utc(23, 9), utc(23, 11))


def test_c1_a_window_must_end_after_it_starts() -> None:
    with pytest.raises(PolicyRefusal) as refused:
        appointment(utc(24, 9), utc(24, 9))
    assert refused.value.rule_id == "C1"


def test_a5_no_window_without_on_site_cover_or_provider_capacity() -> None:
    with pytest.raises(PolicyRefusal) as uncovered:
        appointment(utc(23, 9), utc(23, 11), on_site_covered=False)
    assert uncovered.value.rule_id == "A5"
    with pytest.raises(PolicyRefusal) as full:
        appointment(utc(23, 9), utc(23, 11), provider_has_capacity=False)
    assert full.value.rule_id == "A5"
    assert "capacity" in full.value.message


def test_d1_no_window_before_the_earliest_booking() -> None:
    with pytest.raises(PolicyRefusal) as refused:
        appointment(utc(23, 7), utc(23, 9))
    assert refused.value.rule_id == "D1"


def test_a5_a_window_past_the_response_limit_only_when_the_customer_chose_it() -> None:
    with pytest.raises(PolicyRefusal) as refused:
        appointment(utc(25, 7), utc(25, 9))  # the limit is 24 Nov 08:00 UTC
    assert refused.value.rule_id == "A5"
    assert refused.value.params["due"] == utc(24, 8)
    appointment(utc(25, 7), utc(25, 9), customer_chose_later=True)  # D6: their later date


def test_c1_a_window_is_bounded_by_now_the_horizon_and_its_length() -> None:
    now = utc(23, 8)
    assert window_in_bounds(start=utc(24, 7), end=utc(24, 9), now=now)
    assert window_in_bounds(
        start=now - WINDOW_PAST_TOLERANCE, end=now + timedelta(hours=1), now=now
    )
    assert not window_in_bounds(
        start=now - WINDOW_PAST_TOLERANCE - timedelta(minutes=1), end=now, now=now
    )
    late = now + WINDOW_HORIZON
    assert window_in_bounds(start=late - timedelta(hours=2), end=late, now=now)
    assert not window_in_bounds(start=late, end=late + timedelta(minutes=1), now=now)
    assert not window_in_bounds(start=now, end=now + WINDOW_LONGEST + timedelta(seconds=1), now=now)
    edge = datetime(9999, 12, 31, 23, 0, tzinfo=ZoneInfo("Pacific/Kiritimati"))
    assert not window_in_bounds(start=edge, end=edge, now=now)  # no overflow: out of bounds
    first = datetime(1, 1, 1, 0, 30, tzinfo=ZoneInfo("Pacific/Kiritimati"))
    assert not window_in_bounds(start=first, end=first, now=now)


def test_a5_services_outside_the_agreement_are_refused() -> None:
    check_covered("repair", [])
    check_covered("repair", ["repair", "installation"])
    with pytest.raises(PolicyRefusal) as refused:
        check_covered("installation", ["repair"])
    assert refused.value.rule_id == "A5"


# --- E3 ----------------------------------------------------------------------------------------

READY = TicketFacts(
    symptom="No cooling, the fan runs, error E4 blinks",
    equipment=True,
    address=True,
    contact_name="Ivana Petrova",
    contact_phone="+359 88 123 4567",
    time_window=True,
    steps_tried="Unplugged for 10 minutes",
    script_steps_done=0,
    needs_visit=True,
)


def missing_codes(facts: TicketFacts) -> list[str]:
    return [fact.code for fact in quality_check(facts)]


def test_e3_a_complete_ticket_passes() -> None:
    assert quality_check(READY) == []


def test_e3_every_missing_fact_is_named() -> None:
    empty = TicketFacts("broken", False, False, "", "", False, "", 0, needs_visit=True)
    assert missing_codes(empty) == [
        "symptom",
        "steps_tried",
        "contact",
        "equipment",
        "address",
        "time_window",
    ]


def test_e3_scripted_steps_count_as_steps_tried_and_no_visit_needs_no_address() -> None:
    phone_only = TicketFacts(READY.symptom, False, False, "Ivana", "0888", False, "", 2, False)
    assert missing_codes(phone_only) == []


# --- D3 ----------------------------------------------------------------------------------------


def test_d3_the_least_loaded_provider_with_room_is_chosen() -> None:
    chosen = choose_provider(
        [
            ProviderLoad(1, "Alfa", open_orders=5, capacity=10),
            ProviderLoad(2, "Beta", open_orders=1, capacity=10),
            ProviderLoad(3, "Gama", open_orders=0, capacity=0),
        ]
    )
    assert chosen.provider_id == 2


def test_d3_no_provider_with_room_is_a_refusal() -> None:
    with pytest.raises(PolicyRefusal) as refused:
        choose_provider([ProviderLoad(1, "Alfa", 10, 10)])
    assert refused.value.rule_id == "D3"


def test_d3_an_explicit_choice_must_serve_the_region_and_have_room() -> None:
    check_provider(ProviderLoad(1, "Alfa", 9, 10), [1, 2])
    with pytest.raises(PolicyRefusal):
        check_provider(ProviderLoad(3, "Gama", 0, 10), [1, 2])
    with pytest.raises(PolicyRefusal) as full:
        check_provider(ProviderLoad(1, "Alfa", 10, 10), [1])
    assert full.value.rule_id == "D3"


# --- A6 ----------------------------------------------------------------------------------------

STEPS = [
    EscalationStep(rule_id=1, kind="", contract_id=None, open_for=timedelta(hours=4), level=1),
    EscalationStep(
        rule_id=2, kind="repair", contract_id=None, open_for=timedelta(hours=8), level=2
    ),
    EscalationStep(rule_id=3, kind="complaint", contract_id=None, open_for=timedelta(0), level=1),
    EscalationStep(rule_id=4, kind="", contract_id=7, open_for=timedelta(hours=1), level=1),
]


def due(kind: str, contract: int | None, age_hours: float, fired: list[int]) -> list[int]:
    created = utc(23, 8)
    steps = due_escalations(
        steps=STEPS,
        kind=kind,
        contract_id=contract,
        created_at=created,
        now=created + timedelta(hours=age_hours),
        already_fired=fired,
    )
    return [step.rule_id for step in steps]


def test_a6_configured_steps_apply_by_kind_contract_and_age() -> None:
    assert due("repair", None, 3, []) == []
    assert due("repair", None, 4, []) == [1]
    assert due("repair", 7, 9, []) == [4, 1, 2]
    assert due("complaint", None, 0, []) == [3]


def test_a6_a_step_fires_once() -> None:
    assert due("repair", None, 9, [1]) == [2]


# --- E6 ----------------------------------------------------------------------------------------


def test_e6_the_seal_changes_with_any_signed_content() -> None:
    order = {"number": "WO-1", "work_done": "Replaced the fan"}
    seal = signature_seal(order, "Ivana Petrova", utc(23, 9), "")
    assert len(seal) == 64
    assert seal == signature_seal(dict(order), "Ivana Petrova", utc(23, 9), "")
    assert seal != signature_seal(
        {**order, "work_done": "Nothing"}, "Ivana Petrova", utc(23, 9), ""
    )
    assert seal != signature_seal(order, "Ivan Petrov", utc(23, 9), "")
    assert seal != signature_seal(order, "Ivana Petrova", utc(23, 10), "")


# --- A5 / C2: which agreement a case is handled under ---------------------------------------


def test_a5_the_customers_first_agreement_by_order_that_covers_the_service_wins() -> None:
    own = [
        ContractTerms(3, order=20, covered_services=()),
        ContractTerms(2, order=10, covered_services=("installation",)),
        ContractTerms(4, order=20, covered_services=("repair",)),
    ]
    defaults = [ContractTerms(9, order=1000, covered_services=("repair",))]
    assert first_matching_contract(service="installation", own=own, defaults=defaults) == 2
    assert (
        first_matching_contract(service="repair", own=own, defaults=defaults) == 3
    )  # id breaks the tie
    assert first_matching_contract(service=None, own=own, defaults=defaults) == 2
    assert first_matching_contract(service="repair", own=own[1:2], defaults=defaults) == 9
    assert first_matching_contract(service="repair", own=[], defaults=[]) is None


def test_b7_warning_comes_warn_before_the_due_time_but_never_in_the_first_half():
    from hotline.core.cases import b7_warning_due

    promised = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    visit = promised + timedelta(hours=5)
    assert b7_warning_due(
        promised_at=promised, due=visit, warn_before=timedelta(minutes=30)
    ) == visit - timedelta(minutes=30)
    callback = promised + timedelta(minutes=30)
    assert b7_warning_due(
        promised_at=promised, due=callback, warn_before=timedelta(minutes=30)
    ) == promised + timedelta(minutes=15)
