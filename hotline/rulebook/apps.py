from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulebookConfig(AppConfig):
    name = "hotline.rulebook"
    verbose_name = _("Rulebook")
    label = "rulebook"

    def ready(self) -> None:
        from hotline.rulebook.events import register_sentences

        register_sentences()  # the event log's words for our events (audit sits below us)
        from hotline.accounts.models import Team
        from hotline.core.rulebook import Scope
        from hotline.directory.models import Customer
        from hotline.i18n import centre_zone_source
        from hotline.rulebook.scopes import ScopeModel, scope_model
        from hotline.rulebook.selectors import centre_time_zone

        centre_zone_source(centre_time_zone)  # refusals show their times in the centre's zone
        scope_model(Scope.TEAM, ScopeModel(Team, "name", "name", ("name",), ("name",)))
        # Customers have no name of their own an operator could type: by id (searched by name).
        scope_model(
            Scope.CUSTOMER,
            ScopeModel(Customer, None, "name", ("name",), ("name", "pk"), search_by_id=True),
        )
