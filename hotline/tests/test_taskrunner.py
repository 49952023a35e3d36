"""Task results left "running" by a task runner that died (kill -9) are failed; others not."""

import subprocess
import sys
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from hotline import taskrunner
from hotline.notices.tasks import notice_send

pytestmark = pytest.mark.django_db


def running_for(worker_id: str) -> DBTaskResult[Any, Any]:
    result = DBTaskResult.objects.get(id=notice_send.enqueue(1).id)
    result.claim(worker_id)
    return result


def dead_pid() -> int:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    return gone.pid


def test_results_of_a_dead_runner_of_this_machine_are_failed_and_no_others():
    host = taskrunner._host()
    dead = running_for(f"{host}{dead_pid()}:abcdef:notices_email")
    mine = running_for(taskrunner.runner_id("default"))
    # This pid, an earlier process's token: a restarted container's pid 1.
    earlier = running_for(f"{taskrunner.runner_id('x').rsplit(':', 2)[0]}:zzzzzz:default")
    elsewhere = running_for("other-machine:1:abcdef:default")
    plain = running_for("a-random-db-worker-id")
    assert taskrunner.task_results_fail_dead() == 2
    states = {r.pk: DBTaskResult.objects.get(pk=r.pk).status for r in (dead, mine, earlier)}
    assert states == {dead.pk: "FAILED", mine.pk: "RUNNING", earlier.pk: "FAILED"}
    for untouched in (elsewhere, plain):
        assert DBTaskResult.objects.get(pk=untouched.pk).status == "RUNNING"
    assert "died" in DBTaskResult.objects.get(pk=dead.pk).traceback
