"""POST /api/v1/imports/{kind}: checked, then all rows or none; bounded; admins only (issue 20)."""

from typing import get_args

import pytest

from hotline.directory.models import Region
from hotline.imports.api import MAX_CSV_CHARACTERS, KindName
from hotline.imports.registry import KINDS

GOOD = "code,name\nruse,Ruse\nburgas,Burgas\n"


def test_the_api_lists_every_kind_of_the_registry() -> None:
    assert set(get_args(KindName)) == set(KINDS)


def test_a_dry_run_counts_then_the_import_writes(api, centre) -> None:
    checked = api("admin", "post", "/imports/regions", {"csv": GOOD})
    assert checked.status_code == 200
    assert checked.json() == {
        "kind": "regions",
        "dry_run": True,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    assert not Region.objects.filter(code="ruse").exists()
    written = api("admin", "post", "/imports/regions", {"csv": GOOD, "dry_run": False})
    assert written.json()["created"] == 2
    again = api("admin", "post", "/imports/regions", {"csv": GOOD, "dry_run": False})
    assert again.json()["unchanged"] == 2


def test_bad_rows_are_a_400_naming_each_and_nothing_is_written(api, centre) -> None:
    regions = Region.objects.count()
    response = api(
        "admin", "post", "/imports/regions", {"csv": GOOD + "varna2,\n", "dry_run": False}
    )
    assert response.status_code == 400
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(4, "name")]
    assert Region.objects.count() == regions


def test_an_unknown_kind_or_an_oversized_file_is_refused(api, centre) -> None:
    assert api("admin", "post", "/imports/planets", {"csv": GOOD}).status_code == 422
    huge = "code,name\n" + "x" * MAX_CSV_CHARACTERS
    assert api("admin", "post", "/imports/regions", {"csv": huge}).status_code in (413, 422)
    assert not Region.objects.filter(code="ruse").exists()


@pytest.mark.parametrize("username", ["manager", "lead", "agent1", "dispatcher", "customer1"])
def test_only_admins_may_import(api, centre, username: str) -> None:
    response = api(username, "post", "/imports/regions", {"csv": GOOD, "dry_run": False})
    assert response.status_code == 403
    assert "ruse" not in response.content.decode()
    assert not Region.objects.filter(code="ruse").exists()
