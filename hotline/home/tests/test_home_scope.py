"""Each home page shows its reader's own party only: a customer's own account, a provider's own
firm (moved from accounts' test_access with the home pages)."""

import pytest
from django.urls import reverse

from hotline.directory.models import Customer, Provider

pytestmark = pytest.mark.django_db


def test_customer_home_shows_only_their_own_account(client, centre):
    me = centre["customer1"]
    client.force_login(me)
    page = client.get(reverse("home")).content.decode()
    assert me.customer.name in page
    for other in Customer.objects.exclude(pk=me.customer_id):
        assert other.name not in page


def test_provider_home_shows_only_its_own_provider(client, centre):
    me = centre["provider1"]
    client.force_login(me)
    page = client.get(reverse("home")).content.decode()
    assert me.provider.name in page
    for other in Provider.objects.exclude(pk=me.provider_id):
        assert other.name not in page
