"""The SIP side of bench/voice.py: SIPp runs (phones, registrations, callers), the bare
Kamailio that only forwards, and the figures read from SIPp's files and from /proc."""

import csv
import os
import re
import statistics
import subprocess
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hotline.processes import start_child

SCENARIOS = Path(__file__).parent / "sipp"
TICKS = os.sysconf("SC_CLK_TCK")
# SIPp's -trace_msg file: each message after a line of dashes and its date and time.
MESSAGE_HEAD = re.compile(r"^-{20,} (\d{4}-\d\d-\d\d)\s+(\d\d:\d\d:\d\d\.\d+)", re.M)
PHONE_TAG = "BenchPhone"  # the To-tag of the agents' phones' answers (phones.xml)


def scenario(name: str, folder: Path, **keys: str) -> Path:
    """A scenario of bench/sipp with its [keys] written in (SIPp reads attributes as given)."""
    text = (SCENARIOS / f"{name}.xml").read_text()
    for key, value in keys.items():
        text = text.replace(f"[{key}]", value)
    path = folder / f"{name}.xml"
    path.write_text(text)
    return path


def program(name: str) -> str:
    from hotline.voice.edge import program as edge_program  # needs Django set up

    return edge_program(name)


def kamailio_modules() -> str:
    from hotline.voice.edge import kamailio_modules as modules

    return modules()


def sipp_command(target: str | None, scenario_file: Path, port: int, media_port: int) -> list[str]:
    """SIPp on loopback; no target for the phones' UAS (it only answers)."""
    return [
        program("sipp"),
        *([target] if target else []),
        "-sf",
        str(scenario_file),
        "-i",
        "127.0.0.1",
        "-p",
        str(port),
        "-mi",
        "127.0.0.1",
        "-mp",
        str(media_port),
        "-nostdin",
        "-max_socket",
        "1024",
    ]


def phones(folder: Path, port: int, media_port: int, ring_ms: int) -> subprocess.Popen[bytes]:
    """One SIPp UAS answering every agent's phone (they all register this contact)."""
    command = [
        *sipp_command(None, scenario("phones", folder, ring_ms=str(ring_ms)), port, media_port),
        "-trace_err",
        "-error_file",
        str(folder / "phones.err"),
    ]
    out = (folder / "phones.out").open("wb")
    return start_child(command, stdout=out, stderr=subprocess.STDOUT)


def register(
    folder: Path, edge_port: int, port: int, contact_port: int, credentials: list[tuple[str, str]]
) -> None:
    """Register every agent's phone with the credential Hotline issued them (one call each)."""
    users = folder / "users.csv"
    # The third field is SIPp's [authentication] keyword whole: it is not parsed inside it.
    users.write_text(
        "SEQUENTIAL\n"
        + "".join(
            f"{name};{word};[authentication username={name} password={word}]\n"
            for name, word in credentials
        )
    )
    command = [
        *sipp_command(
            f"127.0.0.1:{edge_port}",
            scenario("register", folder, contact_port=str(contact_port)),
            port,
            port + 1,
        ),
        "-inf",
        str(users),
        "-m",
        str(len(credentials)),
        "-r",
        "50",
        "-l",
        "20",
        "-timeout",
        "60s",
        "-timeout_error",
        "-trace_err",
        "-error_file",
        str(folder / "register.err"),
    ]
    with (folder / "register.out").open("wb") as out:
        code = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, check=False).returncode
    if code != 0:
        errors = folder / "register.err"
        raise RuntimeError(
            f"registering the phones failed ({code}):\n"
            + (errors.read_text(errors="replace")[-3000:] if errors.exists() else "")
        )


def callers(
    folder: Path, edge_port: int, port: int, media_port: int, rate: float, calls: int, talk_ms: int
) -> subprocess.Popen[bytes]:
    """SIPp callers dialling the queue at `rate` new calls/s until `calls` were placed."""
    command = [
        *sipp_command(
            f"127.0.0.1:{edge_port}",
            scenario("callers", folder, talk_ms=str(talk_ms)),
            port,
            media_port,
        ),
        "-s",
        "repairs",
        "-r",
        str(rate),
        "-m",
        str(calls),
        "-l",
        "1000",
        "-timeout",
        "120s",
        "-recv_timeout",
        "30000",
        "-trace_msg",
        "-message_file",
        str(folder / "callers.msg"),
        "-trace_err",
        "-error_file",
        str(folder / "callers.err"),
        "-trace_stat",
        "-stf",
        str(folder / "callers.csv"),
        "-fd",
        "5",
    ]
    out = (folder / "callers.out").open("wb")
    return start_child(command, stdout=out, stderr=subprocess.STDOUT)


def caller_totals(folder: Path) -> dict[str, int]:
    """SIPp's own count of the callers' calls: the last (cumulative) line of its statistics."""
    with (folder / "callers.csv").open() as stats:
        rows = list(csv.reader(stats, delimiter=";"))
    header, last = rows[0], rows[-1]
    value = dict(zip(header, last, strict=False))
    return {
        "placed": int(value["TotalCallCreated"]),
        "successful": int(value["SuccessfulCall(C)"]),
        "failed": int(value["FailedCall(C)"]),
    }


def _stamp(day: str, time_of_day: str) -> float:
    return datetime.fromisoformat(f"{day} {time_of_day}").timestamp()


@dataclass
class CallerTrace:
    """What SIPp's message trace says of the callers' calls."""

    delays_ms: list[float]  # INVITE to the agent's phone's 180, per call that rang a phone
    queued: int  # calls that heard the edge's "Queued" 180 first (no agent was free)
    refusals: dict[str, int]  # final replies >= 300 to the INVITEs, by code


def caller_trace(folder: Path) -> CallerTrace:
    """Per call, ms from the caller's first INVITE to the first 180 from the agent's phone
    (its To-tag), and the edge's other answers, from SIPp's message trace."""
    text = (folder / "callers.msg").read_text(errors="replace")
    heads = list(MESSAGE_HEAD.finditer(text))
    invited: dict[str, float] = {}
    ringing: dict[str, float] = {}
    queued: set[str] = set()
    refusals: Counter[str] = Counter()
    for n, head in enumerate(heads):
        end = heads[n + 1].start() if n + 1 < len(heads) else len(text)
        body = text[head.end() : end]
        call_id = re.search(r"^Call-ID:\s*(\S+)", body, re.M | re.I)
        if call_id is None:
            continue
        at = _stamp(head.group(1), head.group(2))
        key = call_id.group(1)
        status = re.search(r"^SIP/2.0 (\d{3}) ", body, re.M)
        if status is None:
            if re.search(r"^INVITE ", body, re.M) and "message sent" in body[:200]:
                invited.setdefault(key, at)
        elif status.group(1) == "180":
            if PHONE_TAG in body:
                ringing.setdefault(key, at)
            elif key not in ringing:
                queued.add(key)
        elif status.group(1) >= "300" and re.search(r"^CSeq:\s*\d+ INVITE", body, re.M | re.I):
            refusals[status.group(1)] += 1
    return CallerTrace(
        delays_ms=[(ringing[key] - invited[key]) * 1000 for key in ringing if key in invited],
        queued=len(queued),
        refusals=dict(refusals),
    )


def percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p99": None, "max": None}
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 1),
        "p99": round(ordered[max(int(len(ordered) * 0.99) - 1, 0)], 1),
        "max": round(ordered[-1], 1),
    }


# --- CPU of process trees, from /proc ---------------------------------------------------------


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds of the process and of its reaped children)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    # fields[1] is the ppid; utime, stime, cutime, cstime are fields 14-17 of stat.
    return int(fields[1]), sum(int(value) for value in fields[11:15]) / TICKS


def tree_cpu(roots: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by each named process and all its descendants (those that
    ended and were reaped count through their parent's cutime/cstime)."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            stats[int(entry)] = stat
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in stats.items():
        children.setdefault(parent, []).append(pid)
    totals = {}
    for name, root in roots.items():
        total, todo = 0.0, [root]
        while todo:
            pid = todo.pop()
            if pid in stats:
                total += stats[pid][1]
                todo.extend(children.get(pid, []))
        totals[name] = total
    return totals


# --- the floor of the cost: a Kamailio that only forwards ------------------------------------


def bare_kamailio_cfg(sip_port: int, phones_port: int, children: int) -> str:
    """Stateful forwarding with Record-Route, every INVITE to the phones' SIPp: no registrar,
    no Hotline, no rtpengine."""
    return f"""#!KAMAILIO
debug=1
log_stderror=yes
children={children}
auto_aliases=no
dns=no
rev_dns=no
use_dns_cache=no
listen=udp:127.0.0.1:{sip_port}
mpath="{kamailio_modules()}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "sanity.so"
loadmodule "siputils.so"
loadmodule "textops.so"

request_route {{
	if (!mf_process_maxfwd_header("10")) {{
		sl_send_reply("483", "Too Many Hops");
		exit;
	}}
	if (!sanity_check()) {{
		exit;
	}}
	if (has_totag()) {{
		if (loose_route()) {{
			t_relay();
			exit;
		}}
		if (is_method("ACK") && t_check_trans()) {{
			t_relay();
		}}
		exit;
	}}
	if (is_method("CANCEL")) {{
		if (t_check_trans()) {{
			t_relay();
		}}
		exit;
	}}
	t_check_trans();
	if (is_method("INVITE")) {{
		record_route();
	}}
	$du = "sip:127.0.0.1:{phones_port}";
	t_relay();
}}
"""


def bare_kamailio(
    folder: Path, sip_port: int, phones_port: int, children: int
) -> subprocess.Popen[bytes]:
    cfg = folder / "bare-kamailio.cfg"
    cfg.write_text(bare_kamailio_cfg(sip_port, phones_port, children))
    command = [
        program("kamailio"),
        "-f",
        str(cfg),
        "-Y",
        str(folder),
        "-P",
        str(folder / "bare-kamailio.pid"),
        "-DD",
        "-E",
        "-m",
        "64",
        "-M",
        "8",
    ]
    out = (folder / "bare-kamailio.log").open("wb")
    return start_child(command, stdout=out, stderr=subprocess.STDOUT)
