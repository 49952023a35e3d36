"""Issue 17: appliance kinds are a translated vocabulary (ApplianceKind), stored as codes; any
other kind stays free text. The English words stored before are turned into codes."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from hotline.directory.choices import ApplianceKind, appliance_label
from hotline.directory.models import Equipment
from hotline.testing.cases import make_ticket

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("hotline.directory.migrations.0002_appliance_kind_codes")


def test_the_english_words_stored_before_become_codes_and_other_kinds_stay(centre):
    site = centre["customer1"].customer.sites.first()
    old = Equipment.objects.create(site=site, kind="Refrigerator", model="RF-1")
    lower = Equipment.objects.create(site=site, kind=" air conditioner", model="AC-1")
    other = Equipment.objects.create(site=site, kind="Espresso machine", model="X-1")
    MIGRATION.words_to_codes(apps, None)
    mine = Equipment.objects.filter(model__in=["RF-1", "AC-1", "X-1"])
    kinds = dict(mine.values_list("model", "kind"))
    assert kinds == {"RF-1": "refrigerator", "AC-1": "air_conditioner", "X-1": "Espresso machine"}
    MIGRATION.codes_to_words(apps, None)
    old.refresh_from_db()
    lower.refresh_from_db()
    assert (old.kind, lower.kind) == ("Refrigerator", "Air conditioner")
    other.refresh_from_db()
    assert other.kind == "Espresso machine"
    assert set(MIGRATION.WORDS.values()) == set(ApplianceKind.values)  # every code is mapped


def test_a_kind_reads_in_the_readers_language_whether_code_or_english_word():
    with translation.override("zh-hans"):
        assert appliance_label("refrigerator") == str(ApplianceKind.REFRIGERATOR.label)
        assert appliance_label("Refrigerator") == str(ApplianceKind.REFRIGERATOR.label)
        assert appliance_label("refrigerator") != "Refrigerator"
        assert appliance_label("Espresso machine") == "Espresso machine"  # free text as typed


def test_the_demo_stores_codes(centre):
    assert set(Equipment.objects.values_list("kind", flat=True)) <= set(ApplianceKind.values)


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_e3_a_case_page_shows_the_appliance_and_the_state_in_the_readers_language(
    client, centre, now, language
):
    agent = centre["agent1"]
    agent.language = language
    agent.save(update_fields=["language"])
    ticket = make_ticket(agent, now)
    assert ticket.equipment is not None
    client.force_login(agent)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    with translation.override(language):
        kind = str(ApplianceKind(ticket.equipment.kind).label)
        state = str(ticket.get_state_display())
    with translation.override("en"):
        english = (str(ApplianceKind(ticket.equipment.kind).label), str(ticket.get_state_display()))
    assert kind != english[0]
    assert f"{kind} {ticket.equipment.model}" in page
    assert state in page
    assert f"{english[0]} {ticket.equipment.model}" not in page
    assert f">{english[1]}<" not in page


def test_e3_the_equipment_api_gives_the_code_and_the_words_in_the_readers_language(api, centre):
    agent = centre["agent1"]
    agent.language = "ru"
    agent.save(update_fields=["language"])
    customer = centre["customer1"].customer
    rows = api("agent1", "get", f"/tickets/customers/{customer.pk}/equipment").json()["equipment"]
    assert rows
    for row in rows:
        assert row["kind"] in ApplianceKind.values
        with translation.override("ru"):
            assert row["kind_label"] == str(ApplianceKind(row["kind"]).label)
