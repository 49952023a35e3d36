"""Pages: the board for dispatchers only, the portal scoped to the provider, the PDF report."""

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse

from hotline.dispatch.choices import WorkOrderState
from hotline.dispatch.models import WorkOrder, WorkOrderReport
from hotline.dispatch.report import report_pdf, seal_intact
from hotline.dispatch.services import work_order_complete, work_order_dispatch, work_order_sign
from hotline.testing.cases import make_ticket
from hotline.tickets.choices import TicketState

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture(autouse=True)
def frozen(monkeypatch, now):
    monkeypatch.setattr("hotline.clock.now", lambda: now)


@pytest.fixture
def order(centre, now, ticket):
    return work_order_dispatch(actor=centre["dispatcher"], now=now, ticket=ticket)


def signed(centre, now, order, name="Maria Ivanova"):
    desk = centre["provider1"]
    work_order_complete(actor=desk, now=now, order_id=order.pk, work_done="Replaced the pump")
    return work_order_sign(actor=desk, now=now, order_id=order.pk, signer_name=name)


def test_d3_dispatcher_dispatches_from_the_board(client, centre, ticket):
    client.force_login(centre["dispatcher"])
    page = client.get(reverse("dispatch:board"))
    assert ticket.number in page.content.decode()
    assert "TechServ Sofia" in page.content.decode()
    response = client.post(reverse("dispatch:dispatch"), {"ticket": ticket.pk, "channel": ""})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DISPATCHED


def test_d3_board_refusal_names_the_rule(client, centre, ticket):
    client.force_login(centre["dispatcher"])
    varna = centre["provider3"].provider_id
    response = client.post(reverse("dispatch:dispatch"), {"ticket": ticket.pk, "provider": varna})
    assert response.status_code == 409
    assert "D3" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_board_bad_input_is_404(client, centre):
    client.force_login(centre["dispatcher"])
    assert client.post(reverse("dispatch:dispatch"), {"ticket": "abc"}).status_code == 404


@pytest.mark.parametrize("username", ["customer1", "provider1", "agent1"])
def test_board_is_closed_to_other_roles(client, centre, username):
    client.force_login(centre[username])
    assert client.get(reverse("dispatch:board")).status_code == 403


@pytest.mark.parametrize("tab", ["to_dispatch", "bounced", "late", "providers", "nonsense"])
def test_board_tabs_render(client, centre, order, tab):
    client.force_login(centre["dispatcher"])
    assert client.get(reverse("dispatch:board"), {"tab": tab}).status_code == 200


@pytest.mark.parametrize("tab", ["to_dispatch", "bounced", "late", "leftovers", "providers"])
def test_board_query_count_is_constant_in_the_page_size(client, centre, now, monkeypatch, tab):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(12):
        state = TicketState.BOUNCED if tab == "bounced" else TicketState.TO_DISPATCH
        ticket = make_ticket(centre["agent1"], now, state=state)
        if tab in ("late", "leftovers", "providers"):
            order = work_order_dispatch(actor=centre["dispatcher"], now=now, ticket=ticket)
            WorkOrder.objects.filter(pk=order.pk).update(
                late_at=now, zone=("urban", "other")[n % 2]
            )
    monkeypatch.setattr("hotline.clock.now", lambda: now + timedelta(days=1))
    client.force_login(centre["dispatcher"])
    counts = []
    for size in (2, 10):
        monkeypatch.setattr("hotline.dispatch.selectors.PAGE_SIZE", size)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("dispatch:board"), {"tab": tab})
        rows = page.context["board"].rows
        assert len(rows) == (2 if tab == "providers" else size)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12


def test_staff_order_page_shows_the_whole_ticket(client, centre, order):
    client.force_login(centre["dispatcher"])
    page = client.get(reverse("dispatch:order", args=[order.pk])).content.decode()
    assert order.ticket.symptom in page
    assert order.ticket.customer.name in page


def test_provider_portal_lists_own_orders_only(client, centre, order):
    client.force_login(centre["provider1"])
    assert order.number in client.get(reverse("provider:orders")).content.decode()
    client.force_login(centre["provider2"])
    for query in ("open", "done", "all"):
        page = client.get(reverse("provider:orders"), {"filter": query}).content.decode()
        assert order.number not in page


@pytest.mark.parametrize(
    "name",
    ["provider:order", "provider:report", "dispatch:report"],
)
def test_another_provider_gets_404_on_every_page(client, centre, now, order, name):
    signed(centre, now, order)
    client.force_login(centre["provider2"])
    response = client.get(reverse(name, args=[order.pk]))
    assert response.status_code in (403, 404)
    response = client.post(reverse("provider:action", args=[order.pk]), {"action": "acknowledge"})
    assert response.status_code == 404


def test_provider_action_refusal_and_bad_input_change_nothing(client, centre, order):
    client.force_login(centre["provider1"])
    url = reverse("provider:action", args=[order.pk])
    response = client.post(url, {"action": "delay", "new_time": "2026-11-25T10:00"})
    assert response.status_code == 409
    assert "C3" in response.content.decode()
    response = client.post(url, {"action": "contact", "visit_start": "tomorrow", "visit_end": ""})
    assert response.status_code == 422
    assert client.post(url, {"action": "explode"}).status_code == 422
    assert not WorkOrderReport.objects.exists()


def test_provider_actions_by_form(client, centre, order):
    client.force_login(centre["provider1"])
    url = reverse("provider:action", args=[order.pk])
    assert client.post(url, {"action": "acknowledge"}).status_code == 302
    window = {
        "action": "contact",
        "visit_start": "2026-11-23T14:00",
        "visit_end": "2026-11-23T16:00",
    }
    assert client.post(url, window).status_code == 302
    order.refresh_from_db()
    assert order.state == WorkOrderState.CONTACTED
    assert order.visit_start.isoformat() == "2026-11-23T12:00:00+00:00"  # 14:00 Sofia


def test_c5_report_pdf_holds_the_order_number_and_signer(client, centre, now, order, tmp_path):
    signed(centre, now, order)
    client.force_login(centre["dispatcher"])
    response = client.get(reverse("dispatch:report", args=[order.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    assert order.number in text
    assert "Maria Ivanova" in text


def test_c5_customer_gets_own_report_only(client, centre, now, order):
    signed(centre, now, order)  # another customer's order
    mine = centre["customer1"].customer.sites.first()
    own = work_order_dispatch(
        actor=centre["dispatcher"], now=now, ticket=make_ticket(centre["agent1"], now, site=mine)
    )
    desk = centre["provider2"]  # customer1's site is in Plovdiv
    work_order_complete(actor=desk, now=now, order_id=own.pk, work_done="Cleaned the filter")
    work_order_sign(actor=desk, now=now, order_id=own.pk, signer_name="Customer One")
    client.force_login(centre["customer1"])
    assert client.get(reverse("dispatch:report", args=[own.pk])).status_code == 200
    assert client.get(reverse("dispatch:report", args=[order.pk])).status_code == 404
    assert client.get(reverse("dispatch:order", args=[own.pk])).status_code == 403


def test_c5_no_report_before_signing(client, centre, order):
    client.force_login(centre["dispatcher"])
    assert client.get(reverse("dispatch:report", args=[order.pk])).status_code == 404


def test_c5_report_renders_chinese(centre, now, order, tmp_path):
    customer = order.ticket.customer
    customer.language = "zh-hans"
    customer.save()
    signed(centre, now, order, name="王小明")
    order.refresh_from_db()
    pdf = report_pdf(order)
    text = _pdf_text(pdf, tmp_path)
    assert "王小明" in text
    assert order.number in text
    out = Path(__file__).resolve().parents[3] / "var" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    (out / "dispatch_report_zh.pdf").write_bytes(pdf)


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_d4_provider_sees_due_times(client, centre, order):
    client.force_login(centre["provider1"])
    page = client.get(reverse("provider:order", args=[order.pk])).content.decode()
    assert order.ticket.symptom in page
    assert (order.contact_due + timedelta(0)).year == 2026


def test_e6_report_shows_the_drawn_signature_and_a_matching_seal(centre, now, order, tmp_path):
    from hotline.dispatch.tests.test_services import PNG

    desk = centre["provider1"]
    work_order_complete(actor=desk, now=now, order_id=order.pk, work_done="Replaced the pump")
    work_order_sign(
        actor=desk, now=now, order_id=order.pk, signer_name="Maria", signature_image=PNG
    )
    order.refresh_from_db()
    assert seal_intact(order)
    path = tmp_path / "signed.pdf"
    path.write_bytes(report_pdf(order))
    images = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert len(images.splitlines()) > 2  # a header, a rule, then one line per image
    assert "The seal matches" in _pdf_text(path.read_bytes(), tmp_path)


def test_e6_a_change_behind_the_services_back_breaks_the_seal(centre, now, order, tmp_path):
    signed(centre, now, order)
    WorkOrder.objects.filter(pk=order.pk).update(work_done="Replaced the pump and the motor")
    order.refresh_from_db()
    assert not seal_intact(order)
    assert "The seal does not match" in _pdf_text(report_pdf(order), tmp_path)


def test_e3_dispatcher_sends_a_ticket_back_from_the_board(client, centre, ticket):
    client.force_login(centre["dispatcher"])
    url = reverse("dispatch:bounce")
    response = client.post(url, {"ticket": ticket.pk, "reason": "  "})
    assert response.status_code == 409
    assert "E3" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == TicketState.TO_DISPATCH
    assert client.post(url, {"ticket": ticket.pk, "reason": "Which model?"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == TicketState.BOUNCED
    page = client.get(reverse("dispatch:board"), {"tab": "bounced"}).content.decode()
    assert ticket.number in page
    assert "Which model?" in page


def test_d3_board_offers_only_the_regions_providers(client, centre, ticket):
    client.force_login(centre["dispatcher"])
    page = client.get(reverse("dispatch:board")).content.decode()
    assert "TechServ Sofia (0/40)" in page
    assert "Varna Home Service (" not in page  # another region: not offered in the row


def test_d7_leftovers_and_d6_late_tabs(client, centre, now, order, monkeypatch):
    client.force_login(centre["dispatcher"])
    tab = {"tab": "leftovers"}
    assert order.number not in client.get(reverse("dispatch:board"), tab).content.decode()
    monkeypatch.setattr("hotline.clock.now", lambda: now + timedelta(days=1))
    assert order.number in client.get(reverse("dispatch:board"), tab).content.decode()
    WorkOrder.objects.filter(pk=order.pk).update(late_at=now)
    page = client.get(reverse("dispatch:board"), {"tab": "late"}).content.decode()
    assert order.number in page
    response = client.post(reverse("dispatch:urge", args=[order.pk]), {"next": "late"})
    assert response["Location"].endswith("?tab=late")
    assert order.urges.count() == 1


def test_d3_order_sent_by_fax_is_logged_by_hand_from_the_order_page(client, centre, now, ticket):
    order = work_order_dispatch(actor=centre["dispatcher"], now=now, ticket=ticket, channel="fax")
    client.force_login(centre["dispatcher"])
    page = client.get(reverse("dispatch:order", args=[order.pk])).content.decode()
    notice = order.notices.get(provider__isnull=False)
    assert notice.state == "to_log"
    logged = reverse("notices:logged", args=[notice.pk])
    assert logged in page
    assert client.post(logged).status_code == 302
    notice.refresh_from_db()
    assert notice.state == "sent"


def test_provider_portal_query_count_is_constant_in_the_page_size(client, centre, now, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(12):
        ticket = make_ticket(centre["agent1"], now)
        work_order_dispatch(actor=centre["dispatcher"], now=now, ticket=ticket)
    client.force_login(centre["provider1"])
    client.get(reverse("provider:orders"))  # D4: the day's first look is a check; then none
    counts = []
    for size in (2, 10):
        monkeypatch.setattr("hotline.dispatch.selectors.PAGE_SIZE", size)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("provider:orders"))
        assert len(page.context["orders"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_e6_completed_order_stays_on_the_providers_list_until_signed(client, centre, now, order):
    desk = centre["provider1"]
    work_order_complete(actor=desk, now=now, order_id=order.pk, work_done="Replaced the pump")
    client.force_login(desk)
    assert order.number in client.get(reverse("provider:orders")).content.decode()
    work_order_sign(actor=desk, now=now, order_id=order.pk, signer_name="Maria")
    assert order.number not in client.get(reverse("provider:orders")).content.decode()
    page = client.get(reverse("provider:orders"), {"filter": "done"}).content.decode()
    assert order.number in page
