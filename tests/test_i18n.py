"""Every UI string a module asks for exists in both languages."""
from __future__ import annotations

import re
from pathlib import Path

from gridgov.i18n import STRINGS

ROOT = Path(__file__).resolve().parent.parent
_CALL = re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*[,)]""")  # not prefixes: t("basis_" + b)


def test_every_string_key_used_in_the_code_exists():
    used = {}
    for folder in ("pages", "ui", "gridgov"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if not re.search(r"from gridgov\.i18n import [^\n]*\bt\b(?! as)", text):
                continue   # a module with its own t() (e.g. the briefing's phrasebook)
            for key in _CALL.findall(text):
                used.setdefault(key, path.relative_to(ROOT))
    missing = {k: str(p) for k, p in used.items() if k not in STRINGS}
    assert not missing


def test_every_string_has_both_languages():
    assert all(zh and en for zh, en in STRINGS.values())
