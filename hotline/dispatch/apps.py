from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "hotline.dispatch"
    label = "dispatch"

    def ready(self) -> None:
        # Registers the D4/D5/D6/B7/D8 handlers with the deadline worker.
        from hotline.dispatch import deadlines  # noqa: F401
