"""France VAE knows one aggregate result per candidate (``ResultatJury``); this app keeps the jury's result per bloc.
The aggregate is derived from the local record, never entered twice: one table, read both ways.

A local result is what the jury decided for the candidate, seen from France VAE's side: present or not, whether the
candidacy targeted the whole certification (one option's blocs, where it has options) or blocs, and how many of the
targeted blocs are held after the jury — all, some, none. A reservation (« sous réserve », e.g. a certificate still
to be shown) is a fact France VAE may carry; the app records none of its own, so it is false unless read from there.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class Attendance(enum.Enum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class Held(enum.Enum):
    """How many of the targeted blocs the candidate holds after the jury."""

    ALL = "all"
    SOME = "some"
    NONE = "none"


@dataclass(frozen=True)
class LocalResult:
    attendance: Attendance
    whole_target: bool | None = None  # None when absent: the result says nothing of the target
    held: Held | None = None
    reservation: bool = False


P, ABSENT, EXCUSED = Attendance.PRESENT, Attendance.ABSENT, Attendance.EXCUSED
# The contract's eight values (ResultatJury) and the local result each one is.
RESULTS: dict[str, LocalResult] = {
    "SUCCES_TOTAL_CERTIFICATION_COMPLETE": LocalResult(P, True, Held.ALL),
    "SUCCES_TOTAL_CERTIFICATION_COMPLETE_SOUS_RESERVE": LocalResult(P, True, Held.ALL, reservation=True),
    "SUCCES_PARTIEL_CERTIFICATION_COMPLETE": LocalResult(P, True, Held.SOME),
    "SUCCES_TOTAL_CERTIFICATION_PARTIELLE": LocalResult(P, False, Held.ALL),
    "SUCCES_PARTIEL_CERTIFICATION_PARTIELLE": LocalResult(P, False, Held.SOME),
    "ECHEC": LocalResult(P, None, Held.NONE),
    "CANDIDAT_EXCUSE": LocalResult(EXCUSED),
    "CANDIDAT_ABSENT": LocalResult(ABSENT),
}


def remote_result(local: LocalResult) -> str:
    """The contract's value for a local result."""
    if local.attendance is not P:
        return "CANDIDAT_EXCUSE" if local.attendance is EXCUSED else "CANDIDAT_ABSENT"
    if local.held is Held.NONE:
        return "ECHEC"  # nothing held: a failure, whatever was targeted
    for value, reading in RESULTS.items():
        if reading == local:
            return value
    raise ValueError(f"résultat local sans équivalent France VAE : {local}")


def local_result(value: str) -> LocalResult:
    """The local result a contract value stands for."""
    try:
        return RESULTS[value]
    except KeyError:
        raise ValueError(f"résultat France VAE inconnu : {value!r} (attendu : {', '.join(RESULTS)})") from None


def local_result_of(candidacy, rules, outcome) -> LocalResult:
    """The local result of ``candidacy`` after a jury decision (or absence) ``outcome`` (a DecisionOutcome)."""
    from ..candidacies.assessment import targeted

    if outcome.value in (ABSENT.value, EXCUSED.value):
        return LocalResult(Attendance(outcome.value))
    cert = rules.certification(candidacy.certification.code)
    codes = {c.code for c in targeted(candidacy, rules)}
    held = {a.component_code for a in candidacy.acquired_components} & codes
    amount = Held.ALL if held == codes else Held.SOME if held else Held.NONE
    whole = cert.option_targeted(candidacy.target_components) is not None
    return LocalResult(P, None if amount is Held.NONE else whole, amount)
