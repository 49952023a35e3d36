"""Regions, providers, customers with their sites and equipment, and SLA contracts."""

from collections.abc import Iterator
from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from hotline.directory.choices import Channel, Zone
from hotline.directory.models import Customer, CustomerSite, Provider, Region, SlaContract
from hotline.imports.columns import Column
from hotline.imports.kinds.common import language, missing, zone_error
from hotline.imports.registry import (
    CREATED,
    UPDATED,
    Kind,
    Values,
    no_references,
    pick,
    register,
    upsert,
)

HOUR = timedelta(hours=1)


def _write_region(v: Values) -> str:
    return upsert(Region, {"code": v["code"]}, {"name": v["name"]})[1]


def _regions() -> Iterator[Values]:
    for region in Region.objects.order_by("code"):
        yield {"code": region.code, "name": region.name}


register(
    Kind(
        name="regions",
        label=_("Regions"),
        columns=(Column("code", required=True, max_length=20), Column("name", required=True)),
        key=("code",),
        check=no_references,
        write=_write_region,
        export=_regions,
        order=10,
    )
)

PROVIDER_FIELDS = ("capacity", "channel", "email", "phone", "language")


def _check_provider(v: Values) -> dict[str, str]:
    known = set(Region.objects.filter(code__in=v["regions"]).values_list("code", flat=True))
    unknown = [code for code in v["regions"] if code not in known]
    return {"regions": missing(str(_("region")), ", ".join(unknown))} if unknown else {}


def _write_provider(v: Values) -> str:
    provider, outcome = upsert(Provider, {"name": v["name"]}, pick(v, PROVIDER_FIELDS))
    regions = list(Region.objects.filter(code__in=v["regions"]))
    if {r.pk for r in regions} != set(provider.regions.values_list("pk", flat=True)):
        provider.regions.set(regions)
        return CREATED if outcome == CREATED else UPDATED
    return outcome


def _providers() -> Iterator[Values]:
    for provider in Provider.objects.prefetch_related("regions").order_by("name"):
        yield {
            "name": provider.name,
            "regions": sorted(r.code for r in provider.regions.all()),
            **{name: getattr(provider, name) for name in PROVIDER_FIELDS},
        }


register(
    Kind(
        name="providers",
        label=_("Service providers"),
        columns=(
            Column("name", required=True, max_length=150),
            Column("regions", "list", required=True, max_length=20),
            Column("capacity", "int", required=True, minimum=0, maximum=100_000),
            Column("channel", "choice", required=True, choices=tuple(Channel.values)),
            Column("email", "email", max_length=254),
            Column("phone", max_length=32),
            language(),
        ),
        key=("name",),
        check=_check_provider,
        write=_write_provider,
        export=_providers,
        order=20,
    )
)

CUSTOMER_FIELDS = ("name", "email", "language", "time_zone")


def _check_customer(v: Values) -> dict[str, str]:
    error = zone_error(v["time_zone"])
    return {"time_zone": error} if error else {}


def _write_customer(v: Values) -> str:
    return upsert(Customer, {"phone": v["phone"]}, pick(v, CUSTOMER_FIELDS))[1]


def _customers() -> Iterator[Values]:
    for customer in Customer.objects.order_by("phone"):
        yield {name: getattr(customer, name) for name in ("phone", *CUSTOMER_FIELDS)}


register(
    Kind(
        name="customers",
        label=_("Customers"),
        columns=(
            Column("phone", required=True, max_length=32),
            Column("name", required=True, max_length=150),
            Column("email", "email", max_length=254),
            language(),
            Column("time_zone", max_length=64, default="UTC"),
        ),
        key=("phone",),
        check=_check_customer,
        write=_write_customer,
        export=_customers,
        order=30,
    )
)


def _check_site(v: Values) -> dict[str, str]:
    errors = {}
    if not Customer.objects.filter(phone=v["customer_phone"]).exists():
        errors["customer_phone"] = missing(str(_("customer")), v["customer_phone"])
    if not Region.objects.filter(code=v["region"]).exists():
        errors["region"] = missing(str(_("region")), v["region"])
    return errors


def _write_site(v: Values) -> str:
    customer = Customer.objects.filter(phone=v["customer_phone"]).first()
    values = {
        "region": Region.objects.get(code=v["region"]),
        "zone": v["zone"],
        "business_premises": v["business_premises"],
    }
    return upsert(CustomerSite, {"customer": customer, "address": v["address"]}, values)[1]


def _sites() -> Iterator[Values]:
    for site in CustomerSite.objects.select_related("customer", "region").order_by("pk"):
        yield {
            "customer_phone": site.customer.phone,
            "address": site.address,
            "region": site.region.code,
            "zone": site.zone,
            "business_premises": site.business_premises,
        }


register(
    Kind(
        name="sites",
        label=_("Customer sites"),
        columns=(
            Column("customer_phone", required=True, max_length=32),
            Column("address", required=True, max_length=250),
            Column("region", required=True, max_length=20),
            Column("zone", "choice", required=True, choices=tuple(Zone.values)),
            Column("business_premises", "bool"),
        ),
        key=("customer_phone", "address"),
        check=_check_site,
        write=_write_site,
        export=_sites,
        order=40,
    )
)


def _check_contract(v: Values) -> dict[str, str]:
    phone = v["customer_phone"]
    if phone and not Customer.objects.filter(phone=phone).exists():
        return {"customer_phone": missing(str(_("customer")), phone)}
    return {}


def _write_contract(v: Values) -> str:
    customer = (
        Customer.objects.filter(phone=v["customer_phone"]).first() if v["customer_phone"] else None
    )
    values = {
        "order": v["order"],
        "priority": v["priority"],
        "response_within": v["response_hours"] * HOUR,
        "resolution_within": v["resolution_hours"] * HOUR,
        "on_site": v["on_site"],
        "covered_services": v["covered_services"],
    }
    return upsert(SlaContract, {"customer": customer, "name": v["name"]}, values)[1]


def _contracts() -> Iterator[Values]:
    for contract in SlaContract.objects.select_related("customer").order_by("order", "pk"):
        yield {
            "customer_phone": contract.customer.phone if contract.customer else "",
            "name": contract.name,
            "order": contract.order,
            "priority": contract.priority,
            "response_hours": int(contract.response_within / HOUR),
            "resolution_hours": int(contract.resolution_within / HOUR),
            "on_site": contract.on_site,
            "covered_services": list(contract.covered_services),
        }


register(
    Kind(
        name="contracts",
        label=_("SLA contracts"),
        columns=(
            Column("customer_phone", max_length=32),
            Column("name", required=True),
            Column("order", "int", minimum=0, maximum=10_000, default=100),
            Column("priority", "int", minimum=1, maximum=9, default=5),
            Column("response_hours", "int", minimum=1, maximum=24 * 366, default=24),
            Column("resolution_hours", "int", minimum=1, maximum=24 * 366, default=72),
            Column("on_site", "bool"),
            Column("covered_services", "list", max_length=40),
        ),
        key=("customer_phone", "name"),
        check=_check_contract,
        write=_write_contract,
        export=_contracts,
        order=50,
    )
)
