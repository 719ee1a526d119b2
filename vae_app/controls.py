"""The characters no text of the app holds, whatever door it comes in by (a form, the API, a command's file, an
import): invisible controls that would be stored, printed in letters and break exports. Pure, no framework."""
from __future__ import annotations

import re

# C0 and C1 controls, and the bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) that reorder what
# a letter shows. A one-line text holds none; a longer text may hold tabs and line breaks.
LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# Characters that print as nothing although they are letters or symbols (fillers, the blank Braille pattern)
BLANKS = frozenset("\u115f\u1160\u2800\u3164\uffa0\u17b4\u17b5\u180e")


def visible_length(text: str | None) -> int:
    """How long ``text`` is as a person reads it: without invisible format characters (zero-width spaces and joiners,
    Unicode category Cf), combining marks (counted with their letter), blank fillers and the white space around it; 0
    when nothing but white space is left."""
    import unicodedata

    kept = "".join(ch for ch in text or "" if unicodedata.category(ch) not in ("Cf", "Mn", "Me") and ch not in BLANKS).strip()
    return len(kept)


def visible_or_none(text: str | None) -> str | None:
    """``text`` stripped, or None when a person would see nothing in it (unsaid stays unsaid)."""
    return text.strip() if visible_length(text) else None


def folded_key(text) -> str:
    """``text`` as a key, however it was typed: Unicode composed or not, accents, case, spaces and punctuation set aside
    (« Prénom » → ``prenom``, « Le Bris » and « le-bris » → ``le_bris``)."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", str(text or "")))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "_", folded.lower()).strip("_")


def one_line_or_none(text) -> str | None:
    """A one-line text from outside (another system's data): its controls and direction overrides removed, then
    stripped; None when nothing visible is left."""
    return visible_or_none(LINE_CONTROL.sub("", text)) if isinstance(text, str) else None
