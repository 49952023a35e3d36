"""Call records written as the exchanges write them (their documented field orders), for tests
and the bench: Asterisk cdr_csv's Master.csv and FreeSWITCH mod_cdr_csv's default template."""

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta


def _q(text: str) -> str:
    """cdr_csv quotes every text field, doubling quotes inside."""
    return '"' + text.replace('"', '""') + '"'


Record = tuple[datetime, datetime | None, datetime, int]  # start, answer, end, talk seconds


def calls(first_monday: date, weeks: int, per_weekday: int, seed: int = 20) -> Iterator[Record]:
    """(start, answer or None, end, talk) for weekday calls between 9:00 and 18:00, more in the
    morning, each answered after 0-90 s or abandoned (1 in 10)."""
    rng = random.Random(seed)
    for day in range(weeks * 7):
        today = first_monday + timedelta(days=day)
        if today.weekday() >= 5:
            continue
        for _ in range(per_weekday):
            hour = 9 + min(8, int(rng.triangular(0, 9, 2)))
            start = datetime.combine(today, datetime.min.time()) + timedelta(
                hours=hour, seconds=rng.randrange(3600)
            )
            wait = rng.randrange(0, 90)
            if rng.random() < 0.1:
                yield start, None, start + timedelta(seconds=wait), 0
            else:
                talk = rng.randrange(30, 600)
                answer = start + timedelta(seconds=wait)
                yield start, answer, answer + timedelta(seconds=talk), talk


def _stamp(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S") if at else ""


def asterisk_lines(records, dst: str = "repairs") -> Iterator[str]:  # type: ignore[no-untyped-def]
    for n, (start, answer, end, talk) in enumerate(records):
        duration = int((end - start).total_seconds())
        fields = [
            _q(""),
            _q(f"08890{n % 100000:05d}"),
            _q(dst),
            _q("from-pstn"),
            _q(f'"Caller {n}" <08890{n % 100000:05d}>'),
            _q(f"PJSIP/trunk-{n:08x}"),
            _q(f"PJSIP/agent{n % 8}-{n:08x}" if answer else ""),
            _q("Queue"),
            _q(f"{dst},t,,,300"),
            _q(_stamp(start)),
            _q(_stamp(answer)),
            _q(_stamp(end)),
            str(duration),
            str(talk),
            _q("ANSWERED" if answer else "NO ANSWER"),
            _q("DOCUMENTATION"),
            _q(f"{1_700_000_000 + n}.{n}"),
            _q(""),
        ]
        yield ",".join(fields) + "\n"


def freeswitch_lines(records, dst: str = "repairs") -> Iterator[str]:  # type: ignore[no-untyped-def]
    for n, (start, answer, end, talk) in enumerate(records):
        duration = int((end - start).total_seconds())
        fields = [
            f"Caller {n}",
            f"08890{n:05d}",
            dst,
            "default",
            _stamp(start),
            _stamp(answer),
            _stamp(end),
            str(duration),
            str(talk),
            "NORMAL_CLEARING" if answer else "ORIGINATOR_CANCEL",
            f"a8b1c2d3-0000-4000-8000-{n:012d}",
            "",
            "",
            "PCMA",
            "PCMA",
        ]
        yield ",".join(f'"{field}"' for field in fields) + "\n"
