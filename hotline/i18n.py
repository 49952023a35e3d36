"""Translation of the core's messages at the edge, in the language of the request."""

from collections.abc import Callable, Mapping
from typing import Protocol

from django.utils import timezone
from django.utils.translation import gettext

from hotline.core.refusal import PolicyRefusal
from hotline.core.rulebook import SettingError
from hotline.formatting import param_text


def translate(message: str, params: Mapping[str, object] | None = None) -> str:
    template = gettext(message)
    return template % dict(params) if params else template


# The centre's time zone, the one pages show: the rulebook (a layer above, where the site's
# calendar lives) registers where it comes from in its AppConfig.ready().
_centre_zone: list[Callable[[], str]] = []


def centre_zone_source(source: Callable[[], str]) -> None:
    _centre_zone[:] = [source]


def centre_zone() -> str:
    """The centre's time zone name (UTC before the rulebook registers where it comes from)."""
    return _centre_zone[0]() if _centre_zone else "UTC"


def refusal_text(refusal: PolicyRefusal, zone: str | None = None) -> str:
    """The refusal in the reader's language, its times in `zone` (by default the centre's, the
    one pages show) and the language's formats: a refusal's params are often datetimes in UTC."""
    with timezone.override(zone or centre_zone()):
        params = {name: param_text(value) for name, value in refusal.params.items()}
        template = gettext(refusal.message)
        return template % params if params else template


class Conflict(Protocol):
    """A state conflict (the floor's CallConflict): a msgid and its parameters."""

    @property
    def message(self) -> str: ...
    @property
    def params(self) -> Mapping[str, object]: ...


def conflict_text(conflict: Conflict) -> str:
    """A call's state conflict in the reader's language (no rule is named: none is at stake)."""
    return translate(conflict.message, conflict.params)


def setting_error_text(error: SettingError) -> str:
    return translate(error.message, error.params)
