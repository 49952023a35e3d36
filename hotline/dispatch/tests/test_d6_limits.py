"""D6: the provider's lateness follows the zone's limit (per deployment, zone and customer), not
the customer's SLA; the SLA breach is its own figure. Driven through the API and the pages,
with a clock that moves, in the centre's time zone (Europe/Sofia)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from hotline.core.rulebook import Scope
from hotline.deadlines.services import deadlines_fire_due
from hotline.directory.choices import Zone
from hotline.rulebook.services import rule_value_set
from hotline.testing.cases import make_ticket, sofia_site
from hotline.testing.clock import MovingClock

pytestmark = pytest.mark.django_db
SOFIA = ZoneInfo("Europe/Sofia")


@pytest.fixture
def clock(monkeypatch, now):
    """The edge's clock, moved by the test."""
    moving = MovingClock(now)
    monkeypatch.setattr("hotline.clock.now", moving)
    return moving


def _set_limit(centre, now, scope: str, hours: int, customer_id: int) -> None:
    """The suburban D6 limit at one scope; "default" leaves the rulebook's 48 h."""
    if scope == "default":
        return
    ref = {"deployment": "", "zone": Zone.SUBURBAN.value, "customer": str(customer_id)}[scope]
    rule_value_set(
        actor=centre["admin"],
        now=now,
        key="d6.suburban_response",
        raw=str(hours),
        reason="test",
        scope=Scope(scope),
        scope_ref=ref,
    )


def _local(moment) -> str:  # type: ignore[no-untyped-def]
    local = moment.astimezone(SOFIA)  # as the page writes it: DATETIME_FORMAT in English
    return f"{local.day} {local:%B %Y, %H:%M}"


# The suburban limit at each scope D6 accepts, and the rulebook's default.
SCOPES = [("default", 48), ("deployment", 50), ("zone", 60), ("customer", 70)]


@pytest.mark.parametrize(("scope", "hours"), SCOPES)
def test_d6_suburban_lateness_follows_the_zone_limit_at_every_scope(
    api, client, in_english, centre, now, clock, scope, hours
):
    site = sofia_site(Zone.SUBURBAN)
    _set_limit(centre, now, scope, hours, site.customer_id)
    sla_due = now + timedelta(hours=24)  # the customer's SLA: shorter than the provider's limit
    ticket = make_ticket(centre["agent1"], now, site=site, response_due=sla_due)
    made = api("dispatcher", "post", "/dispatch/orders", {"ticket_id": ticket.pk})
    assert made.status_code == 201, made.content
    order = made.json()
    due = now + timedelta(hours=hours)
    assert order["response_due"] == due.isoformat().replace("+00:00", "Z")
    assert order["sla_due"] == sla_due.isoformat().replace("+00:00", "Z")
    path = f"/dispatch/orders/{order['id']}"

    # Deadline firing: past the SLA (24 h) the order is not late for the provider...
    clock.now = now + timedelta(hours=24, seconds=1)
    deadlines_fire_due(now=clock.now, worker="test")
    body = api("dispatcher", "get", path).json()
    assert body["late_at"] is None
    assert body["sla_breached"] is True  # ...but the customer's SLA is breached: its own figure
    providers = api("dispatcher", "get", "/dispatch/board?tab=providers").json()
    row = providers["by_provider_zone"][0]
    assert (row["late"], row["sla_breached"]) == (0, 1)
    # ...nor a second before its zone's limit; a second after, it is.
    clock.now = due - timedelta(seconds=1)
    deadlines_fire_due(now=clock.now, worker="test")
    assert api("dispatcher", "get", path).json()["late_at"] is None
    clock.now = due + timedelta(seconds=1)
    deadlines_fire_due(now=clock.now, worker="test")
    assert api("dispatcher", "get", path).json()["late_at"] is not None
    late_tab = api("dispatcher", "get", "/dispatch/board?tab=late").json()["orders"]
    assert [o["id"] for o in late_tab] == [order["id"]]
    assert late_tab[0]["sla_breached"] is True

    # The order page (dispatcher) and the provider's order page state both, in Sofia time.
    client.force_login(centre["dispatcher"])
    page = client.get(reverse("dispatch:order", args=[order["id"]])).content.decode()
    assert _local(due) in page
    assert _local(sla_due) in page
    client.force_login(centre["provider1"])
    mine = client.get(reverse("provider:order", args=[order["id"]])).content.decode()
    assert _local(due) in mine

    # The provider's home page states the suburban limit in force for it.
    home = client.get(reverse("home")).content.decode()
    if scope == "customer":
        assert f"{site.customer.name}, Suburban zone: respond within {hours} h" in home
        assert "Suburban zone: respond within 48 h" in home  # for everyone else
    else:
        assert f"Suburban zone: respond within {hours} h" in home

    # The monthly report's timeliness: due and late by D6, the SLA breach apart.
    clock.now = now + timedelta(days=30)
    month = api("manager", "get", "/reports/monthly?month=2026-11").json()
    rows = {r["provider"]: r for r in month["sections"]["providers"]["rows"]}
    figures = rows["TechServ Sofia"]
    assert (figures["due"], figures["late"], figures["on_time"]) == (1, 1, 0.0)
    assert (figures["sla_due"], figures["sla_breached"]) == (1, 1)


def test_d6_urban_limit_at_24_h_and_done_in_time_is_not_late(api, centre, now, clock):
    """The urban default, and an order completed before its limit: neither late nor breached."""
    ticket = make_ticket(centre["agent1"], now, site=sofia_site(Zone.URBAN))
    ticket.response_due = now + timedelta(hours=30)
    ticket.save(update_fields=["response_due"])
    order = api("dispatcher", "post", "/dispatch/orders", {"ticket_id": ticket.pk}).json()
    assert order["response_due"] == (now + timedelta(hours=24)).isoformat().replace("+00:00", "Z")
    base = f"/provider/orders/{order['id']}"
    clock.now = now + timedelta(hours=2)
    assert api("provider1", "post", f"{base}/complete", {"work_done": "Pump"}).status_code == 200
    clock.now = now + timedelta(hours=31)
    deadlines_fire_due(now=clock.now, worker="test")
    body = api("dispatcher", "get", f"/dispatch/orders/{order['id']}").json()
    assert body["late_at"] is None
    assert body["sla_breached"] is False


def test_d5_provider_home_states_each_clock_from_the_settings(client, in_english, centre, now):
    """The home page's clocks: D4 contact and status from dispatch, desk checks, D5 from the last
    report, D6 per zone, D8; each number read from the rulebook (changed here), none a literal."""
    for key, raw in (
        ("d4.contact_within", "45"),
        ("d4.status_within", "5"),
        ("d4.desk_checks_max", "6"),
        ("d4.desk_checks_min", "4"),
        ("d5.urge_after", "7"),
        ("d6.urban_response", "20"),
        ("d8.reply_within", "3"),
    ):
        rule_value_set(actor=centre["admin"], now=now, key=key, raw=raw, reason="test")
    client.force_login(centre["provider1"])
    home = client.get(reverse("home")).content.decode()
    for text in (
        "agree a visit within 45 min of dispatch",
        "status to the centre within 5 h of dispatch",
        "Check your order list 4 to 6 times a day",
        "within 7 h, counted in working hours from your last report",
        "Urban zone: respond within 20 h",
        "Suburban zone: respond within 48 h",
        "Other zone: respond within 72 h",
        "a reply within 3 h",
    ):
        assert text in home, text
    assert "4 h" not in home  # the old D5 default is gone with the setting


def test_d6_provider_home_hides_other_regions_customer_limits(client, in_english, centre, now):
    """A customer's own limit is shown only to providers of that customer's regions."""
    site = sofia_site(Zone.SUBURBAN)
    _set_limit(centre, now, "customer", 70, site.customer_id)
    client.force_login(centre["provider3"])  # Varna: not the customer's region
    home = client.get(reverse("home")).content.decode()
    assert site.customer.name not in home
    assert "70 h" not in home
