from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "hotline.followup"
    label = "followup"

    def ready(self) -> None:
        # Registers the D12 overdue handler with the deadline worker.
        from hotline.followup import deadlines  # noqa: F401
