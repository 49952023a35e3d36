"""The API's error answers in the reader's language: the token user's, else the session user's,
else the browser's (README, API).

ninja answers a few errors in its own English words ("Not Found", "Unauthorized", "Cannot parse
request body", "Method not allowed", "CSRF check Failed") and pydantic explains a failed field in
English. Here they become `{"detail": ...}` in the reader's language. A failed validation keeps
its list (`type`, `loc`, `ctx` stay machine-readable); only `msg` is translated, for the kinds
of failure people meet (missing, too long or short, not a number, out of range, not a choice,
not a date); the rare others keep pydantic's English `msg`.
"""

from collections.abc import Sized
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.views.decorators.csrf import csrf_exempt

from hotline.accounts.models import ApiToken
from hotline.accounts.services import token_digest

# The words of Django's own forms and validators where they say the same thing: every language
# of the centre already has them.
REQUIRED = "This field is required."
WHOLE_NUMBER = "Enter a whole number."
NUMBER = "Enter a number."
VALID_VALUE = "Enter a valid value."
VALID_DATE = "Enter a valid date."
VALID_MOMENT = "Enter a valid date/time."
AT_MOST = "Ensure this value is less than or equal to %(limit_value)s."
AT_LEAST = "Ensure this value is greater than or equal to %(limit_value)s."
NOT_A_CHOICE = "Select a valid choice. %(value)s is not one of the available choices."
NOT_TRUE_OR_FALSE = "“%(value)s” value must be either True or False."
TOO_LONG = (
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
)
TOO_SHORT = (
    "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
)

_PLAIN = {
    "missing": REQUIRED,
    "int_parsing": WHOLE_NUMBER,
    "int_type": WHOLE_NUMBER,
    "int_from_float": WHOLE_NUMBER,
    "float_parsing": NUMBER,
    "float_type": NUMBER,
    "finite_number": NUMBER,
    "date_parsing": VALID_DATE,
    "date_type": VALID_DATE,
    "date_from_datetime_parsing": VALID_DATE,
    "date_from_datetime_inexact": VALID_DATE,
    "datetime_parsing": VALID_MOMENT,
    "datetime_type": VALID_MOMENT,
    "datetime_from_date_parsing": VALID_MOMENT,
    "datetime_object_invalid": VALID_MOMENT,
    "string_type": VALID_VALUE,
    "string_unicode": VALID_VALUE,  # a lone surrogate: no text PostgreSQL can store
    "string_pattern_mismatch": VALID_VALUE,
    "list_type": VALID_VALUE,
    "dict_type": VALID_VALUE,
    "model_type": VALID_VALUE,
    "model_attributes_type": VALID_VALUE,
}


def _limit(error: dict[str, Any], *keys: str) -> Any:
    ctx = error.get("ctx") or {}
    return next((ctx[key] for key in keys if key in ctx), "")


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def readable_message(error: dict[str, Any]) -> str:
    """`msg` of one pydantic error (with its `input`) in the active language."""
    kind, given = error["type"], error.get("input")
    if kind in _PLAIN:
        return gettext(_PLAIN[kind])
    if kind in ("string_too_long", "too_long", "string_too_short", "too_short"):
        shorter = kind.endswith("too_short")
        limit = int(_limit(error, "min_length" if shorter else "max_length") or 0)
        size = len(given) if isinstance(given, Sized) else 0
        if kind.startswith("string_"):
            singular, plural = TOO_SHORT if shorter else TOO_LONG
            return ngettext(singular, plural, limit) % {"limit_value": limit, "show_value": size}
        if shorter:
            template = ngettext(
                "Give at least %(limit_value)d item (there are %(show_value)d).",
                "Give at least %(limit_value)d items (there are %(show_value)d).",
                limit,
            )
        else:
            template = ngettext(
                "Give at most %(limit_value)d item (there are %(show_value)d).",
                "Give at most %(limit_value)d items (there are %(show_value)d).",
                limit,
            )
        return template % {"limit_value": limit, "show_value": size}
    if kind in ("less_than_equal", "less_than"):
        return gettext(AT_MOST) % {"limit_value": _limit(error, "le", "lt")}
    if kind in ("greater_than_equal", "greater_than"):
        return gettext(AT_LEAST) % {"limit_value": _limit(error, "ge", "gt")}
    if kind in ("enum", "literal_error"):
        return gettext(NOT_A_CHOICE) % {"value": _shown(given)}
    if kind in ("bool_parsing", "bool_type"):
        return gettext(NOT_TRUE_OR_FALSE) % {"value": _shown(given)}
    if kind == "timezone_aware":
        return gettext("Give the time with its offset from UTC, e.g. 2026-11-24T10:00:00+02:00.")
    return str(error["msg"])


def _json_value(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


CHOICE_ERRORS = {"enum", "literal_error"}


def _one_per_choice(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A choice such as `DelayReason | Literal[""]` fails once per member of the union, each
    error's `loc` ending with the member's name: they become one "not one of the choices"."""
    merged: list[dict[str, Any]] = []
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] not in CHOICE_ERRORS or len(loc) < 2 or "[" not in str(loc[-1]):
            merged.append(error)
            continue
        expected = str((error.get("ctx") or {}).get("expected", ""))
        last = merged[-1] if merged else None
        if last is not None and last["type"] == "enum" and tuple(last["loc"]) == loc[:-1]:
            last["ctx"] = {"expected": f"{last['ctx']['expected']}, {expected}"}
        else:
            merged.append({**error, "type": "enum", "loc": loc[:-1], "ctx": {"expected": expected}})
    return merged


def readable_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The validation errors as the API answers them: pydantic's, `msg` translated, without the
    input (it may be megabytes) and the documentation links."""
    answer = []
    for error in _one_per_choice(errors):
        shown = {key: value for key, value in error.items() if key not in ("input", "url")}
        shown["msg"] = readable_message(error)
        if "ctx" in shown:  # a bound may be a datetime, a validator's error an exception
            shown["ctx"] = {key: _json_value(value) for key, value in shown["ctx"].items()}
        answer.append(shown)
    return answer


def bearer_token(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def speak_the_token_users_language(request: HttpRequest) -> None:
    """For answers given before authentication runs (no such path, no such method): the token
    user's language, read without counting as a use of the token. A session user's is active
    already (UserLanguageMiddleware); without either, the browser's (LocaleMiddleware)."""
    token = bearer_token(request)
    if not token:
        return
    language = (
        ApiToken.objects.filter(
            digest=token_digest(token), revoked_at__isnull=True, user__is_active=True
        )
        .values_list("user__language", flat=True)
        .first()
    )
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language


def not_found_answer(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": gettext("Not found.")}, status=404)


@csrf_exempt  # it changes nothing: a write without the token is a 404 too, not the HTML 403
def no_such_path(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any path under /api/v1/ that names no operation: the API's 404, not the HTML page."""
    speak_the_token_users_language(request)
    return not_found_answer(request)
