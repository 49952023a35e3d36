"""Issue 16: the parties and places moved from tickets and dispatch to the directory in Django's
state only. A database written before the move migrates forward with every row intact, read
through the directory's models, and the content types (permissions, admin history) follow.

Runs on SQLite and on PostgreSQL (tools/testservers.py --postgres)."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps as live_apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps

from hotline.accounts.models import User
from hotline.directory.models import (
    Customer,
    CustomerSite,
    Equipment,
    Provider,
    Region,
    SlaContract,
)
from hotline.dispatch.models import WorkOrder
from hotline.notices.models import Notice
from hotline.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)  # migrations run outside a test transaction

# The migrations of the move; the state before it is their parents, without the directory.
MOVE = {
    "directory": "0001_initial",
    "accounts": "0005_directory_fks",
    "calls": "0007_directory_fks",
    "notices": "0004_directory_fks",
    "tickets": "0006_directory_moved_out",
    "dispatch": "0009_directory_moved_out",
}
AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _before_the_move(executor: MigrationExecutor) -> list[tuple[str, str | None]]:
    targets: list[tuple[str, str | None]] = [("directory", None)]
    for app, name in MOVE.items():
        if app != "directory":
            parents = executor.loader.graph.node_map[(app, name)].parents
            targets += [p.key for p in parents if p.key[0] == app]
    return targets


@pytest.fixture
def old_apps() -> Iterator[StateApps]:
    """The database migrated back to just before the move, and its models as they were then;
    migrated forward to the head again whatever the test does."""
    executor = MigrationExecutor(connection)
    before = _before_the_move(executor)
    executor.migrate(before)
    executor.loader.build_graph()  # reads what is applied now
    applied = list(executor.loader.applied_migrations)
    try:
        yield executor.loader.project_state(applied, at_end=True).apps
    finally:
        _to_head()


def _to_head() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def _write_before(old: StateApps) -> dict[str, int]:
    """A customer with a site, equipment and a contract; a region, a zone, a provider; a case
    and its work order; a customer user, a provider desk and a notice that name them."""
    old_region = old.get_model("dispatch", "Region")
    old_provider = old.get_model("dispatch", "Provider")
    old_customer = old.get_model("tickets", "Customer")
    old_site = old.get_model("tickets", "CustomerSite")
    old_contract = old.get_model("tickets", "SlaContract")
    old_equipment = old.get_model("tickets", "Equipment")
    old_user = old.get_model("accounts", "User")
    agent = old_user.objects.create(username="mover-agent", role="agent")
    region = old_region.objects.create(code="ruse", name="Ruse", engineer=agent)
    provider = old_provider.objects.create(
        name="Danube Service", capacity=7, channel="email", email="desk@danube.example"
    )
    provider.regions.add(region)
    customer = old_customer.objects.create(
        name="Iva Petrova", phone="+359 88 123 4567", phone_key="881234567", language="bg"
    )
    site = old_site.objects.create(
        customer=customer, address="1 Aleksandrovska, Ruse", region=region, zone="suburban"
    )
    equipment = old_equipment.objects.create(
        site=site, kind="Boiler", model="B-200", serial="SN-42", installed_on=date(2024, 5, 1)
    )
    contract = old_contract.objects.create(
        customer=customer, name="Gold", priority=2, response_within=timedelta(hours=4)
    )
    ticket = old.get_model("tickets", "Ticket").objects.create(
        kind="repair",
        customer=customer,
        site=site,
        equipment=equipment,
        contract=contract,
        owner=agent,
        created_at=AT,
    )
    order = old.get_model("dispatch", "WorkOrder").objects.create(
        ticket=ticket,
        provider=provider,
        region=region,
        zone="suburban",
        channel="email",
        ticket_copy={"number": "T-1"},
        dispatched_at=AT,
        dispatched_by=agent,
        contact_due=AT + timedelta(minutes=30),
        status_due=AT + timedelta(hours=3),
        response_due=AT + timedelta(hours=48),
    )
    old_user.objects.create(username="mover-customer", role="customer", customer=customer)
    old_user.objects.create(username="mover-desk", role="provider", provider=provider)
    notice = old.get_model("notices", "Notice").objects.create(
        customer=customer,
        provider=provider,
        channel="email",
        language="bg",
        subject="Visit booked",
        body="The technician comes on Monday.",
        created_at=AT,
    )
    return {
        "customer": customer.pk,
        "site": site.pk,
        "equipment": equipment.pk,
        "contract": contract.pk,
        "region": region.pk,
        "provider": provider.pk,
        "ticket": ticket.pk,
        "order": order.pk,
        "notice": notice.pk,
    }


def test_move_keeps_every_row_and_link(old_apps: StateApps) -> None:
    ids = _write_before(old_apps)
    old_types = old_apps.get_model("contenttypes", "ContentType").objects
    customer_type = old_types.get(app_label="tickets", model="customer").pk
    provider_type = old_types.get(app_label="dispatch", model="provider").pk

    _to_head()

    customer = Customer.objects.get(pk=ids["customer"])
    assert (customer.name, customer.phone, customer.language) == (
        "Iva Petrova",
        "+359 88 123 4567",
        "bg",
    )
    assert list(Customer.objects.filter(phone_key="881234567")) == [customer]
    site = CustomerSite.objects.get(pk=ids["site"])
    assert (site.customer, site.address, site.zone) == (
        customer,
        "1 Aleksandrovska, Ruse",
        "suburban",
    )
    region = Region.objects.get(pk=ids["region"])
    assert region.engineer is not None, "the moved region keeps its engineer"
    assert (site.region, region.code, region.engineer.username) == (region, "ruse", "mover-agent")
    equipment = Equipment.objects.get(pk=ids["equipment"])
    assert (equipment.site, str(equipment), equipment.installed_on) == (
        site,
        "Boiler B-200 SN-42",
        date(2024, 5, 1),
    )
    contract = SlaContract.objects.get(pk=ids["contract"])
    assert (contract.customer, contract.name, contract.response_within) == (
        customer,
        "Gold",
        timedelta(hours=4),
    )
    provider = Provider.objects.get(pk=ids["provider"])
    assert (provider.name, provider.capacity, provider.channel) == ("Danube Service", 7, "email")
    assert list(provider.regions.all()) == [region]
    assert list(region.providers.all()) == [provider]

    ticket = Ticket.objects.get(pk=ids["ticket"])
    assert (ticket.customer, ticket.site, ticket.equipment, ticket.contract) == (
        customer,
        site,
        equipment,
        contract,
    )
    assert list(customer.tickets.all()) == [ticket]
    order = WorkOrder.objects.get(pk=ids["order"])
    assert (order.ticket, order.provider, order.region, order.zone) == (
        ticket,
        provider,
        region,
        "suburban",
    )
    assert User.objects.get(username="mover-customer").customer == customer
    assert User.objects.get(username="mover-desk").provider == provider
    notice = Notice.objects.get(pk=ids["notice"])
    assert (notice.customer, notice.provider) == (customer, provider)

    # The same content type rows, relabelled: permissions and admin history keep pointing at them.
    assert ContentType.objects.get_for_model(Customer).pk == customer_type
    assert ContentType.objects.get_for_model(Provider).pk == provider_type
    assert Permission.objects.filter(
        content_type_id=customer_type, codename="view_customer"
    ).exists()
    assert live_apps.get_model("directory", "Customer")._meta.db_table == "tickets_customer"
