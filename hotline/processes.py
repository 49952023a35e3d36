"""Child processes that die with their parent (`hotline demo` starts `hotline worker`).

On Linux the child asks the kernel for SIGTERM when its parent dies (prctl PR_SET_PDEATHSIG),
so neither `kill` nor `kill -9` of the parent leaves it running under init, and the worker's
TERM handler stops it cleanly. Elsewhere the parent's own shutdown terminates it.
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> Callable[[], None] | None:
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: the child only calls it
    parent = os.getpid()

    def in_child() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)

    return in_child


def start_child(command: Sequence[str], **popen: Any) -> subprocess.Popen[bytes]:
    """Start a process that is sent SIGTERM when this one dies, however it dies."""
    return subprocess.Popen(list(command), preexec_fn=_die_with_parent(), **popen)


def stop_child(child: subprocess.Popen[bytes], grace: float = 10) -> None:
    """TERM, then KILL if it has not stopped within `grace` seconds. A child started in a
    session of its own (`start_new_session=True`: a program that forks workers, as Kamailio
    does) is stopped with its whole group, so no worker outlives a main process killed."""
    group = child.pid if _leads_its_group(child) else None
    child.terminate()
    try:
        child.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    if group is not None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)


def _leads_its_group(child: subprocess.Popen[bytes]) -> bool:
    try:
        return os.getpgid(child.pid) == child.pid
    except ProcessLookupError:
        return False
