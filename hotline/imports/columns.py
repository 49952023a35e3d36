"""The columns of an importable kind: name, type, bounds, whether required; a cell's text read
into a value, or the reason it can't be, in the reader's language."""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

TRUE_WORDS = frozenset({"1", "yes", "true", "y"})
FALSE_WORDS = frozenset({"0", "no", "false", "n", ""})
# The words a person types in a yes/no cell, in their own language (a file may be in any).
YES, NO = (
    pgettext_lazy("an import file's yes/no cell", "yes"),
    pgettext_lazy("an import file's yes/no cell", "no"),
)
LIST_SEPARATOR = ";"


class CellError(ValueError):
    """A cell that can't be read: the message is in the reader's language."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text, int, bool, date, email, choice, list
    required: bool = False
    max_length: int = 100
    minimum: int | None = None
    maximum: int | None = None
    choices: Sequence[str] = ()
    default: Any = None
    separator: str = LIST_SEPARATOR  # between a list's items
    help: str = field(default="", compare=False)

    def read(self, raw: object) -> Any:
        """The value of a cell (text from CSV, typed values from XLSX), or CellError."""
        text = _text(raw)
        if not text:
            if self.required:
                raise CellError(_("a value is required"))
            return self.default if self.default is not None else _EMPTY.get(self.kind, "")
        return _READERS[self.kind](self, raw, text)

    def write(self, value: Any) -> str:
        """The cell's text for an export: read back by `read` to the same value."""
        if value is None:
            return ""
        if self.kind == "bool" and isinstance(value, bool):
            return "yes" if value else "no"
        if self.kind == "date" and isinstance(value, date):
            return value.isoformat()
        if self.kind == "list" and isinstance(value, list):
            return self.separator.join(value)
        return str(value)


def _text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # XLSX keeps numbers as floats
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


def _read_text(column: Column, raw: object, text: str) -> str:
    if len(text) > column.max_length:
        raise CellError(
            _("at most %(limit)d characters (this has %(length)d)")
            % {"limit": column.max_length, "length": len(text)}
        )
    return text


def _read_int(column: Column, raw: object, text: str) -> int:
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a whole number") % {"value": text[:40]}) from None
    if number != number.to_integral_value():
        raise CellError(_("“%(value)s” is not a whole number") % {"value": text[:40]})
    value = int(number)
    if column.minimum is not None and value < column.minimum:
        raise CellError(_("at least %(minimum)d") % {"minimum": column.minimum})
    if column.maximum is not None and value > column.maximum:
        raise CellError(_("at most %(maximum)d") % {"maximum": column.maximum})
    return value


def _read_bool(column: Column, raw: object, text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS or word in _in_every_language(YES):
        return True
    if word in FALSE_WORDS or word in _in_every_language(NO):
        return False
    raise CellError(_("“%(value)s” is not yes or no") % {"value": text[:40]})


def _read_date(column: Column, raw: object, text: str) -> date:
    if isinstance(raw, date):
        return raw.date() if isinstance(raw, datetime) else raw
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a date written as YYYY-MM-DD") % {"value": text[:40]}
        ) from None


def _read_email(column: Column, raw: object, text: str) -> str:
    text = _read_text(column, raw, text)
    try:
        validate_email(text)
    except ValidationError:
        raise CellError(_("“%(value)s” is not an e-mail address") % {"value": text[:60]}) from None
    return text


def _read_choice(column: Column, raw: object, text: str) -> str:
    if text not in column.choices:
        raise CellError(
            _("“%(value)s” is not one of: %(choices)s")
            % {"value": text[:40], "choices": ", ".join(column.choices)}
        )
    return text


def _read_list(column: Column, raw: object, text: str) -> list[str]:
    # In the order written (a contract's services keep theirs), each once.
    items = list(dict.fromkeys(i.strip() for i in text.split(column.separator) if i.strip()))
    for item in items:
        _read_text(column, raw, item)
        if column.choices:
            _read_choice(column, raw, item)
    return items


_READERS: dict[str, Callable[[Column, object, str], Any]] = {
    "text": _read_text,
    "int": _read_int,
    "bool": _read_bool,
    "date": _read_date,
    "email": _read_email,
    "choice": _read_choice,
    "list": _read_list,
}


@functools.cache
def _in_every_language(word: Any) -> frozenset[str]:
    words = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words.add(str(word).lower())
    return frozenset(words)


_EMPTY: dict[str, Any] = {"int": None, "bool": False, "date": None, "list": []}
