import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from hotline import clock
from hotline.calls.services.tick import floor_tick


class Command(BaseCommand):
    help = "Run background work: the floor's timers every second, and queued tasks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between ticks.")
        parser.add_argument("--once", action="store_true", help="One tick and one task batch.")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Also drive simulated callers and bot agents (demo only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tasks_command = [
            sys.executable,
            "-m",
            "hotline.cli",
            "db_worker",
            "--interval",
            str(options["interval"]),
        ]
        if options["once"]:
            floor_tick(clock.now())
            subprocess.run([*tasks_command, "--batch"], check=True)
            return
        tasks = subprocess.Popen(tasks_command)
        demo = self._demo_floor() if options["demo"] else None
        try:
            while True:
                now = clock.now()
                if demo is not None:
                    demo.step(now)
                floor_tick(now)
                close_old_connections()
                time.sleep(options["interval"])
        except KeyboardInterrupt:
            pass
        finally:
            tasks.terminate()
            tasks.wait(timeout=10)

    def _demo_floor(self) -> Any:
        from hotline.demo_floor import DemoFloor

        return DemoFloor(seed=None)
