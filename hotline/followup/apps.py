from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "hotline.followup"
    verbose_name = _("Follow-up calls")
    label = "followup"

    def ready(self) -> None:
        from hotline.followup.events import register_sentences

        register_sentences()  # the event log's words for our events (audit sits below us)
        # Registers the D12 overdue handler with the deadline worker.
        from hotline.dispatch.selectors import repeat_visits_source
        from hotline.dispatch.services.dispatch import on_order_dispatched
        from hotline.followup import deadlines  # noqa: F401
        from hotline.followup.repeat import link_second_dispatch, waiting_second_dispatches

        # D12: dispatch sits below us; it links a repeat visit and shows the waiting ones on its
        # board through these hooks.
        on_order_dispatched(link_second_dispatch)
        repeat_visits_source(waiting_second_dispatches)
