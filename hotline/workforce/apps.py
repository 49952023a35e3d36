from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "hotline.workforce"
    label = "workforce"

    def ready(self) -> None:
        from hotline.workforce.events import register_sentences

        register_sentences()  # the event log's words for our events (audit sits below us)
        from hotline.calls.services.agents import shift_start_source
        from hotline.workforce.selectors import rostered_shift_start

        # B1: a published roster's shift start is the floor's "on time" (calls sits below us).
        shift_start_source(rostered_shift_start)
