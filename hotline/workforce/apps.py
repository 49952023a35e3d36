from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "hotline.workforce"
    verbose_name = _("Workforce")
    label = "workforce"

    def ready(self) -> None:
        from hotline.calls.services.agents import shift_start_source
        from hotline.workforce.selectors import rostered_shift_start

        # B1: a published roster's shift start is the floor's "on time" (calls sits below us).
        shift_start_source(rostered_shift_start)
