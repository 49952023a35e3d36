"""The event log for people (issue 17): each event a sentence in the reader's language, times in
the centre's zone (Europe/Sofia), filters by person, case, call, rule and local day, the raw
record for admins only. Driven over HTTP: services write the events, the manager reads the page."""

import json
import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from hotline.audit.models import Event
from hotline.audit.services import event_append
from hotline.calls.models import Call
from hotline.calls.tests.floor_http import arrive, http_api, ready
from hotline.testing.times import MONDAY_10_SOFIA
from hotline.tickets.choices import TicketKind
from hotline.tickets.tests.test_api import repair_body

pytestmark = pytest.mark.django_db
PAGE = reverse("audit:list")


@pytest.fixture
def api(client, centre, token_for, clock):  # type: ignore[no-untyped-def]
    return http_api(client, token_for, clock)


def _text(response) -> str:  # type: ignore[no-untyped-def]
    """The page as read: tags dropped, entities decoded, spaces collapsed."""
    assert response.status_code == 200, response.status_code
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", unescape(body))


def _rows(response) -> list[str]:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", body, re.S) if "muted" not in row]
    return [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", row))).strip() for row in rows]


def _call_id(arrived: dict) -> int:  # type: ignore[type-arg]
    return Call.objects.get(external_id=arrived["external_id"]).pk


def _read_as(client, centre, username, language="en", **query):  # type: ignore[no-untyped-def]
    user = centre[username]
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client.get(PAGE, query)


# --- sentences of events the services write ------------------------------------------------


def test_b9_a_call_answered_on_the_floor_reads_as_sentences_in_sofia_time(api, client, centre):
    ready(api, "agent1")
    call = _call_id(arrive(api, "EV-1"))
    offer = api("agent1", "get", "/floor/desk").json()["offer"]
    assert api("agent1", "post", offer["accept"]["url"]).status_code == 200
    answered = Event.objects.get(entity="calls.call", entity_id=str(call), action="answered")
    rows = _rows(_read_as(client, centre, "manager", call=call))
    # Newest first; Sofia is UTC+2 in November: the request at 08:00:03 UTC reads 10:00:03.
    assert answered.at.hour == 8
    assert rows[0] == f"{answered.at:10:%M:%S} Ivan Petrov Ivan Petrov answered call #{call}"
    assert any(f"Routing offered call #{call} to Ivan Petrov" in row for row in rows)
    queue = Call.objects.get(pk=call).queue.name  # the queue by its name, not its id
    assert any(f"Call #{call} arrived in queue {queue}" in row for row in rows)
    assert not any("agent1" in row for row in rows)  # the person's name, not the login
    # The agent's own state changes name the states in words.
    person = _text(_read_as(client, centre, "manager", person=centre["agent1"].pk))
    assert "Ivan Petrov accepted the offered call" in person
    assert f"Routing offered call #{call} to Ivan Petrov" in person  # named in the payload
    assert "Ivan Petrov became ready (was: Not ready)" in person


def test_e4_a_case_opened_over_the_api_reads_in_english_and_in_russian(api, client, centre):
    response = api("agent1", "post", "/tickets", repair_body())
    assert response.status_code == 201, response.content
    number = f"T-{response.json()['id']:06d}"
    english = _text(_read_as(client, centre, "manager", case=number))
    assert f"Ivan Petrov opened case {number} (Repair)" in english
    russian = _read_as(client, centre, "manager", "ru", case=number)
    with translation.override("ru"):
        repair = str(TicketKind.REPAIR.label)
        headers = [str(translation.gettext(word)) for word in ("Time", "Rule", "Reason")]
    assert repair != "Repair"
    rows = _rows(russian)
    assert len(rows) == 1
    assert f"{number} ({repair})" in rows[0]
    assert "Ivan Petrov" in rows[0]
    assert all(header in _text(russian) for header in headers)


def test_a_russian_page_shows_no_english_sentence_template(api, client, centre):
    ready(api, "agent1")
    arrive(api, "EV-2")
    rows = _rows(_read_as(client, centre, "manager", "ru"))
    english = _rows(_read_as(client, centre, "manager", "en"))
    assert rows
    assert len(rows) == len(english)
    assert not set(rows) & set(english)


# --- the columns ------------------------------------------------------------------------------


def _event(at: datetime, **fields):  # type: ignore[no-untyped-def]
    values = {"actor": None, "entity": "calls.call", "entity_id": 1, "action": "talk_warning"}
    return event_append(now=at, **(values | fields))


def test_time_shows_the_day_only_when_not_today(clock, client, centre):
    _event(datetime(2026, 11, 23, 7, 59, 30, tzinfo=UTC), entity_id=1)  # today, 09:59:30 Sofia
    _event(datetime(2026, 11, 20, 7, 0, 0, tzinfo=UTC), entity_id=2)  # Friday, 09:00:00 Sofia
    rows = _rows(_read_as(client, centre, "manager"))
    assert rows[0].startswith("09:59:30 ")
    assert rows[1].startswith("2026-11-20 09:00:00 ")


def test_a1_who_what_rule_reason_columns(clock, client, centre):
    _event(MONDAY_10_SOFIA, entity_id=47, rule="A1", reason="long call")
    response = _read_as(client, centre, "manager")
    row = _rows(response)[0]
    assert row == "10:00:00 The system Call #47 is nearing its maximum length A1 long call"
    # The rule's id, what it is about (its settings in the rulebook) as a tooltip.
    assert 'title="Maximum length of a call · Talk-time warning at' in response.content.decode()


def test_a1_lengths_of_time_read_in_minutes_and_seconds(clock, client, centre):
    _event(MONDAY_10_SOFIA, entity_id=47, action="ended", new={"talk_seconds": 215})
    _event(MONDAY_10_SOFIA, entity_id=48, action="abandoned", new={"waited_seconds": 40})
    rows = _rows(_read_as(client, centre, "manager"))
    assert "The caller hung up call #48 after 40 s" in rows[0]
    assert "Call #47 ended after 3 min 35 s of talk" in rows[1]


def test_an_unknown_or_legacy_action_reads_as_a_generic_sentence(clock, client, centre):
    event_append(
        actor=centre["lead"], now=MONDAY_10_SOFIA, entity="old.thing", entity_id=3, action="walked"
    )
    _event(MONDAY_10_SOFIA, entity_id=5, action="rang_twice")
    rows = _rows(_read_as(client, centre, "manager"))
    assert "Daniela Petrova: walked, thing #3" in rows[1]
    assert "the system: rang twice, call #5" in rows[0]


# --- filters ----------------------------------------------------------------------------------


def test_each_filter_narrows_the_log(clock, client, centre):
    agent1, lead = centre["agent1"], centre["lead"]
    _event(MONDAY_10_SOFIA, actor=agent1, entity_id=10, rule="A1")
    _event(MONDAY_10_SOFIA, actor=lead, entity_id=11, rule="B4")
    _event(MONDAY_10_SOFIA, entity="calls.agent", entity_id=agent1.pk, action="go_away")
    _event(MONDAY_10_SOFIA, actor=lead, entity="tickets.ticket", entity_id=47, action="solved")
    _event(MONDAY_10_SOFIA, actor=lead, entity="tickets.ticket", entity_id=48, action="solved")

    def shown(**query):  # type: ignore[no-untyped-def]
        return _rows(_read_as(client, centre, "manager", **query))

    assert len(shown()) == 5
    by_agent = shown(person=agent1.pk)  # what they did and what happened to them
    assert len(by_agent) == 2
    assert all("Ivan Petrov" in row for row in by_agent)
    assert ["T-000047" in row for row in shown(case="T-000047")] == [True]
    assert len(shown(case="47")) == 1
    assert len(shown(case="#48")) == 1
    assert ["Call #11" in row for row in shown(call=11)] == [True]
    assert ["B4" in row for row in shown(rule="b4")] == [True]
    assert len(shown(rule="B4", person=agent1.pk)) == 0


def test_the_day_filter_is_the_sofia_day_not_the_utc_one(clock, client, centre):
    late = _event(datetime(2026, 11, 23, 21, 30, tzinfo=UTC), entity_id=1)  # 23:30 Sofia, 23rd
    after = _event(datetime(2026, 11, 23, 22, 30, tzinfo=UTC), entity_id=2)  # 00:30 Sofia, 24th
    early = _event(datetime(2026, 11, 22, 22, 0, tzinfo=UTC), entity_id=3)  # 00:00 Sofia, 23rd
    summer = _event(datetime(2026, 7, 1, 21, 30, tzinfo=UTC), entity_id=4)  # 00:30 Sofia, 2 July

    def ids(day: str) -> list[str]:
        rows = _rows(_read_as(client, centre, "manager", day=day))
        return sorted(re.search(r"#(\d+)", row)[1] for row in rows if "#" in row)  # type: ignore[index]

    assert ids("2026-11-23") == sorted([early.entity_id, late.entity_id])
    assert ids("2026-11-24") == [after.entity_id]
    assert ids("2026-07-02") == [summer.entity_id]  # UTC+3 in summer
    assert ids("2026-07-01") == []


def test_the_pager_keeps_the_filters(clock, client, centre):
    for n in range(51):
        _event(MONDAY_10_SOFIA, entity_id=n + 1, rule="A1")
    _event(MONDAY_10_SOFIA, entity_id=999, rule="B4")
    html = _read_as(client, centre, "manager", rule="A1").content.decode()
    assert 'href="?rule=A1&amp;page=2"' in html
    second = _rows(client.get(PAGE, {"rule": "A1", "page": 2}))
    assert len(second) == 1
    assert "A1" in second[0]


@pytest.mark.parametrize(
    "query",
    [
        {"case": "T-abc"},
        {"case": "9" * 30},
        {"call": "-1"},
        {"call": "99999999999999999999"},
        {"call": "seven"},
        {"rule": "Z9"},
        {"rule": "A1234"},
        {"day": "2026-13-45"},
        {"day": "1000-01-01"},
        {"person": "999999999"},
        {"person": "x"},
        {"entity": "no.such"},
        {"page": "0"},
        {"page": "99999999999999"},
    ],
)
def test_bad_filter_input_is_a_message_not_a_server_error(clock, client, centre, query):
    _event(MONDAY_10_SOFIA, entity_id=1)
    response = _read_as(client, centre, "manager", **query)
    assert response.status_code == 200
    assert 'class="flash error"' in response.content.decode()
    assert "Correct the filter to see events." in _text(response)


# --- the raw record ----------------------------------------------------------------------------


def test_the_raw_record_is_for_admins_only(api, client, centre):
    ready(api, "agent1")
    call = _call_id(arrive(api, "EV-3"))
    admin = _read_as(client, centre, "admin", call=call).content.decode()
    assert "<details>" in admin
    assert "&quot;candidates&quot;" in admin
    manager = _read_as(client, centre, "manager", call=call).content.decode()
    assert "<details>" not in manager
    assert "candidates" not in manager
    assert f"Routing offered call #{call} to Ivan Petrov" in unescape(manager)


def test_who_may_open_the_log_is_unchanged(client, centre):
    for username, status in (("manager", 200), ("admin", 200), ("lead", 403), ("agent1", 403)):
        client.force_login(centre[username])
        assert client.get(PAGE).status_code == status, username


# --- the API ----------------------------------------------------------------------------------


def test_the_api_takes_the_same_filters(clock, client, centre, token_for):
    agent1 = centre["agent1"]
    _event(datetime(2026, 11, 23, 22, 30, tzinfo=UTC), actor=agent1, entity_id=7, rule="A1")
    _event(MONDAY_10_SOFIA, entity="tickets.ticket", entity_id=47, action="solved")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(centre['manager'])}"}

    def ids(**query):  # type: ignore[no-untyped-def]
        response = client.get("/api/v1/events", query, **headers)
        assert response.status_code == 200, response.content
        return [(e["entity"], e["entity_id"]) for e in response.json()["items"]]

    assert ids(day="2026-11-24") == [("calls.call", "7")]
    assert ids(case=47) == [("tickets.ticket", "47")]
    assert ids(call=7) == [("calls.call", "7")]
    assert ids(person=agent1.pk) == [("calls.call", "7")]
    for bad in ({"day": "1000-01-01"}, {"case": "T-47"}, {"call": "0"}, {"person": "-3"}):
        response = client.get("/api/v1/events", bad, **headers)
        assert response.status_code == 422, bad
        assert json.loads(response.content)
