from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "hotline.tickets"
    label = "tickets"

    def ready(self) -> None:
        # Registers the D2/D9/D11/A6 handlers with the deadline worker.
        from hotline.tickets import deadlines  # noqa: F401
