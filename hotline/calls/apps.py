from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "hotline.calls"
    verbose_name = _("Calls and agents")
    label = "calls"

    def ready(self) -> None:
        from hotline.calls.events import register_sentences

        register_sentences()  # the event log's words for our events (audit sits below us)
        from hotline.audit.services import on_event_written
        from hotline.calls.tasks import cti_push

        # The PBX pushes ride on the floor's events (the audit app sits below and can't import us).
        on_event_written("calls.", cti_push)

        from hotline.calls.models import Queue
        from hotline.core.rulebook import Scope
        from hotline.rulebook.scopes import ScopeModel, scope_model

        # A rulebook number may be set per queue (by its code); the rulebook sits below us.
        scope_model(Scope.QUEUE, ScopeModel(Queue, "code", "name", ("code", "name"), ("code",)))
