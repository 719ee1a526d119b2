"""Journal reasons in the reader's language. Some changes store a counted reason in French (« 43 dossiers, 0 créneaux »,
« 2 session(s) créée(s) »): the journal recognises their shape and says them again with ``ngettext``, so that the
count agrees in either language. A reason of no known shape is shown as stored."""
from __future__ import annotations

import re
from typing import Callable

from flask_babel import gettext as _, ngettext


def _files_and_slots(m: re.Match) -> str:
    files = ngettext("%(num)s dossier", "%(num)s dossiers", int(m["files"]))
    slots = ngettext("%(num)s créneau", "%(num)s créneaux", int(m["slots"]))
    return _("%(files)s, %(slots)s", files=files, slots=slots)


KINDS: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (re.compile(r"(?P<files>\d+) dossiers, (?P<slots>\d+) créneaux"), _files_and_slots),
    (re.compile(r"(?P<num>\d+) session\(s\) créée\(s\)"),
     lambda m: ngettext("%(num)s session créée", "%(num)s sessions créées", int(m["num"]))),
]


def shown_reason(text: str | None) -> str:
    """An audit row's reason as its reader says it (as stored when its shape is not known)."""
    for pattern, say in KINDS:
        match = pattern.fullmatch(text or "")
        if match:
            return say(match)
    return text or ""
