"""Call history from the exchange's records, into the history the forecast reads
(workforce.HistoricCall, read by workforce.planning.call_arrivals).

Formats, as the exchanges write them (no header row in the CDR files):
- `asterisk`: cdr_csv's Master.csv: accountcode, src, dst, dcontext, clid, channel, dstchannel,
  lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags, then uniqueid
  and userfield when cdr_csv.conf logs them; times "YYYY-MM-DD HH:MM:SS" in the exchange's time
  zone (cdr_csv's default; `usegmtime=yes` writes UTC: pass zone UTC).
- `freeswitch`: mod_cdr_csv's "default" template: caller_id_name, caller_id_number,
  destination_number, context, start_stamp, answer_stamp, end_stamp, duration, billsec,
  hangup_cause, uuid, bleg_uuid, accountcode, read_codec, write_codec.
- `plain`: a header row `arrival,queue,outcome,wait,talk`: arrival ISO 8601 (local to the site
  when it has no offset), the queue's code, `answered` or `abandoned`, wait and talk in seconds.

A record's queue is the queue whose code is its destination (dst / destination_number, else the
context), else the default queue given. The file is read as a stream and written a batch at a
time in one transaction, rolled back when any record is bad (every bad one is still reported):
all or nothing in the memory of one batch. A record already imported (same exchange id, else the
same record) is counted unchanged."""

import csv
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from hotline.audit.services import event_append
from hotline.calls.models import Queue
from hotline.imports.events import ImportsAction, ImportsEntity
from hotline.imports.registry import RowError
from hotline.workforce.models import HistoricCall

Source = Literal["asterisk", "freeswitch", "plain"]
SOURCES: tuple[Source, ...] = ("asterisk", "freeswitch", "plain")
BATCH = 5000
MAX_ERRORS = 200  # reported; the rest are counted
ASTERISK_FIELDS = [
    "accountcode",
    "src",
    "dst",
    "dcontext",
    "clid",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "start",
    "answer",
    "end",
    "duration",
    "billsec",
    "disposition",
    "amaflags",
    "uniqueid",
    "userfield",
]
FREESWITCH_FIELDS = [
    "caller_id_name",
    "caller_id_number",
    "destination_number",
    "context",
    "start_stamp",
    "answer_stamp",
    "end_stamp",
    "duration",
    "billsec",
    "hangup_cause",
    "uuid",
    "bleg_uuid",
    "accountcode",
    "read_codec",
    "write_codec",
]
PLAIN_FIELDS = ("arrival", "queue", "outcome", "wait", "talk")


class BadRecord(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


@dataclass
class HistoryOutcome:
    source: str
    dry_run: bool
    records: int = 0
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    more_errors: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class _Record:
    queue_keys: tuple[str, ...]
    arrived_at: datetime
    answered: bool
    wait: int
    talk: int
    record_id: str


def _stamp(text: str, column: str, zone: ZoneInfo) -> datetime:
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadRecord(column, _("“%(value)s” is not a time") % {"value": text[:40]}) from None
    return at if at.tzinfo else at.replace(tzinfo=zone)


def _seconds(text: str, column: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 86_400:
        raise BadRecord(column, _("“%(value)s” is not a number of seconds") % {"value": text[:40]})
    return value


def _digest(row: list[str]) -> str:
    return hashlib.sha256("\x1f".join(row).encode()).hexdigest()


def _asterisk(row: list[str], zone: ZoneInfo) -> _Record:
    if len(row) < 16:
        raise BadRecord("", _("%(count)d fields, Master.csv has 16 or more") % {"count": len(row)})
    cells = dict(zip(ASTERISK_FIELDS, row, strict=False))
    start = _stamp(cells["start"], "start", zone)
    answered = cells["disposition"] == "ANSWERED" and bool(cells["answer"].strip())
    duration = _seconds(cells["duration"], "duration")
    talk = _seconds(cells["billsec"], "billsec") if answered else 0
    wait = _wait(start, cells["answer"], "answer", zone) if answered else duration
    unique = cells.get("uniqueid", "").strip()
    return _Record(
        (cells["dst"], cells["dcontext"]), start, answered, wait, talk, unique or _digest(row)
    )


def _freeswitch(row: list[str], zone: ZoneInfo) -> _Record:
    if len(row) < 11:
        raise BadRecord("", _("%(count)d fields, the template has 15") % {"count": len(row)})
    cells = dict(zip(FREESWITCH_FIELDS, row, strict=False))
    start = _stamp(cells["start_stamp"], "start_stamp", zone)
    answered = bool(cells["answer_stamp"].strip())
    duration = _seconds(cells["duration"], "duration")
    talk = _seconds(cells["billsec"], "billsec") if answered else 0
    wait = _wait(start, cells["answer_stamp"], "answer_stamp", zone) if answered else duration
    return _Record(
        (cells["destination_number"], cells["context"]),
        start,
        answered,
        wait,
        talk,
        cells["uuid"].strip() or _digest(row),
    )


def _plain(row: list[str], zone: ZoneInfo) -> _Record:
    cells = dict(zip(PLAIN_FIELDS, row, strict=False))
    outcome = cells.get("outcome", "").strip().lower()
    if outcome not in ("answered", "abandoned"):
        raise BadRecord(
            "outcome", _("“%(value)s” is not answered or abandoned") % {"value": outcome[:40]}
        )
    return _Record(
        (cells.get("queue", "").strip(),),
        _stamp(cells.get("arrival", ""), "arrival", zone),
        outcome == "answered",
        _seconds(cells.get("wait", ""), "wait"),
        _seconds(cells.get("talk", ""), "talk"),
        _digest(row),
    )


def _wait(start: datetime, answer: str, column: str, zone: ZoneInfo) -> int:
    seconds = (_stamp(answer, column, zone) - start) / timedelta(seconds=1)
    if seconds < 0:
        raise BadRecord(column, _("answered before it started"))
    return int(seconds)


PARSERS: dict[Source, Callable[[list[str], ZoneInfo], _Record]] = {
    "asterisk": _asterisk,
    "freeswitch": _freeswitch,
    "plain": _plain,
}


def import_history(
    lines: Iterable[str],
    source: Source,
    *,
    zone: ZoneInfo,
    actor: Any,
    now: datetime,
    default_queue: Queue | None = None,
    dry_run: bool = False,
) -> HistoryOutcome:
    """Every record checked (row numbers as the file counts its lines), then all written or none."""
    outcome = HistoryOutcome(source, dry_run)
    queues = {queue.code: queue.pk for queue in Queue.objects.all()}
    parse = PARSERS[source]
    rows: Iterator[list[str]] = csv.reader(lines)
    first = 1
    if source == "plain":
        header = [name.strip().lower() for name in next(rows, [])]
        if tuple(header[: len(PLAIN_FIELDS)]) != PLAIN_FIELDS:
            outcome.errors.append(
                RowError(
                    1, "", _("the header must be: %(names)s") % {"names": ",".join(PLAIN_FIELDS)}
                )
            )
            return outcome
        first = 2
    try:
        with transaction.atomic():
            before = HistoricCall.objects.filter(source=source).count()
            _stream(rows, first, outcome, queues, default_queue, parse, zone, write=not dry_run)
            if outcome.errors or dry_run:
                raise _RollBack
            outcome.created = HistoricCall.objects.filter(source=source).count() - before
            event_append(
                actor=actor,
                now=now,
                entity=ImportsEntity.FILE,
                entity_id=f"calls-{source}",
                action=ImportsAction.IMPORTED,
                new={"kind": f"calls-{source}", "created": outcome.created},
            )
    except _RollBack:
        return outcome
    outcome.unchanged = outcome.records - outcome.created
    return outcome


class _RollBack(Exception):
    pass


def _stream(
    rows: Iterator[list[str]],
    first: int,
    outcome: HistoryOutcome,
    queues: dict[str, int],
    default_queue: Queue | None,
    parse: Callable[[list[str], ZoneInfo], _Record],
    zone: ZoneInfo,
    *,
    write: bool,
) -> None:
    """Reads the records as they come, writing them a batch at a time while none was bad (the
    caller's transaction is rolled back after a bad one): memory stays one batch."""
    batch: list[HistoricCall] = []
    for number, row in enumerate(rows, start=first):
        if not any(cell.strip() for cell in row):
            continue
        outcome.records += 1
        try:
            record = parse(row, zone)
            queue_id = next((queues[k] for k in record.queue_keys if k in queues), None)
            if queue_id is None:
                if default_queue is None:
                    raise BadRecord(
                        "queue", _("no queue “%(value)s”") % {"value": record.queue_keys[0][:40]}
                    )
                queue_id = default_queue.pk
        except BadRecord as error:
            if len(outcome.errors) < MAX_ERRORS:
                outcome.errors.append(RowError(number, error.column, str(error)))
            else:
                outcome.more_errors += 1
            continue
        if not write or outcome.errors:
            continue  # checking only: nothing of this file will stay
        batch.append(
            HistoricCall(
                queue_id=queue_id,
                arrived_at=record.arrived_at,
                answered=record.answered,
                wait_seconds=record.wait,
                talk_seconds=record.talk,
                source=outcome.source,
                record_id=record.record_id,
            )
        )
        if len(batch) == BATCH:
            HistoricCall.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch and not outcome.errors:
        HistoricCall.objects.bulk_create(batch, ignore_conflicts=True)
