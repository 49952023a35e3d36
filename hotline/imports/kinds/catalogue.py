"""Fault categories with their scripted first steps (rule E4), one step a line in the cell."""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy

from hotline.imports.columns import Column
from hotline.imports.registry import Kind, Values, no_references, register, upsert
from hotline.tickets.models import FaultCategory


def _write(v: Values) -> str:
    return upsert(FaultCategory, {"code": v["code"]}, {"name": v["name"], "steps": v["steps"]})[1]


def _categories() -> Iterator[Values]:
    for category in FaultCategory.objects.order_by("code"):
        yield {"code": category.code, "name": category.name, "steps": list(category.steps)}


register(
    Kind(
        name="fault_categories",
        label=gettext_lazy("Fault categories"),
        columns=(
            Column("code", required=True, max_length=40),
            Column("name", required=True),
            Column("steps", "list", max_length=500, separator="\n"),
        ),
        key=("code",),
        check=no_references,
        write=_write,
        export=_categories,
        order=90,
    )
)
