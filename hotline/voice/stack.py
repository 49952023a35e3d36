"""Start and stop the SIP edge's programs (rtpengine, then Kamailio) for an edge's config:
`hotline voice run` and the tests' fixture use it."""

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from hotline.processes import start_child, stop_child
from hotline.voice.dtmf import listening
from hotline.voice.edge import (
    ANY_FREE_PORT,
    VoiceEdge,
    kamailio_cfg,
    kamailio_command,
    rtpengine_command,
    tls_cfg,
)
from hotline.voice.ng import NgError, ng_calls, ng_command


class EdgeDidNotStart(RuntimeError):
    pass


@dataclass
class RunningEdge:
    edge: VoiceEdge
    kamailio: subprocess.Popen[bytes]
    rtpengine: subprocess.Popen[bytes]
    kamailio_log: Path
    rtpengine_log: Path

    def stop_kamailio(self) -> None:
        """Kamailio stops (TERM); rtpengine goes on relaying the calls it has."""
        stop_child(self.kamailio, 5)

    def start_kamailio(self) -> None:
        """Kamailio again with the same config, its log appended to. It keeps no dialog state
        (record-routed dialogs go on) and registrations live in memory (usrloc db_mode 0):
        every phone must REGISTER again."""
        with self.kamailio_log.open("ab") as out:
            self.kamailio = start_child(
                kamailio_command(self.edge, self.edge.run_dir / "kamailio.cfg"),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its workers are stopped with it (stop_child)
            )
        _wait(
            "kamailio", lambda: _udp_answers(self.edge.sip_port), self.kamailio, self.kamailio_log
        )

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-6000:]}"
            for path in (self.kamailio_log, self.rtpengine_log)
            if path.exists()
        )


def stop_rtpengine(child: subprocess.Popen[bytes], port: int) -> None:
    """rtpengine stops (TERM) once it has no call left: each open one is deleted first, which
    closes its recording. rtpengine 10.5 dumps core when stopped with a recorded call open."""
    if child.poll() is None:
        with contextlib.suppress(NgError):  # not answering: nothing to close it could do
            for call_id in ng_calls(port):
                with contextlib.suppress(NgError):  # gone meanwhile (its BYE came)
                    ng_command(port, "delete", call_id=call_id)
    stop_child(child, 5)


def _udp_answers(port: int) -> bool:
    """Something is bound to this UDP port on loopback (binding it ourselves fails)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _wait(what: str, ready: Callable[[], bool], child: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise EdgeDidNotStart(f"{what} exited ({child.returncode}):\n{log.read_text()[-4000:]}")
        if ready():
            return
        time.sleep(0.05)
    raise EdgeDidNotStart(f"{what} did not start in 10 s:\n{log.read_text()[-4000:]}")


@contextlib.contextmanager
def running_edge(edge: VoiceEdge, *, token: str, now: datetime) -> Iterator[RunningEdge]:
    """rtpengine and Kamailio running with the edge's config until the block ends."""
    edge.run_dir.mkdir(parents=True, exist_ok=True)
    if edge.recording_spool is not None:
        edge.recording_spool.mkdir(parents=True, exist_ok=True)
    cfg = edge.run_dir / "kamailio.cfg"
    cfg.write_text(kamailio_cfg(edge, token=token, generated_at=now))
    os.chmod(cfg, 0o600)
    if edge.tls:
        (edge.run_dir / "tls.cfg").write_text(tls_cfg(edge))
    rtpengine_log, kamailio_log = edge.run_dir / "rtpengine.log", edge.run_dir / "kamailio.log"
    with contextlib.ExitStack() as stack:
        if edge.dtmf_port:
            # Bound first: Kamailio's and rtpengine's own sockets take ephemeral UDP ports,
            # and one could be the port chosen for the keys.
            port = 0 if edge.dtmf_port == ANY_FREE_PORT else edge.dtmf_port
            relay = stack.enter_context(listening(port=port, api_url=edge.api_url, token=token))
            edge = replace(edge, dtmf_port=relay.sock.getsockname()[1])
        rtp_out = stack.enter_context(rtpengine_log.open("wb"))
        rtpengine = start_child(
            rtpengine_command(edge),
            stdout=rtp_out,
            stderr=subprocess.STDOUT,
            # Its own session: a Ctrl-C at `hotline voice run` does not reach it, so its open
            # calls are deleted before it stops (stop_rtpengine).
            start_new_session=True,
        )
        stack.callback(stop_rtpengine, rtpengine, edge.rtpengine_port)
        # Kamailio pings rtpengine when it starts: rtpengine listens first.
        _wait("rtpengine", lambda: _udp_answers(edge.rtpengine_port), rtpengine, rtpengine_log)
        kam_out = stack.enter_context(kamailio_log.open("wb"))
        kamailio = start_child(
            kamailio_command(edge, cfg),
            stdout=kam_out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its workers are stopped with it (stop_child)
        )
        running = RunningEdge(edge, kamailio, rtpengine, kamailio_log, rtpengine_log)
        # The Kamailio running at the end (a test may have restarted it).
        stack.callback(lambda: stop_child(running.kamailio, 5))
        _wait("kamailio", lambda: _udp_answers(edge.sip_port), kamailio, kamailio_log)
        yield running
