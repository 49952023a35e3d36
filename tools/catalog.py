"""Hand the catalogs' open work to translators as JSON, and take their work back.

    python tools/catalog.py export DIR   # DIR/<language>.json: untranslated and fuzzy messages
    python tools/catalog.py import DIR   # fills the catalogs from those files, clears "fuzzy"

Between the two, fill each entry's "translation" (a list, one per plural form, for plurals).
Then `make messages` compiles. Run `make messages` first so the catalogs hold every string.
"""

import json
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ["ru", "es", "fr", "zh_Hans", "bg"]  # English is the source language


def catalog_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def open_work(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


def export(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        po = polib.pofile(str(catalog_path(language)))
        plural_forms = po.metadata.get("Plural-Forms", "")
        entries = [
            {
                "context": e.msgctxt,
                "id": e.msgid,
                "plural": e.msgid_plural or None,
                "where": e.occurrences[0][0] if e.occurrences else "",
                "translation": [""] * _plural_count(plural_forms) if e.msgid_plural else "",
            }
            for e in open_work(po)
        ]
        path = folder / f"{language}.json"
        path.write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"{path}: {len(entries)} to translate")


def _plural_count(plural_forms: str) -> int:
    for part in plural_forms.split(";"):
        name, _, value = part.strip().partition("=")
        if name == "nplurals":
            return int(value)
    return 2


def import_(folder: Path) -> None:
    for language in LANGUAGES:
        path = folder / f"{language}.json"
        if not path.exists():
            continue
        done = {(e["context"], e["id"]): e["translation"] for e in json.loads(path.read_text())}
        po = polib.pofile(str(catalog_path(language)))
        filled = 0
        for entry in open_work(po):
            translation = done.get((entry.msgctxt, entry.msgid))
            if not translation:
                continue
            if entry.msgid_plural:
                entry.msgstr_plural = dict(enumerate(translation))
            else:
                entry.msgstr = translation
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
            filled += 1
        po.save()
        print(f"{language}: {filled} filled, {len(open_work(po))} still open")


if __name__ == "__main__":
    command, folder = sys.argv[1], Path(sys.argv[2])
    {"export": export, "import": import_}[command](folder)
