"""Issue 17: a notice is written in its reader's language, states as words in that language (never
a label rendered in the sender's language), providers by name, times in one 24-hour style."""

from datetime import timedelta

import pytest
from django.utils import translation
from django.utils.translation import gettext

from hotline.core.i18n import gettext_noop
from hotline.deadlines.services import deadlines_fire_due
from hotline.dispatch.choices import WorkOrderState
from hotline.dispatch.services.centre import _send_list
from hotline.followup.services import followup_record
from hotline.notices.models import Notice
from hotline.notices.services import notify
from hotline.tickets.choices import TicketState
from hotline.tickets.tests.test_services_support import new_case

pytestmark = pytest.mark.django_db


def test_d12_a_spanish_customer_reads_the_second_visit_in_spanish_with_the_providers_name(
    centre, now
):
    from hotline.followup.tests.test_services import DUE, plan_one

    followup = plan_one(centre, now)
    customer = followup.ticket.customer
    customer.language = "es"
    customer.save(update_fields=["language"])
    with translation.override("bg"):  # the agent works in another language
        followup_record(
            actor=centre["agent2"],
            now=DUE,
            followup_id=followup.pk,
            score=1,
            reason="Sigue goteando",
            resolved=False,
        )
    followup.refresh_from_db()
    second = followup.second_dispatch
    assert second is not None
    notice = Notice.objects.get(customer=customer, rule="D12", work_order=second)
    assert notice.language == "es"
    assert second.provider.name in notice.body  # the provider by name, not a login
    with translation.override("es"):
        spanish = gettext(
            "You told us the problem is not resolved. Work order %(number)s has been sent to "
            "%(provider)s; they will contact you to agree a visit."
        )
    assert spanish != "You told us the problem is not resolved."  # the catalog translates it
    assert notice.body == spanish % {"number": second.number, "provider": second.provider.name}


def test_c3_a_state_given_as_its_label_reads_in_the_customers_language(centre, now):
    customer = centre["customer1"].customer
    customer.language = "es"
    customer.save(update_fields=["language"])
    with translation.override("ru"):  # composed while another language is active
        notice = notify(
            now=now,
            rule="C3",
            customer=customer,
            subject=gettext_noop("Your case %(number)s is recorded"),
            body="%(state)s · %(when)s",
            params={"number": "T-1", "state": TicketState.TO_DISPATCH.label, "when": now},
        )
    with translation.override("es"):
        state = str(TicketState.TO_DISPATCH.label)
    assert state != "Waiting for dispatch"
    assert notice.body == f"{state} · 23 de noviembre de 2026, 10:00"  # Sofia, 24-hour clock


def test_d2_the_alert_says_the_cases_state_in_each_readers_language(centre, now):
    agent, lead = centre["agent1"], centre["lead"]
    agent.language, lead.language = "zh-hans", "ru"
    agent.save(update_fields=["language"])
    lead.save(update_fields=["language"])
    ticket = new_case(agent, now)
    deadlines_fire_due(now=now + timedelta(minutes=11), worker="test")
    label = TicketState(ticket.state).label
    with translation.override("en"):
        english = str(label)
    for user, language in ((agent, "zh-hans"), (lead, "ru")):
        body = Notice.objects.get(ticket=ticket, rule="D2", user=user).body
        with translation.override(language):
            assert str(label) in body, (language, body)
        assert english not in body


def test_d7_the_leftovers_list_gives_each_team_lead_the_states_in_their_language(centre, now):
    from hotline.testing.cases import completed_order

    order = completed_order(centre, now)
    order.state = WorkOrderState.DISPATCHED
    lead = centre["lead"]
    lead.language = "zh-hans"
    lead.save(update_fields=["language"])
    with translation.override("en"):
        _send_list(now, [order], subject="s", body="%(orders)s")
    body = Notice.objects.get(user=lead, rule="D7").body
    with translation.override("zh-hans"):
        assert str(WorkOrderState.DISPATCHED.label) in body
    assert "Dispatched" not in body
