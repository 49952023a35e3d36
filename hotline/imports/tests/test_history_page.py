"""Call history from the import page (issue 20): a 12-week CDR file, over the page's 2 MB limit
for the other kinds, is streamed to disk, checked (bad records summarised) and imported on
confirmation; too large a file, a bad one or the wrong role changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from hotline.audit.models import Event
from hotline.imports import history_page
from hotline.imports.history import MAX_ERRORS
from hotline.imports.tests.cdr_files import asterisk_lines, calls
from hotline.imports.tests.test_history import HISTORY_START
from hotline.imports.views import MAX_FILE_BYTES
from hotline.workforce.models import HistoricCall


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path


def _worker_runs_the_import() -> None:
    """What `hotline worker` does with the queued task (its loop, which also closes the
    database connections between tasks, is left out: the test's transaction is open)."""
    queued = DBTaskResult.objects.ready().get(task_path__endswith=".history_import_task")
    queued.claim("test")
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    ).run_task(queued)


def _master_csv(weeks: int, per_weekday: int) -> bytes:
    return "".join(asterisk_lines(calls(HISTORY_START, weeks, per_weekday))).encode()


def _check(client, data: bytes, **fields: str):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("Master.csv", data, content_type="text/csv")
    return client.post(reverse("imports:history"), {"source": "asterisk", "file": upload, **fields})


def test_a_twelve_week_asterisk_file_over_2_mb_is_checked_then_imported(client, centre, clock):
    client.force_login(centre["admin"])
    data = _master_csv(weeks=12, per_weekday=200)
    assert len(data) > MAX_FILE_BYTES  # the other kinds' limit

    checked = _check(client, data, time_zone="Europe/Sofia")
    assert checked.status_code == 200, checked.content.decode()[:2000]
    assert "The file is correct: 12000 call records." in checked.content.decode()
    assert HistoricCall.objects.count() == 0  # the dry run wrote nothing
    assert len(list(history_page.pending_dir().glob("*.csv"))) == 1  # on disk, not the session

    confirmed = client.post(reverse("imports:history_confirm"), follow=True)
    assert "The worker is importing the file" in confirmed.content.decode()
    assert HistoricCall.objects.count() == 0  # the worker's job, not the request's
    _worker_runs_the_import()
    done = client.get(confirmed.redirect_chain[-1][0])
    assert "12000 calls added, 0 already there" in done.content.decode()
    assert HistoricCall.objects.filter(queue__code="repairs").count() == 12_000
    assert Event.objects.filter(entity="imports.file", actor_id=centre["admin"].pk).exists()
    assert list(history_page.pending_dir().glob("*.csv")) == []  # deleted once imported

    again = client.post(reverse("imports:history_confirm"), follow=True)
    assert "no checked file" in again.content.decode()


def test_bad_records_are_summarised_and_nothing_is_written(client, centre, clock):
    client.force_login(centre["admin"])
    lines = list(asterisk_lines(calls(HISTORY_START, 1, per_weekday=60)))  # 300 records
    for n in range(MAX_ERRORS + 10):  # more bad records than the page lists
        lines[n] = lines[n].replace('"repairs"', '"nowhere"', 1)
    checked = _check(client, "".join(lines).encode())
    page = checked.content.decode()
    assert checked.status_code == 400
    assert f"{MAX_ERRORS + 10} bad records of 300" in page
    assert "<td>1</td><td>queue</td>" in page
    assert "and 10 more bad records" in page
    assert list(history_page.pending_dir().glob("*.csv")) == []
    confirmed = client.post(reverse("imports:history_confirm"), follow=True)
    assert "no checked file" in confirmed.content.decode()
    assert HistoricCall.objects.count() == 0


def test_a_file_over_the_limit_or_a_bad_choice_is_refused_before_reading(
    client, centre, clock, monkeypatch
):
    client.force_login(centre["admin"])
    monkeypatch.setattr(history_page, "MAX_HISTORY_BYTES", 1024 * 1024)
    refused = _check(client, _master_csv(weeks=6, per_weekday=300))  # about 4 MB
    assert refused.status_code == 400
    assert "larger than 1 MB" in refused.content.decode()
    refused = _check(client, b"x", source="avaya", time_zone="Mars/Olympus")
    assert refused.status_code == 400
    assert refused.content.decode().count("Select a valid choice") == 2
    assert HistoricCall.objects.count() == 0
    assert not history_page.pending_dir().exists()


def test_an_unknown_import_is_not_found(client, centre) -> None:
    client.force_login(centre["admin"])
    url = reverse("imports:history_result", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("username", ["lead", "manager", "agent8"])
def test_only_an_admin_imports_call_history(client, centre, clock, username):
    client.force_login(centre[username])
    refused = _check(client, _master_csv(weeks=1, per_weekday=2))
    assert refused.status_code == 403
    assert client.post(reverse("imports:history_confirm")).status_code == 403
    result = reverse("imports:history_result", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(result).status_code == 403
    assert HistoricCall.objects.count() == 0
