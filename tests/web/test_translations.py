"""Every French message of the UI has its English translation."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("vae_app/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None}


def test_every_message_has_an_english_translation():
    with (ROOT / "vae_app/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="en")
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in catalog if m.id}
    missing, seen = [], 0
    for filename, _lineno, message, _comments, _context in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS):
        key = message if isinstance(message, str) else message[0]
        seen += 1
        if not translated.get(key):
            missing.append(f"{filename}: {key}")
    assert seen > 50, "the extraction found no messages: is babel.cfg's layout still right?"
    assert not missing, "untranslated (run `make extract-messages` and translate):\n" + "\n".join(sorted(set(missing)))
