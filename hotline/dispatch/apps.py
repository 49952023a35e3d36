from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "hotline.dispatch"
    verbose_name = _("Dispatch")
    label = "dispatch"

    def ready(self) -> None:
        from hotline.dispatch.events import register_sentences

        register_sentences()  # the event log's words for our events (audit sits below us)
        # Registers the D4/D5/D6/B7/D8 handlers with the deadline worker.
        from hotline.dispatch import deadlines  # noqa: F401
        from hotline.dispatch.selectors import provider_loads
        from hotline.dispatch.services import chase_record
        from hotline.tickets.services.window import provider_loads_source
        from hotline.tickets.views.cases import case_action

        # Tickets sit below us: A5 counts our open orders against the providers' capacity, and
        # the ticket page's "customer chased" button (D8) urges the provider's open order.
        provider_loads_source(provider_loads)
        case_action(
            "chase",
            lambda me, now, ticket, form: chase_record(
                actor=me, now=now, ticket=ticket, note=form.cleaned_data["note"]
            ),
        )
