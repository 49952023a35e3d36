"""What a person reads on a page, and the catalogs' English phrases that must not be among it
when the page is in another language."""

import re
from functools import cache
from html import unescape

import polib  # type: ignore[import-untyped]  # ships no type stubs

from hotline.settings import PROJECT_DIR


def visible(html: str) -> str:
    """The words a person reads: no markup, styles or scripts (a CSS class may hold a key),
    spaces collapsed."""
    html = re.sub(r"<(style|script|template)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@cache
def english_phrases(language: str) -> dict[str, str]:
    """The catalog's UI phrases of more than one word that `language` translates otherwise."""
    folder = "zh_Hans" if language == "zh-hans" else language
    po = polib.pofile(str(PROJECT_DIR / "locale" / folder / "LC_MESSAGES" / "django.po"))
    return {
        e.msgid: e.msgstr
        for e in po.translated_entries()
        if " " in e.msgid and "%" not in e.msgid and "{" not in e.msgid and e.msgstr != e.msgid
    }


def english_in(text: str, phrases: dict[str, str]) -> list[str]:
    """The phrases that stand in `text` as whole words."""
    return [p for p in phrases if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]


def without(text: str, phrases: list[str]) -> str:
    """`text` with the `phrases` taken out (data people typed, which stays as typed)."""
    for phrase in phrases:
        text = text.replace(phrase, " ")
    return text
