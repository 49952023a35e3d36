from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "hotline.workforce"
    verbose_name = _("Workforce")
    label = "workforce"

    def ready(self) -> None:
        from hotline.calls.day_plan import day_plan_source
        from hotline.calls.intraday import intraday_plan_source
        from hotline.calls.services.agents import shift_start_source
        from hotline.workforce.events import register_sentences
        from hotline.workforce.intraday import intraday_plan
        from hotline.workforce.selectors import desk_day_plan, rostered_shift_start

        register_sentences()  # the event log's words for our events (audit sits below us)

        # B1: a published roster's shift start is the floor's "on time" (calls sits below us).
        shift_start_source(rostered_shift_start)
        # The agent's own day (shift, planned breaks) on their desk.
        day_plan_source(desk_day_plan)
        # The wallboard's intraday chart: the day's forecast and agents required.
        intraday_plan_source(intraday_plan)
