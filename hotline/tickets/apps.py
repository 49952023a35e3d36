from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "hotline.tickets"
    verbose_name = _("Cases")
    label = "tickets"

    def ready(self) -> None:
        from hotline.tickets.events import register_sentences

        register_sentences()  # the event log's words for our events (audit sits below us)
        # Registers the D2/D9/D11/A6 handlers with the deadline worker.
        from hotline.calls.screen_pop import call_cases_source, open_cases_source
        from hotline.tickets import deadlines  # noqa: F401
        from hotline.tickets.selectors import screen_pop_call_cases, screen_pop_cases

        # E4: the floor's screen pop lists the caller's open cases (the floor sits below us).
        open_cases_source(screen_pop_cases)
        call_cases_source(screen_pop_call_cases)
