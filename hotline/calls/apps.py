from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "hotline.calls"
    label = "calls"

    def ready(self) -> None:
        from hotline.audit.services import on_event_written
        from hotline.calls.tasks import cti_push

        # The PBX pushes ride on the floor's events (the audit app sits below and can't import us).
        on_event_written("calls.", cti_push)
