"""Deadline kinds are shown to people in words (the order page showed "d4.contact")."""

import pytest
from django.urls import reverse

from hotline.clock import now as clock_now
from hotline.deadlines import services
from hotline.deadlines.choices import kind_label
from hotline.dispatch.services import work_order_dispatch
from hotline.testing.cases import make_ticket


def test_every_kind_a_handler_acts_on_has_words():
    kinds = {kind for kind in services._handlers if not kind.startswith("test.")}
    assert kinds
    unnamed = sorted(kind for kind in kinds if kind_label(kind) == kind)
    assert not unnamed, unnamed


@pytest.mark.django_db
def test_d4_the_order_page_names_its_clocks_in_words(client, in_english):
    now = clock_now()
    ticket = make_ticket(in_english["agent1"], now)
    order = work_order_dispatch(actor=in_english["dispatcher"], now=now, ticket=ticket)
    client.force_login(in_english["dispatcher"])
    page = client.get(reverse("dispatch:order", args=[order.pk])).content.decode()
    assert "Provider contacts the customer" in page
    assert "d4.contact" not in page
