"""xgettext (`make messages`) does not read a translation call inside an f-string: the words
would never reach the catalogs and show in English to everyone. None may hide there."""

import io
import re
import tokenize
from pathlib import Path

import hotline

CALL = re.compile(r"(?<![\w.])(_|gettext|gettext_lazy|pgettext|ngettext)\(")


def test_no_translation_call_inside_an_f_string():
    found = []
    for path in Path(hotline.__file__).parent.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
        for token in tokens:
            prefix = re.match(r"[A-Za-z]*", token.string)
            is_fstring = (
                token.type == tokenize.STRING and "f" in (prefix[0] if prefix else "").lower()
            )
            if is_fstring and CALL.search(token.string):
                found.append(f"{path}:{token.start[0]}")
    assert not found
