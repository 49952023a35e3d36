from django import template
from django.utils.translation import gettext_lazy as _

from hotline.calls.choices import AgentStateChoices

register = template.Library()

ACTIVITIES = {
    "off": _("off"),
    "prep": _("preparing"),
    "phones": _("on the phones"),
    "break": _("break"),
    "lunch": _("lunch"),
}


@register.filter
def hhmm(minutes: int) -> str:
    return f"{int(minutes) // 60:02d}:{int(minutes) % 60:02d}"


@register.filter
def percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f} %"


@register.filter
def minutes(seconds: int) -> int:
    return int(seconds) // 60


@register.filter
def state_label(state: str) -> str:
    try:
        return str(AgentStateChoices(state).label)
    except ValueError:
        return state


@register.filter
def activity_label(name: str) -> str:
    return str(ACTIVITIES.get(name, name))
