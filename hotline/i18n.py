"""Translation of the core's messages at the edge, in the language of the request."""

from collections.abc import Mapping

from django.utils.translation import gettext

from hotline.core.refusal import PolicyRefusal
from hotline.core.rulebook import SettingError


def translate(message: str, params: Mapping[str, object] | None = None) -> str:
    template = gettext(message)
    return template % dict(params) if params else template


def refusal_text(refusal: PolicyRefusal) -> str:
    return refusal.render(gettext)


def setting_error_text(error: SettingError) -> str:
    return translate(error.message, error.params)
