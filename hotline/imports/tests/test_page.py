"""The admin's import page: upload -> dry run with every row's errors -> confirm; templates and
exports per kind; refused to every other role (issue 20)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from hotline.audit.models import Event
from hotline.directory.models import Region
from hotline.imports.tables import Format, read
from hotline.imports.views import MAX_FILE_BYTES

GOOD = b"code,name\nruse,Ruse\nburgas,Burgas\n"
BAD = b"code,name\nruse,Ruse\nburgas,\nthis-code-is-far-too-long-for-a-region,X\n"


def _upload(client, data: bytes, name: str = "regions.csv", kind: str = "regions"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("imports:check"),
        {"kind": kind, "file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def test_upload_checks_then_confirm_imports(client, centre, clock) -> None:
    client.force_login(centre["admin"])
    checked = _upload(client, GOOD)
    assert checked.status_code == 200
    assert "2 new, 0 changed, 0 unchanged" in checked.content.decode()
    assert not Region.objects.filter(code="ruse").exists()  # the dry run wrote nothing

    confirmed = client.post(reverse("imports:confirm"), follow=True)
    assert "2 new" in confirmed.content.decode()
    assert Region.objects.filter(code__in=["ruse", "burgas"]).count() == 2
    event = Event.objects.filter(entity="imports.file").latest("pk")
    assert event.actor_id == centre["admin"].pk

    again = _upload(client, GOOD)
    assert "0 new, 0 changed, 2 unchanged" in again.content.decode()


def test_a_file_with_bad_rows_lists_each_error_and_cannot_be_confirmed(client, centre) -> None:
    client.force_login(centre["admin"])
    regions = Region.objects.count()
    checked = _upload(client, BAD)
    assert checked.status_code == 400
    page = checked.content.decode()
    assert "<td>3</td><td>name</td>" in page
    assert "<td>4</td><td>code</td>" in page
    assert "2 errors" in page
    confirmed = client.post(reverse("imports:confirm"), follow=True)
    assert "no checked file" in confirmed.content.decode()
    assert Region.objects.count() == regions


def test_errors_are_in_the_readers_language(client, centre) -> None:
    admin = centre["admin"]
    admin.language = "bg"
    admin.save()
    client.force_login(admin)
    catalog = trans_real.translation("bg")._catalog  # type: ignore[attr-defined]  # (locale/ is the lead's)
    catalog["a value is required"] = "задължителна стойност"
    try:
        page = _upload(client, BAD).content.decode()
    finally:
        catalog._catalogs[0].pop("a value is required", None)
        translation.activate("en")
    assert "задължителна стойност" in page


def test_a_file_over_the_limit_is_refused_before_reading(client, centre) -> None:
    client.force_login(centre["admin"])
    response = _upload(client, b"code,name\n" + b"x,y\n" * (MAX_FILE_BYTES // 4 + 1))
    assert response.status_code == 400
    assert "hotline import" in response.content.decode()
    assert not Region.objects.filter(code="x").exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_and_exports_download_per_kind(client, centre, fmt: Format) -> None:
    client.force_login(centre["admin"])
    template = client.get(reverse("imports:template", args=["providers", fmt]))
    assert read(template.content, fmt) == (
        ["Name", "Regions", "Capacity", "Channel", "E-mail", "Phone", "Language"],
        [],
    )
    export = client.get(reverse("imports:export", args=["regions", fmt]))
    assert ("sofia", "Sofia") in [tuple(row) for row in read(export.content, fmt)[1]]
    assert client.get(reverse("imports:template", args=["nothing", fmt])).status_code == 404


@pytest.mark.parametrize("username", ["manager", "lead", "agent1", "dispatcher", "customer1"])
def test_the_import_page_is_refused_to_every_role_but_admin(client, centre, username) -> None:
    client.force_login(centre[username])
    assert client.get(reverse("imports:index")).status_code == 403
    assert _upload(client, GOOD).status_code == 403
    holidays = {"calendar": "Bulgaria", "country": "BG", "first_year": 2028, "last_year": 2028}
    assert client.post(reverse("imports:holidays"), holidays).status_code == 403
    assert client.get(reverse("imports:export", args=["customers", "csv"])).status_code == 403
    assert not Region.objects.filter(code="ruse").exists()


def test_a_template_is_in_the_readers_words_and_imports_filled_in(client, centre) -> None:
    admin = centre["admin"]
    admin.language = "bg"
    admin.save()
    client.force_login(admin)
    catalog = trans_real.translation("bg")._catalog  # type: ignore[attr-defined]
    catalog["Code"] = "Код"
    try:
        template = client.get(reverse("imports:template", args=["regions", "csv"]))
        headers, _rows = read(template.content, "csv")
        filled = ",".join(headers).encode() + b"\nruse,Ruse\n"
        checked = _upload(client, filled)
        client.post(reverse("imports:confirm"))
    finally:
        catalog._catalogs[0].pop("Code", None)
        translation.activate("en")
    assert headers[0] == "Код"
    assert checked.status_code == 200
    assert Region.objects.get(code="ruse").name == "Ruse"


def test_a_countrys_holidays_are_checked_then_imported(client, centre) -> None:
    from datetime import date

    from hotline.rulebook.models import Holiday

    client.force_login(centre["admin"])
    form = {"calendar": "Bulgaria", "country": "bg", "first_year": 2028, "last_year": 2028}
    checked = client.post(reverse("imports:holidays"), form)
    assert checked.status_code == 200
    assert "new" in checked.content.decode()
    assert not Holiday.objects.filter(day__year=2028).exists()
    client.post(reverse("imports:confirm"))
    assert Holiday.objects.filter(day=date(2028, 3, 3), calendar__name="Bulgaria").exists()


def test_an_unknown_country_or_too_many_years_is_refused(client, centre) -> None:
    from hotline.rulebook.models import Holiday

    client.force_login(centre["admin"])
    holidays = Holiday.objects.count()
    for form in (
        {"calendar": "Bulgaria", "country": "XX", "first_year": 2028, "last_year": 2028},
        {"calendar": "Bulgaria", "country": "BG", "first_year": 2028, "last_year": 2090},
        {"calendar": "Nowhere", "country": "BG", "first_year": 2028, "last_year": 2028},
    ):
        assert client.post(reverse("imports:holidays"), form).status_code == 400
    assert Holiday.objects.count() == holidays
