"""E2 / D1: the read-back names one visit day. A request taken after the cut-off is booked for
the next working day; once a window is agreed, the window says when the technician comes, and
no second date contradicts it (an acceptance run heard "booked for the 7th" for a visit on the
8th)."""

from datetime import date, timedelta

from django.urls import reverse

from hotline.tickets.tests.conftest import open_ticket, post_facts


def _evening_case(client, centre, now, site, monkeypatch):  # type: ignore[no-untyped-def]
    evening = now + timedelta(hours=6, minutes=30)  # Monday 16:30 in Sofia: after the cut-off
    monkeypatch.setattr("hotline.clock.now", lambda: evening)
    ticket = open_ticket(centre, evening, site)
    client.force_login(centre["agent1"])
    facts = {"symptom": "Does not switch on, no light on the display", "steps_tried": "Socket"}
    assert post_facts(client, ticket, **facts).status_code == 302
    return ticket


def test_e2_d1_with_a_window_the_read_back_names_only_the_visits_day(
    client, in_english, now, site, monkeypatch
):
    ticket = _evening_case(client, in_english, now, site, monkeypatch)
    act = reverse("tickets:act", args=[ticket.pk])
    window = {
        "action": "window",
        "start": "2026-11-25T10:00",
        "end": "2026-11-25T12:00",
        "customer_chose_later": "on",  # D6: Wednesday suits the customer better
        "later_reason": "Works on Tuesday",
    }
    assert client.post(act, window).status_code == 302
    ticket.refresh_from_db()
    assert post_facts(client, ticket, action="read_back").status_code == 302
    ticket.refresh_from_db()
    assert ticket.booked_for == date(2026, 11, 24)  # D1: the next working day, Tuesday
    window_line = "Visit window: 25 November 2026, 10:00 to 25 November 2026, 12:00."
    assert window_line in ticket.read_back_text
    assert "Booked for" not in ticket.read_back_text
    assert "24 November" not in ticket.read_back_text


def test_e2_d1_without_a_window_the_read_back_says_the_booked_day(
    client, in_english, now, site, monkeypatch
):
    from hotline.tickets.services.summary import read_back_summary

    ticket = _evening_case(client, in_english, now, site, monkeypatch)
    ticket.refresh_from_db()
    assert ticket.window_start is None
    assert "Booked for 24 November 2026." in read_back_summary(ticket)


def test_e2_a_case_booked_for_the_day_it_came_in_has_no_booking_line(client, in_english, now, site):
    from hotline.tickets.services.summary import read_back_summary

    ticket = open_ticket(in_english, now, site)  # Monday 10:00 in Sofia
    assert ticket.booked_for == date(2026, 11, 23)
    assert "Booked for" not in read_back_summary(ticket)
