import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from hotline import clock
from hotline.demo import DEMO_PASSWORD, seed_demo_cases, seed_demo_centre, seed_demo_reviews
from hotline.processes import start_child, stop_child
from hotline.security import DEMO_ENVIRONMENT_FLAG


def demo_email_outbox() -> str:
    """Without an SMTP server of its own, the demo writes its e-mails to var/outbox/, so that the
    notices it sends show as sent and can be read; for this process and the worker it starts."""
    if "HOTLINE_SMTP_HOST" in os.environ or settings.HOTLINE_EMAIL_OUTBOX:
        return settings.HOTLINE_EMAIL_OUTBOX
    outbox = os.environ["HOTLINE_EMAIL_OUTBOX"] = str(settings.VAR_DIR / "outbox")
    settings.HOTLINE_EMAIL_OUTBOX, settings.EMAIL_FILE_PATH = outbox, outbox
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    return outbox


def demo_public_url(url: str) -> None:
    """Links in the demo's notices point at the demo itself, unless an address is configured."""
    if "HOTLINE_PUBLIC_URL" not in os.environ:
        os.environ["HOTLINE_PUBLIC_URL"] = settings.HOTLINE_PUBLIC_URL = url.rstrip("/")


class Command(BaseCommand):
    help = "Set up the demo centre on the configured database and serve it with a worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Seed only, then stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo may serve on the development key; so may the worker it starts (inherited).
        os.environ[DEMO_ENVIRONMENT_FLAG] = "1"
        url = f"http://{options['host']}:{options['port']}/"
        serving = not options["no_serve"]
        if serving:  # before seeding: the seeds send notices too
            demo_public_url(url)
        outbox = demo_email_outbox() if serving else ""
        call_command("migrate", interactive=False, verbosity=0)
        logins = seed_demo_centre()
        seed_demo_cases(clock.now())  # not in seed_demo_centre: tests start with no cases
        seed_demo_reviews(clock.now())
        self.stdout.write(self.style.SUCCESS(f"Hotline demo centre is ready at {url}"))
        self.stdout.write(f"Every demo user's password is: {DEMO_PASSWORD}")
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.role:<22} {login.who}")
        self.stdout.write("  (also agent3-agent8, provider2, provider3; Ctrl+C stops the demo)")
        self.stdout.write("Simulated callers ring the queues; bots agent3-agent8 answer them.")
        self.stdout.write("Sign in as agent1 to take calls at the desk, as lead for the wallboard.")
        self.stdout.write("As dispatcher for the dispatch board, as provider1 for the work orders.")
        self.stdout.write("As lead to review calls (Call reviews), as agent1 to read them.")
        if outbox:
            self.stdout.write(f"E-mail notices are written to {outbox} (no SMTP server is set).")
        if not serving:
            return
        # Dies with this process, even by kill -9 (processes.py); stopped with it on TERM/Ctrl+C.
        worker = start_child([sys.executable, "-m", "hotline.cli", "worker", "--demo"])
        try:
            call_command("serve", host=options["host"], port=options["port"], no_migrate=True)
        finally:
            stop_child(worker)
