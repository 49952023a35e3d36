"""Imports of a centre's data: all rows or none, re-imports change nothing, each error named by
row and column, and export -> import round trips equal (issue 20)."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hotline.accounts.models import User
from hotline.audit.models import Event
from hotline.directory.models import (
    Customer,
    CustomerSite,
    Equipment,
    Provider,
    Region,
    SlaContract,
)
from hotline.imports.engine import import_file
from hotline.imports.registry import KINDS, kinds
from hotline.imports.tables import read, write
from hotline.rulebook.models import Holiday
from hotline.tickets.models import FaultCategory

FILES = {
    "regions": "code,name\nruse,Ruse\nburgas,Burgas\n",
    "providers": (
        "name,regions,capacity,channel,email,phone,language\n"
        "Ruse Fix,ruse,12,email,orders@rusefix.example,+359 82 555 0101,bg\n"
        "Black Sea Service,burgas;varna,30,portal,,,en\n"
    ),
    "customers": (
        "phone,name,email,language,time_zone\n"
        "+359 88 900 0001,Ivo Ruse,ivo@example.com,bg,Europe/Sofia\n"
        "+359 88 900 0002,Burgas Hotel,,en,\n"
    ),
    "sites": (
        "customer_phone,address,region,zone,business_premises\n"
        "+359 88 900 0001,1 Aleksandrovska St,ruse,urban,no\n"
        "+359 88 900 0002,5 Bogoridi Blvd,burgas,suburban,yes\n"
    ),
    "equipment": (
        "customer_phone,address,kind,model,serial,installed_on\n"
        "+359 88 900 0001,1 Aleksandrovska St,washing_machine,WM-7,SN1,2025-03-01\n"
        "+359 88 900 0002,5 Bogoridi Blvd,Ice machine,IM-2,,\n"
    ),
    "fault_categories": (
        "code,name,steps\n"
        'leaks,Leaks water,"Turn off the tap; then check the hose.\nLook under the door seal."\n'
    ),
    "contracts": (
        "customer_phone,name,order,priority,response_hours,resolution_hours,on_site,"
        "covered_services\n"
        "+359 88 900 0002,Hotel gold,10,1,4,24,yes,repair;installation\n"
        ",Basic,200,5,24,72,no,\n"
    ),
    "teams": "name,site\nRuse line,Sofia centre\n",
    "agents": (
        "username,first_name,last_name,email,team,language\n"
        "rusagent1,Pavel,Rusev,pavel@example.com,Ruse line,bg\n"
        "rusagent2,Nina,Koleva,,Ruse line,en\n"
    ),
    "holidays": "calendar,day,name\nBulgaria,2027-05-24,Culture day\nBulgaria,2027-12-31,Eve\n",
}


def _import(kind: str, text: str, now, dry_run: bool = False):  # type: ignore[no-untyped-def]
    return import_file(KINDS[kind], text.encode(), "csv", actor=None, now=now, dry_run=dry_run)


def _import_all(now):  # type: ignore[no-untyped-def]
    return {kind.name: _import(kind.name, FILES[kind.name], now) for kind in kinds()}


def test_every_kind_imports_and_a_second_import_changes_nothing(centre, now) -> None:
    first = _import_all(now)
    assert all(outcome.ok for outcome in first.values()), first
    assert first["providers"].counts == {"created": 2, "updated": 0, "unchanged": 0}
    assert sorted(
        Provider.objects.get(name="Black Sea Service").regions.values_list("code", flat=True)
    ) == ["burgas", "varna"]
    assert CustomerSite.objects.get(address="5 Bogoridi Blvd").business_premises is True
    gold = SlaContract.objects.get(name="Hotel gold")
    assert gold.customer == Customer.objects.get(phone="+359 88 900 0002")
    assert gold.covered_services == ["repair", "installation"]
    assert SlaContract.objects.get(name="Basic", customer=None).on_site is False
    assert Holiday.objects.filter(day=date(2027, 5, 24), calendar__name="Bulgaria").exists()
    assert FaultCategory.objects.get(code="leaks").steps == [
        "Turn off the tap; then check the hose.",
        "Look under the door seal.",
    ]
    assert Equipment.objects.get(serial="SN1").installed_on == date(2025, 3, 1)

    again = _import_all(now)
    assert {name: o.counts for name, o in again.items()} == {
        name: {"created": 0, "updated": 0, "unchanged": len(read(FILES[name].encode(), "csv")[1])}
        for name in FILES
    }


def test_a_changed_row_is_updated_by_its_natural_key(centre, now) -> None:
    _import("regions", FILES["regions"], now)
    outcome = _import("regions", "code,name\nruse,Ruse and Razgrad\nburgas,Burgas\n", now)
    assert outcome.counts == {"created": 0, "updated": 1, "unchanged": 1}
    assert Region.objects.get(code="ruse").name == "Ruse and Razgrad"


def test_agents_are_made_without_a_usable_password(centre, now) -> None:
    _import_all(now)
    agent = User.objects.get(username="rusagent1")
    assert agent.role == "agent"
    assert agent.team is not None
    assert agent.team.name == "Ruse line"
    assert not agent.has_usable_password()


def test_a_file_with_bad_rows_changes_nothing_and_names_each_error(centre, now) -> None:
    _import("regions", FILES["regions"], now)
    providers = Provider.objects.count()
    events = Event.objects.count()
    text = (
        "name,regions,capacity,channel,email,phone,language\n"
        "Good One,ruse,5,email,,,bg\n"
        "Bad Capacity,ruse,-3,email,,,bg\n"
        "Nowhere,atlantis,5,fax,not-an-address,,xx\n"
        ",ruse,5,sms,,,en\n"
        "Good One,ruse,6,email,,,bg\n"
    )
    outcome = _import("providers", text, now)
    assert [(e.row, e.column) for e in outcome.errors] == [
        (3, "capacity"),
        (4, "email"),
        (4, "language"),
        (5, "name"),
        (6, "name"),  # the same provider as row 2
    ]
    assert "atlantis" not in str(outcome.errors)  # the row's cell errors come first
    assert Provider.objects.count() == providers
    assert Event.objects.count() == events
    unknown = _import("providers", "name,regions,capacity,channel\nX,atlantis,5,fax\n", now)
    assert [(e.row, e.column) for e in unknown.errors] == [(2, "regions")]
    assert "atlantis" in unknown.errors[0].message


def test_missing_and_unknown_columns_are_named_in_the_header_row(centre, now) -> None:
    outcome = _import("regions", "code,title\nruse,Ruse\n", now)
    assert [(e.row, e.column) for e in outcome.errors] == [(1, "name"), (1, "title")]
    assert not Region.objects.filter(code="ruse").exists()


def test_a_dry_run_counts_what_would_change_and_writes_nothing(centre, now) -> None:
    outcome = _import("regions", FILES["regions"], now, dry_run=True)
    assert outcome.ok
    assert outcome.counts["created"] == 2
    assert not Region.objects.filter(code__in=["ruse", "burgas"]).exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", [kind.name for kind in kinds()])
def test_export_then_import_is_equal(centre, now, kind: str, fmt: str) -> None:
    _import_all(now)
    exported = write(KINDS[kind], KINDS[kind].export(), fmt)  # type: ignore[arg-type]
    outcome = import_file(KINDS[kind], exported, fmt, actor=None, now=now, dry_run=False)  # type: ignore[arg-type]
    assert outcome.ok, outcome.errors
    assert outcome.counts["created"] == outcome.counts["updated"] == 0
    assert outcome.counts["unchanged"] > 0
    again = write(KINDS[kind], KINDS[kind].export(), fmt)  # type: ignore[arg-type]
    assert read(again, fmt) == read(exported, fmt)  # type: ignore[arg-type]


def test_command_imports_and_its_dry_run_writes_nothing(centre, tmp_path, capsys) -> None:
    path = tmp_path / "regions.csv"
    path.write_text(FILES["regions"])
    call_command("import", "regions", str(path), "--dry-run")
    assert not Region.objects.filter(code="ruse").exists()
    call_command("import", "regions", str(path))
    assert Region.objects.filter(code="ruse").exists()
    capsys.readouterr()
    call_command("import", "regions", str(path))
    assert "created 0, updated 0, unchanged 2" in capsys.readouterr().out


def test_command_names_each_bad_row_and_writes_nothing(centre, tmp_path, capsys) -> None:
    path = tmp_path / "regions.csv"
    path.write_text("code,name\nruse,Ruse\nburgas,\n")
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import", "regions", str(path))
    assert "row 3, name: a value is required" in capsys.readouterr().err
    assert not Region.objects.filter(code="ruse").exists()


def test_country_holidays_with_local_additions(centre, tmp_path) -> None:
    local = tmp_path / "local.csv"
    local.write_text("calendar,day,name\nBulgaria,2027-06-15,Centre's founding day\n")
    call_command(
        "import",
        "holidays",
        str(local),
        "--country",
        "BG",
        "--calendar",
        "Bulgaria",
        "--years",
        "2027",
    )
    days = dict(Holiday.objects.filter(day__year=2027).values_list("day", "name"))
    assert date(2027, 3, 3) in days  # Liberation Day, from the holidays package
    assert days[date(2027, 6, 15)] == "Centre's founding day"


def test_export_command_writes_a_template_per_kind(centre, tmp_path) -> None:
    for kind in kinds():
        path = tmp_path / f"{kind.name}.xlsx"
        call_command("export", kind.name, str(path), "--template")
        headers, rows = read(path.read_bytes(), "xlsx")
        assert headers == kind.headers
        assert rows == []


def test_a_yes_no_cell_is_read_in_any_of_the_centres_languages(centre, now) -> None:
    for kind in ("regions", "customers"):
        assert _import(kind, FILES[kind], now).ok
    sites = (
        "customer_phone,address,region,zone,business_premises\n"
        "+359 88 900 0001,1 Aleksandrovska St,ruse,urban,Да\n"
        "+359 88 900 0002,5 Bogoridi Blvd,burgas,suburban,non\n"
    )
    outcome = _import("sites", sites, now)
    assert outcome.ok, outcome
    premises = dict(CustomerSite.objects.values_list("address", "business_premises"))
    assert premises["1 Aleksandrovska St"] is True
    assert premises["5 Bogoridi Blvd"] is False
    refused = _import("sites", sites.replace(",non\n", ",maybe\n"), now, dry_run=True)
    assert not refused.ok
