from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The home pages (issue 16): each role's start page reads every app (the floor's queues,
    the rulebook, providers' clocks, customers' contracts), so it sits on top of them all and
    no app imports it. No models."""

    name = "hotline.home"
    verbose_name = _("Home")
    label = "home"
