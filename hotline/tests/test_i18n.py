"""Six languages: every string of the code is in every catalog, translated, not fuzzy, compiled."""

import gettext
import os
import re
import shutil
from pathlib import Path

import polib  # type: ignore[import-untyped]  # ships no type stubs
import pytest
from django.core.management import call_command
from django.test import override_settings

from hotline.settings import PROJECT_DIR

LOCALE = PROJECT_DIR / "locale"
LANGUAGES = ["ru", "es", "fr", "zh_Hans", "bg"]  # English is the source language
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sd]|\{\{ ?\w+ ?\}\}")


def catalog(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_no_untranslated_or_fuzzy_message(language):
    po = catalog(language)
    assert not [e.msgid for e in po.untranslated_entries()], "untranslated"
    assert not [e.msgid for e in po.fuzzy_entries()], "fuzzy"
    assert "fuzzy" not in (po.metadata_is_fuzzy or []), "fuzzy header"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    for entry in catalog(language).translated_entries():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            got = sorted(PLACEHOLDER.findall(text))
            # A plural form may drop the number (e.g. Chinese "一个"), never add or rename one.
            where = f"{language}: {entry.msgid!r} -> {text!r}"
            assert set(got) <= set(wanted), where
            assert got or not wanted or entry.msgid_plural, where


def test_catalogs_hold_every_string_of_the_code(tmp_path):
    """makemessages over a copy of the code: a new string without a translation fails.

    A copy, because makemessages writes into the `locale/` folder beside the code it reads.
    """
    shutil.copytree(
        PROJECT_DIR / "hotline",
        tmp_path / "hotline",
        ignore=shutil.ignore_patterns("tests", "__pycache__", "static"),
    )
    (tmp_path / "locale" / "ru").mkdir(parents=True)
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
            call_command("makemessages", locale=["ru"], verbosity=0)
    finally:
        os.chdir(cwd)
    fresh = polib.pofile(str(tmp_path / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
    in_code = {(e.msgctxt, e.msgid) for e in fresh}
    assert len(in_code) > 100
    for language in LANGUAGES:
        in_catalog = {(e.msgctxt, e.msgid) for e in catalog(language) if not e.obsolete}
        assert in_code - in_catalog == set(), f"{language}: strings missing from the catalog"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_its_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in catalog(language).translated_entries():
        if not entry.msgid_plural:
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            # The catalog itself, not gettext(), which would answer a missing key with the key;
            # typeshed leaves this private attribute out.
            found = compiled._catalog.get(key)  # type: ignore[attr-defined]
            assert found == entry.msgstr, f"run `make messages`: {entry.msgid!r}"
