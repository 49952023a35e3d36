"""Call history from the exchange's records, into the history the forecast reads (issue 20)."""

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.management import call_command

from hotline.accounts.models import Team
from hotline.calls.models import Queue
from hotline.imports.history import import_history
from hotline.imports.tests.cdr_files import asterisk_lines, calls, freeswitch_lines
from hotline.workforce.models import HistoricCall
from hotline.workforce.planning import team_forecast

SOFIA = ZoneInfo("Europe/Sofia")
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
FIRST_MONDAY = date(2026, 11, 30)
HISTORY_START = FIRST_MONDAY - timedelta(weeks=12)


def test_twelve_weeks_of_asterisk_cdrs_import_in_under_30_s_and_feed_the_forecast(
    centre, tmp_path
) -> None:
    path = tmp_path / "Master.csv"
    with path.open("w") as out:
        out.writelines(asterisk_lines(calls(HISTORY_START, 12, per_weekday=1700)))
    started = time.perf_counter()
    with path.open(newline="") as lines:
        outcome = import_history(lines, "asterisk", zone=SOFIA, actor=None, now=NOW)
    seconds = time.perf_counter() - started
    print(f"\n{outcome.records} Asterisk CDRs imported in {seconds:.1f} s")
    assert outcome.ok, outcome.errors[:3]
    assert outcome.records == outcome.created == 12 * 5 * 1700
    assert outcome.records >= 100_000
    assert seconds < 30
    assert HistoricCall.objects.filter(answered=False).count() > 0

    plan = team_forecast(Team.objects.get(name="Repairs"), FIRST_MONDAY, weeks=1)
    per_week = plan.forecast.calls.sum()
    assert 0.9 * 5 * 1700 < per_week < 1.1 * 5 * 1700
    assert 0 < plan.forecast.holdout_wape < 0.5
    assert max(plan.staffing[0].scheduled) > 0


def test_a_cdr_file_imported_again_adds_nothing(centre, tmp_path) -> None:
    records = list(calls(HISTORY_START, 1, per_weekday=20))
    first = import_history(asterisk_lines(records), "asterisk", zone=SOFIA, actor=None, now=NOW)
    again = import_history(asterisk_lines(records), "asterisk", zone=SOFIA, actor=None, now=NOW)
    assert (first.created, again.created, again.unchanged) == (100, 0, 100)
    assert HistoricCall.objects.count() == 100


def test_asterisk_times_are_the_exchanges_local_time_and_waits_come_from_answer(centre) -> None:
    records = list(calls(HISTORY_START, 1, per_weekday=5))
    import_history(asterisk_lines(records), "asterisk", zone=SOFIA, actor=None, now=NOW)
    start, answer, _end, talk = next(r for r in records if r[1] is not None)
    call = HistoricCall.objects.get(arrived_at=start.replace(tzinfo=SOFIA))
    assert call.answered
    assert answer is not None
    assert call.wait_seconds == int((answer - start).total_seconds())
    assert call.talk_seconds == talk
    assert call.queue == Queue.objects.get(code="repairs")  # dst names the queue


def test_freeswitch_default_template_imports(centre) -> None:
    records = list(calls(HISTORY_START, 1, per_weekday=10))
    outcome = import_history(
        freeswitch_lines(records, dst="installations"),
        "freeswitch",
        zone=SOFIA,
        actor=None,
        now=NOW,
    )
    assert outcome.ok, outcome.errors
    assert (
        HistoricCall.objects.filter(queue__code="installations", source="freeswitch").count() == 50
    )
    assert HistoricCall.objects.filter(answered=False).count() == sum(r[1] is None for r in records)


def test_plain_csv_imports_by_queue_code(centre) -> None:
    lines = [
        "arrival,queue,outcome,wait,talk\n",
        "2026-10-05T09:00:00,repairs,answered,12,240\n",
        "2026-10-05T09:01:00+00:00,installations,abandoned,75,0\n",
    ]
    outcome = import_history(lines, "plain", zone=SOFIA, actor=None, now=NOW)
    assert outcome.created == 2
    abandoned = HistoricCall.objects.get(answered=False)
    assert abandoned.queue.code == "installations"
    assert abandoned.wait_seconds == 75


def test_bad_cdr_rows_change_nothing_and_are_named_by_row_and_column(centre) -> None:
    lines = list(asterisk_lines(calls(HISTORY_START, 1, per_weekday=2)))
    lines[3] = lines[3].replace('"repairs"', '"nowhere"', 1)
    lines.insert(
        6,
        '"","1","repairs","ctx","x","c","d","Queue","q","yesterday","","",1,0,'
        '"NO ANSWER","DOCUMENTATION"\n',
    )
    outcome = import_history(lines, "asterisk", zone=SOFIA, actor=None, now=NOW)
    assert [(e.row, e.column) for e in outcome.errors] == [(4, "queue"), (7, "start")]
    assert HistoricCall.objects.count() == 0


def test_plain_csv_with_bad_cells_changes_nothing(centre) -> None:
    lines = [
        "arrival,queue,outcome,wait,talk\n",
        "2026-10-05T09:00:00,repairs,answered,12,240\n",
        "2026-10-05T09:01:00,repairs,hung up,-5,0\n",
    ]
    outcome = import_history(lines, "plain", zone=SOFIA, actor=None, now=NOW)
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "outcome")]
    assert HistoricCall.objects.count() == 0


def test_command_imports_cdrs_with_a_default_queue(centre, tmp_path, capsys) -> None:
    path = tmp_path / "Master.csv"
    path.write_text("".join(asterisk_lines(calls(HISTORY_START, 1, per_weekday=4), dst="600")))
    call_command("import", "calls-asterisk", str(path), "--queue", "installations", "--dry-run")
    assert HistoricCall.objects.count() == 0
    call_command("import", "calls-asterisk", str(path), "--queue", "installations")
    assert HistoricCall.objects.filter(queue__code="installations").count() == 20
    assert "20 calls added" in capsys.readouterr().out


def test_history_counts_only_before_the_floors_first_call(centre) -> None:
    """The exchange's records and the floor's own calls overlap once Hotline answers: from the
    team's first floor call on, only the floor's count (no call twice in the forecast)."""
    from hotline.calls.models import Call
    from hotline.workforce.planning import call_arrivals

    import_history(
        asterisk_lines(calls(HISTORY_START, 2, per_weekday=10)),
        "asterisk",
        zone=SOFIA,
        actor=None,
        now=NOW,
    )
    team = Team.objects.get(name="Repairs")
    since = datetime.combine(HISTORY_START, datetime.min.time(), SOFIA)
    until = since + timedelta(weeks=2)
    assert len(call_arrivals(team, since, until)) == 100
    first_floor_call = since + timedelta(weeks=1)
    Call.objects.create(
        queue=Queue.objects.get(code="repairs"), arrived_at=first_floor_call, state="ended"
    )
    assert len(call_arrivals(team, since, until)) == 50  # the first week's history only
