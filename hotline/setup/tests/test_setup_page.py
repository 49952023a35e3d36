"""The setup page of a new centre (issue 20): each step checked, explained and audited; bad input
changes nothing and says why in the reader's language; only an admin may open it."""

from datetime import time

import pytest
from django.urls import reverse

from hotline.accounts.models import Site, Team
from hotline.audit.models import Event
from hotline.calls.models import Queue
from hotline.rulebook.models import Calendar, RuleValue
from hotline.rulebook.selectors import current_rulebook


def _step(client, step: str, data: dict[str, object]):  # type: ignore[no-untyped-def]
    return client.post(reverse("setup:step", args=[step]), data)


def _counts() -> tuple[int, ...]:
    return (
        Site.objects.count(),
        Calendar.objects.count(),
        Team.objects.count(),
        Queue.objects.count(),
        RuleValue.objects.count(),
        Event.objects.count(),
    )


@pytest.fixture
def admin(client, centre, clock):  # type: ignore[no-untyped-def]
    client.force_login(centre["admin"])
    return centre["admin"]


def test_a_new_site_team_and_queue_are_saved_and_audited(client, admin) -> None:
    page = client.get(reverse("setup:step", args=["site"]))
    assert page.status_code == 200
    assert "Sofia centre" in page.content.decode()  # what exists already
    assert "Asia/Tokyo" in page.content.decode()  # the IANA list

    saved = _step(client, "site", {"name": "Tokyo office", "time_zone": "Asia/Tokyo"})
    assert saved.status_code == 302
    site = Site.objects.get(name="Tokyo office")
    assert site.calendar.time_zone == "Asia/Tokyo"
    assert _step(client, "teams", {"name": "Tokyo team", "site": site.pk}).status_code == 302
    team = Team.objects.get(name="Tokyo team")
    assert team.site == site
    saved = _step(client, "queues", {"code": "tokyo", "name": "Tokyo line", "team": team.pk})
    assert saved.status_code == 302
    assert Queue.objects.get(code="tokyo").team == team

    events = set(Event.objects.filter(actor_id=admin.pk).values_list("entity", "action"))
    assert {
        ("rulebook.calendar", "created"),
        ("accounts.site", "created"),
        ("accounts.team", "created"),
        ("calls.queue", "created"),
    } <= events
    index = client.get(reverse("setup:index")).content.decode()
    assert "2 so far" in index  # the sites: Sofia's and Tokyo's


def test_d1_opening_days_and_hours_are_set_together(client, admin) -> None:
    calendar = Calendar.objects.get(name="Bulgaria")
    saved = _step(
        client,
        "hours",
        {
            "calendar": calendar.pk,
            "working_days": [0, 1, 2, 3, 4, 5],
            "opens": "08:00",
            "closes": "18:00",
        },
    )
    assert saved.status_code == 302
    calendar.refresh_from_db()
    assert calendar.working_days == [0, 1, 2, 3, 4, 5]
    rules = current_rulebook()
    assert (rules.clock("d1.opens"), rules.clock("d1.closes")) == (time(8), time(18))
    reasons = Event.objects.filter(entity="rulebook.setting").values_list("reason", flat=True)
    assert "Set on the centre's setup page" in reasons


@pytest.mark.parametrize(
    ("step", "data", "says"),
    [
        ("site", {"name": "Nowhere", "time_zone": "Mars/Olympus"}, "Select a valid choice"),
        ("site", {"name": "x" * 101, "time_zone": "Asia/Tokyo"}, "at most 100 characters"),
        (
            "site",
            {"name": "sofia CENTRE", "time_zone": "Asia/Tokyo"},
            "“sofia CENTRE” exists already",
        ),
        ("hours", {"working_days": [], "opens": "09:00", "closes": "18:00"}, "at least one"),
        ("hours", {"working_days": [7], "opens": "09:00", "closes": "18:00"}, "valid choice"),
        ("hours", {"working_days": [0], "opens": "18:00", "closes": "09:00"}, "closes after"),
        # D1: repair requests are booked until 16:00, which must fall within the hours
        (
            "hours",
            {"working_days": [6], "opens": "09:00", "closes": "15:00"},
            "The repair cut-off cannot come after closing time",
        ),
        ("teams", {"name": "Repairs", "site": "SITE"}, "“Repairs” exists already"),
        ("teams", {"name": "Night", "site": "999"}, "valid choice"),
        ("queues", {"code": "Not A Slug", "name": "Q", "team": "TEAM"}, "valid “slug”"),
        (
            "queues",
            {"code": "repairs", "name": "Again", "team": "TEAM"},
            "“repairs” exists already",
        ),
        (
            "rulebook",
            {"key": "a2.max_wait", "value": "999 h", "scope": "deployment", "reason": "r"},
            "Allowed",
        ),
        (
            "rulebook",
            {
                "key": "a2.max_wait",
                "value": "2 min",
                "scope": "queue",
                "scope_ref": "nope",
                "reason": "r",
            },
            "There is no queue nope",
        ),
        (
            "rulebook",
            {"key": "no.such", "value": "1", "scope": "deployment", "reason": "r"},
            "valid choice",
        ),
    ],
)
def test_bad_input_changes_nothing_and_says_why(client, admin, step, data, says) -> None:
    if step == "hours":
        data = {"calendar": Calendar.objects.get(name="Bulgaria").pk, **data}
    real = {"SITE": Site.objects.get().pk, "TEAM": Team.objects.get(name="Repairs").pk}
    data = {
        name: real.get(value, value) if isinstance(value, str) else value
        for name, value in data.items()
    }
    days = Calendar.objects.get(name="Bulgaria").working_days
    before = _counts()
    refused = _step(client, step, data)
    assert refused.status_code == 400
    assert refused.content.decode().count(says) == 1  # said once, where it belongs
    assert _counts() == before
    assert Calendar.objects.get(name="Bulgaria").working_days == days  # the hours' step too


def test_the_errors_are_in_the_readers_language(client, admin) -> None:
    admin.language = "bg"
    admin.save()
    refused = _step(client, "site", {"name": "", "time_zone": "Asia/Tokyo"})
    assert refused.status_code == 400
    assert "Това поле е задължително" in refused.content.decode()


def test_a_rulebook_number_for_a_new_queue_uses_the_rulebooks_own_form(client, admin) -> None:
    page = client.get(reverse("setup:step", args=["rulebook"]), {"key": "a2.max_wait"})
    assert "Default: " in page.content.decode()  # the rulebook's form, with its bounds
    saved = _step(
        client,
        "rulebook",
        {
            "key": "a2.max_wait",
            "value": "2 min",
            "scope": "queue",
            "scope_ref": "repairs",
            "reason": "Busy line",
        },
    )
    assert saved.status_code == 302
    queue = Queue.objects.get(code="repairs")
    assert RuleValue.objects.get(key="a2.max_wait", scope="queue").scope_ref == str(queue.pk)
    listed = client.get(reverse("setup:step", args=["rulebook"])).content.decode()
    assert "queue repairs" in listed


@pytest.mark.parametrize("username", ["agent8", "lead", "manager", "dispatcher", "customer1"])
def test_only_an_admin_may_set_up_the_centre(client, centre, clock, username) -> None:
    client.force_login(centre[username])
    before = _counts()
    assert client.get(reverse("setup:index")).status_code == 403
    refused = _step(client, "site", {"name": "Tokyo office", "time_zone": "Asia/Tokyo"})
    assert refused.status_code == 403
    assert "Tokyo" not in refused.content.decode()
    assert _counts() == before
