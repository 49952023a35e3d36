"""The appliances at customers' sites, found by the site (customer's phone and address)."""

from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline.directory.models import CustomerSite, Equipment
from hotline.imports.columns import Column
from hotline.imports.kinds.common import missing
from hotline.imports.registry import Kind, Values, register, upsert


def _site(v: Values) -> CustomerSite | None:
    return CustomerSite.objects.filter(
        customer__phone=v["customer_phone"], address=v["address"]
    ).first()


def _check(v: Values) -> dict[str, str]:
    return {} if _site(v) else {"address": missing(_("site"), v["address"])}


def _write(v: Values) -> str:
    lookup = {"site": _site(v), "model": v["model"], "serial": v["serial"]}
    return upsert(Equipment, lookup, {"kind": v["kind"], "installed_on": v["installed_on"]})[1]


def _equipment() -> Iterator[Values]:
    for item in Equipment.objects.select_related("site__customer").order_by("pk"):
        yield {
            "customer_phone": item.site.customer.phone,
            "address": item.site.address,
            "kind": item.kind,
            "model": item.model,
            "serial": item.serial,
            "installed_on": item.installed_on,
        }


register(
    Kind(
        name="equipment",
        label=gettext_lazy("Equipment"),
        columns=(
            Column("customer_phone", required=True, max_length=32),
            Column("address", required=True, max_length=250),
            Column("kind", required=True, max_length=80),
            Column("model", required=True, max_length=80),
            Column("serial", max_length=80),
            Column("installed_on", "date"),
        ),
        key=("customer_phone", "address", "model", "serial"),
        check=_check,
        write=_write,
        export=_equipment,
        order=45,
    )
)
