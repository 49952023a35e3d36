import os
import socket
import subprocess
import sys
import time
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from hotline import clock
from hotline.calls.services.tick import floor_tick
from hotline.deadlines.services import deadlines_fire_due
from hotline.dispatch.services import dispatch_tick
from hotline.followup.services import followup_tick
from hotline.security import development_key_refusal


class Command(BaseCommand):
    help = (
        "Run background work: the floor's timers and missed deadlines every second, the daily "
        "clearing, and queued tasks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between ticks.")
        parser.add_argument("--once", action="store_true", help="One tick and one task batch.")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Also drive simulated callers and bot agents (demo only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if refusal := development_key_refusal():
            raise CommandError(refusal)
        tasks_command = [
            sys.executable,
            "-m",
            "hotline.cli",
            "db_worker",
            "--interval",
            str(options["interval"]),
        ]
        if options["once"]:
            self._tick(clock.now())
            subprocess.run([*tasks_command, "--batch"], check=True)
            return
        tasks = subprocess.Popen(tasks_command)
        demo = self._demo_floor() if options["demo"] else None
        try:
            while True:
                now = clock.now()
                if demo is not None:
                    demo.step(now)
                self._tick(now)
                close_old_connections()
                time.sleep(options["interval"])
        except KeyboardInterrupt:
            pass
        finally:
            tasks.terminate()
            tasks.wait(timeout=10)

    def _tick(self, now: datetime) -> None:
        floor_tick(now)
        deadlines_fire_due(now=now, worker=self.worker_name)
        dispatch_tick(now=now)  # D7: clearing at close, leftovers at opening
        followup_tick(now=now)  # D12: a follow-up decision for every completed order

    @property
    def worker_name(self) -> str:
        """Who holds a claimed deadline: unique across machines and processes."""
        return f"{socket.gethostname()}:{os.getpid()}"

    def _demo_floor(self) -> Any:
        from hotline.demo_floor import DemoFloor

        return DemoFloor(seed=None)
