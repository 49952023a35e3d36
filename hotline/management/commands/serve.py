import warnings
from pathlib import Path
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.security import development_key_refusal
from hotline.storage import var_dir_problem


class Command(BaseCommand):
    help = "Serve Hotline over HTTP (ASGI, uvicorn): pages, API and live event streams."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-migrate", action="store_true", help="Do not apply migrations first."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            choices=range(1, 65),
            metavar="N",
            help="Server processes sharing the port (uvicorn's workers; Django's sync views run "
            "one at a time in each). Default 1.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if refusal := development_key_refusal():
            raise CommandError(refusal)  # before migrating anything
        # WhiteNoise serves static files with plain iterators; under ASGI that is only slower.
        warnings.filterwarnings("ignore", "StreamingHttpResponse must consume synchronous")
        problem = var_dir_problem()  # else migrate fails with a traceback that does not say why
        if problem:
            raise CommandError(problem)
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise looks there
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        uvicorn.run(
            "hotline.asgi:application",
            host=options["host"],
            port=options["port"],
            log_level="warning",
            lifespan="off",
            workers=options["workers"],
        )
