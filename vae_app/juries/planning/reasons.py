"""The planner's reasons, in the reader's language. The planner writes its reasons (pre-check shortages, why a file is
left unplanned) in French into the run's result, which is stored: they are translated where they are shown, each
stored sentence recognised by its shape (a stable kind) and said again with a translatable text. A sentence of no
known shape is shown as stored."""
from __future__ import annotations

import re
from typing import Callable

from flask_babel import gettext as _, ngettext

_DATE = r"\d{2}/\d{2}/\d{4}"
_LAW = "(C. trav. R6412-5)"


def _candidates(m: re.Match) -> str:
    return ngettext("%(num)s candidat %(code)s ne peut pas être planifié : %(reason)s.",
                    "%(num)s candidats %(code)s ne peuvent pas être planifiés : %(reason)s.", int(m["num"]),
                    code=m["code"], reason=shown_reason(m["reason"]))


def _no_slot_available(m: re.Match) -> str:
    if m["by"]:
        return _("aucun créneau où le candidat est disponible d'ici le %(day)s, date limite de son jury %(law)s : "
                 "proposez-lui d'autres dates", day=m["by"], law=_LAW)
    return _("aucun créneau où le candidat est disponible : proposez-lui d'autres dates")


def _gaps(text: str) -> str:
    return _(" ; ").join(shown_reason(gap) for gap in text.split(" ; ")) if text else ""


def _gap(m: re.Match) -> str:
    return ngettext("%(num)s disponible pour %(places)s place(s) « %(seat)s » le %(day)s à %(time)s",
                    "%(num)s disponibles pour %(places)s place(s) « %(seat)s » le %(day)s à %(time)s", int(m["num"]),
                    places=m["places"], seat=m["seat"], day=m["day"], time=m["time"])


def _juries_at_most(m: re.Match) -> str:
    return ngettext("%(num)s jury au plus sur les créneaux : %(gaps)s", "%(num)s jurys au plus sur les créneaux : %(gaps)s",
                    int(m["num"]), gaps=_gaps(m["gaps"]))


def _supply(m: re.Match) -> str:
    return ngettext("%(num)s membre pouvant siéger comme « %(seat)s » peut tenir %(supply)s place(s) de ce siège, il en faut "
                    "%(needed)s (%(count)s par session pour %(sessions)s sessions)",
                    "%(num)s membres pouvant siéger comme « %(seat)s » peuvent tenir %(supply)s place(s) de ce siège, il en faut "
                    "%(needed)s (%(count)s par session pour %(sessions)s sessions)", int(m["num"]),
                    seat=m["seat"], supply=m["supply"], needed=m["needed"], count=m["count"], sessions=m["sessions"])


# (the stored French sentence's shape, its text in the reader's language)
KINDS: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (re.compile(r"(?P<num>\d+) candidats (?P<code>\S+) ne peuvent pas être planifiés : (?P<reason>.*)\."), _candidates),
    (re.compile("aucun créneau"), lambda m: _("aucun créneau")),
    (re.compile(rf"aucun créneau où le candidat est disponible : proposez-lui d'autres dates(?: d'ici le (?P<by>{_DATE}), "
                r"date limite de son jury \(C\. trav\. R6412-5\))?"), _no_slot_available),
    (re.compile(r"aucun créneau ne réunit un jury complet : (?P<gaps>.*)"),
     lambda m: _("aucun créneau ne réunit un jury complet : %(gaps)s", gaps=_gaps(m["gaps"]))),
    (re.compile(r"(?P<num>\d+) jury\(s\) au plus sur les créneaux : (?P<gaps>.*)"), _juries_at_most),
    (re.compile(rf"(?P<num>\d+) disponible\(s\) pour (?P<places>\d+) place\(s\) « (?P<seat>.*) » le (?P<day>{_DATE}) à "
                r"(?P<time>\d{2}:\d{2})"), _gap),
    (re.compile(r"(?P<num>\d+) membre\(s\) pouvant siéger comme « (?P<seat>.*) » peuvent tenir (?P<supply>\d+) place\(s\) de ce "
                r"siège, il en faut (?P<needed>\d+) \((?P<count>\d+) par session pour (?P<sessions>\d+) sessions\)"), _supply),
    (re.compile(rf"aucune session d'ici le (?P<day>{_DATE}), date limite de son jury \(C\. trav\. R6412-5\) : "
                "ouvrez un créneau avant cette date"),
     lambda m: _("aucune session d'ici le %(day)s, date limite de son jury %(law)s : ouvrez un créneau avant cette date",
                 day=m["day"], law=_LAW)),
    (re.compile(rf"(?P<code>\S+) n'est pas enregistrée au RNCP le (?P<day>{_DATE})"),
     lambda m: _("%(code)s n'est pas enregistrée au RNCP le %(day)s", code=m["code"], day=m["day"])),
    (re.compile(rf"la voie (?P<route>.+) n'est pas ouverte pour (?P<code>\S+) le (?P<day>{_DATE})"),
     lambda m: _("la voie %(route)s n'est pas ouverte pour %(code)s le %(day)s", route=m["route"], code=m["code"], day=m["day"])),
    (re.compile(r"composition non structurée pour (?P<code>\S+) : structurez les sièges dans les règles"),
     lambda m: _("composition non structurée pour %(code)s : structurez les sièges dans les règles", code=m["code"])),
    (re.compile("toutes les salles de ses créneaux sont occupées : ajoutez une salle ou un créneau"),
     lambda m: _("toutes les salles de ses créneaux sont occupées : ajoutez une salle ou un créneau")),
    (re.compile(r"pas de jury complet sans les membres avec qui il a un lien \((?P<who>.*)\) sur ses (?P<num>\d+) créneau\(x\) : "
                "ajoutez des membres qualifiés ou un créneau"),
     lambda m: ngettext("pas de jury complet sans les membres avec qui il a un lien (%(who)s) sur son créneau : ajoutez des "
                           "membres qualifiés ou un créneau",
                        "pas de jury complet sans les membres avec qui il a un lien (%(who)s) sur ses %(num)s créneaux : ajoutez "
                        "des membres qualifiés ou un créneau", int(m["num"]), who=m["who"])),
    (re.compile(r"sur ses (?P<num>\d+) créneau\(x\), les membres qualifiés encore disponibles ne suffisent pas à un jury conforme "
                r"\(charge maximale atteinte ou indisponibles\) : ajoutez des membres ou un créneau"),
     lambda m: ngettext("sur son créneau, les membres qualifiés encore disponibles ne suffisent pas à un jury conforme (charge "
                           "maximale atteinte ou indisponibles) : ajoutez des membres ou un créneau",
                        "sur ses %(num)s créneaux, les membres qualifiés encore disponibles ne suffisent pas à un jury conforme "
                        "(charge maximale atteinte ou indisponibles) : ajoutez des membres ou un créneau", int(m["num"]))),
]


def shown_reason(text: str) -> str:
    """A reason the planner stored, in the reader's language (as stored when its shape is not known)."""
    for pattern, say in KINDS:
        match = pattern.fullmatch(text or "")
        if match:
            return say(match)
    return text
