"""Issue 17: the rulebook's units are written in the reader's language ("15 мин", not "15 min"),
and a value typed with those words is read as the help shows it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from hotline.rulebook.models import RuleValue
from hotline.rulebook.selectors import current_rulebook

pytestmark = pytest.mark.django_db


@pytest.fixture
def russian_admin(client, centre):  # type: ignore[no-untyped-def]
    admin = centre["admin"]
    admin.language = "ru"
    admin.save(update_fields=["language"])
    client.force_login(admin)
    return admin


def test_a1_the_help_names_the_units_in_the_readers_language(client, russian_admin):
    page = client.get(reverse("rulebook:edit", args=["a1.max_talk"])).content.decode()
    assert "15 мин" in page  # the default, A1
    assert "15 min" not in page
    assert "4 ч" in page  # the largest value allowed


@pytest.mark.parametrize(("typed", "minutes"), [("20 мин", 20), ("20", 20), ("1 ч", 60)])
def test_a1_a_value_typed_with_the_readers_units_is_read(client, russian_admin, typed, minutes):
    url = reverse("rulebook:edit", args=["a1.max_talk"])
    data = {"value": typed, "scope": "deployment", "scope_ref": "", "reason": "test"}
    assert client.post(url, data).status_code == 302
    assert current_rulebook().duration("a1.max_talk") == timedelta(minutes=minutes)


def test_a1_a_unit_the_rulebook_does_not_know_is_refused_and_nothing_changes(client, russian_admin):
    url = reverse("rulebook:edit", args=["a1.max_talk"])
    data = {"value": "20 лет", "scope": "deployment", "scope_ref": "", "reason": "test"}
    assert client.post(url, data).status_code == 422
    assert not RuleValue.objects.exists()
