"""The one customer search (issue 16), as the case pages, the E5 record page and the API use it:
staff find any customer, a customer only their own account, a provider's desk nobody."""

import pytest

from hotline.accounts.models import User
from hotline.directory.models import Customer
from hotline.directory.selectors import SEARCH_LENGTH, customers_for, customers_matching

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(centre: dict[str, User]) -> Customer:
    return Customer.objects.create(name="Zornitsa Ruseva", phone="+359 87 555 0101")


def test_staff_find_any_customer_by_name_phone_or_number(
    centre: dict[str, User], other: Customer
) -> None:
    agent = centre["agent1"]
    assert customers_matching(agent, "zornitsa", 20) == [other]
    assert customers_matching(agent, "087 555 0101", 20) == [other]
    assert customers_matching(agent, str(other.pk), 20)[0] == other
    assert customers_matching(agent, "nobody-by-this-name", 20) == []


def test_a_customer_finds_only_their_own_account(centre: dict[str, User], other: Customer) -> None:
    customer = centre["customer1"]
    assert customers_matching(customer, "zornitsa", 20) == []
    assert list(customers_for(customer)) == [customer.customer]


def test_a_provider_desk_finds_nobody(centre: dict[str, User], other: Customer) -> None:
    assert customers_matching(centre["provider1"], "zornitsa", 20) == []
    assert not customers_for(centre["provider1"]).exists()


def test_nothing_before_anything_is_typed_and_a_long_query_is_cut(
    centre: dict[str, User], other: Customer
) -> None:
    agent = centre["agent1"]
    assert customers_matching(agent, "   ", 20) == []
    assert customers_matching(agent, "Zornitsa" + "x" * SEARCH_LENGTH, 20) == []
    assert customers_matching(agent, "Zornitsa Ruseva" + " " * SEARCH_LENGTH, 20) == [other]
    assert len(customers_matching(agent, "a", 1)) == 1
