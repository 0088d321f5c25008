"""Dutch is the default language: every text must have a Dutch translation, compiled."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def _entries(path: Path) -> list[dict]:
    """A minimal .po reader: enough to see missing and fuzzy translations."""
    entries, current, key = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, key = {}, None
        elif line.startswith("#,"):
            current["flags"] = line[2:]
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgctxt", "msgid", "msgstr")):
            key, _space, rest = line.partition(" ")
            current[key] = ast.literal_eval(rest)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    return [e for e in entries if e.get("msgid")]


def test_every_text_has_a_dutch_translation():
    missing = [
        e["msgid"]
        for e in _entries(PO)
        if "fuzzy" in e.get("flags", "")
        or not all(v for k, v in e.items() if k.startswith("msgstr"))
    ]
    assert not missing, f"untranslated or fuzzy: {missing[:20]}"


def test_the_compiled_catalogue_matches_the_po_file():
    with PO.with_suffix(".mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for entry in _entries(PO):
        if "msgstr" in entry and "msgctxt" not in entry:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]
