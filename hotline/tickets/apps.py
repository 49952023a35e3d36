import contextlib

from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "hotline.tickets"
    label = "tickets"

    def ready(self) -> None:
        # Registers the D2/D9/D11/A6 handlers with the deadline worker.
        with contextlib.suppress(NotImplementedError):  # until hotline.deadlines lands
            from hotline.tickets import deadlines  # noqa: F401
