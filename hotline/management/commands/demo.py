import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from hotline import clock
from hotline.demo import DEMO_PASSWORD, seed_demo_cases, seed_demo_centre, seed_demo_reviews


class Command(BaseCommand):
    help = "Set up the demo centre on the configured database and serve it with a worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Seed only, then stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        logins = seed_demo_centre()
        seed_demo_cases(clock.now())  # not in seed_demo_centre: tests start with no cases
        seed_demo_reviews(clock.now())
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"Hotline demo centre is ready at {url}"))
        self.stdout.write(f"Every demo user's password is: {DEMO_PASSWORD}")
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.role:<22} {login.who}")
        self.stdout.write("  (also agent3-agent8, provider2, provider3; Ctrl+C stops the demo)")
        self.stdout.write("Simulated callers ring the queues; bots agent3-agent8 answer them.")
        self.stdout.write("Sign in as agent1 to take calls at the desk, as lead for the wallboard.")
        self.stdout.write("As dispatcher for the dispatch board, as provider1 for the work orders.")
        self.stdout.write("As lead to review calls (Call reviews), as agent1 to read them.")
        if options["no_serve"]:
            return
        worker = subprocess.Popen([sys.executable, "-m", "hotline.cli", "worker", "--demo"])
        try:
            call_command("serve", host=options["host"], port=options["port"], no_migrate=True)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
