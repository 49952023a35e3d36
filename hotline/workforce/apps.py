from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "hotline.workforce"
    label = "workforce"

    def ready(self) -> None:
        from hotline.calls.intraday import intraday_plan_source
        from hotline.calls.services.agents import shift_start_source
        from hotline.workforce.intraday import intraday_plan
        from hotline.workforce.selectors import rostered_shift_start

        # B1: a published roster's shift start is the floor's "on time" (calls sits below us).
        shift_start_source(rostered_shift_start)
        # The wallboard's intraday chart: the day's forecast and agents required.
        intraday_plan_source(intraday_plan)
