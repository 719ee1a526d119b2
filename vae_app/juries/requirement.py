"""What a jury must be, read once for the composition checker and the planner alike.

:func:`jury_requirement` gathers, for one certification, route and day, the
certification's registration, its route and structured jury (seats expanded
into places, shares) and the jury law in force (J2–J4 with policies Q3 and
G). Pure: rules in, a frozen value out.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date

from ..certifications.rules import CertificationRules, Entry, JuryRule, Period, Place, RouteState, RuleBook, Share
from ..certifications.vocabulary import AccessRoute


@dataclass(frozen=True)
class JuryRequirement:
    """A certification's jury on one route and one day: the fiche's seats and shares, and the law."""

    certification: CertificationRules
    route: AccessRoute
    on: date
    registration: Period | None
    route_state: RouteState | None  # None: the rules do not say whether the route is open that day
    law: Entry | None  # the jury law in force (J2, J3, J4), None before any
    law_source: str
    professionals: frozenset[str]  # who counts as a qualified representative of the professions (Q3)
    employer_tag: str
    employee_tag: str
    professionals_source: str
    gender_min_each: int
    gender_source: str
    regime: str = "general"  # the certification's VAE regime: "general" (R335-8, then D6412-6) or "higher_education"
    teacher_researchers: frozenset[str] = frozenset()  # who counts as a teacher-researcher (higher-education regime)
    teacher_researchers_source: str = ""

    @property
    def jury(self) -> JuryRule | None:
        """The fiche's jury when the route is open that day."""
        return self.route_state.jury if self.route_state and self.route_state.open else None

    @property
    def structured(self) -> bool:
        return self.jury is not None and self.jury.structured and bool(self.jury.seats)

    @property
    def places(self) -> tuple[Place, ...]:
        return self.jury.places() if self.jury else ()

    @property
    def size(self) -> int:
        return self.jury.size if self.jury else 0

    def law_value(self, name: str, default=None):
        return self.law.value.get(name, default) if self.law else default

    @property
    def excluded_ties(self) -> frozenset[str]:
        return frozenset(self.law_value("excluded_ties", []))

    def min_professionals(self, size: int) -> int:
        """Qualified representatives of the professions a jury of ``size`` needs: the law's number and
        its share, whichever is higher."""
        return max(self.law_value("min_professionals", 0), math.ceil(self.law_value("min_professional_share", 0) * size - 1e-9))

    def seat_label(self, seat_id: str | None, lang: str = "fr") -> str | None:
        """How people name a seat of this jury (``teachers`` → « enseignants du CNAM »); None if unknown or none."""
        if seat_id is None:
            return None
        for seat in self.jury.seats if self.jury else ():
            if seat_id in (seat.id, seat.role):
                return seat.label.get(lang) or seat.label.get("fr") or None
        return None

    @staticmethod
    def share_minimum(share: Share, size: int) -> int:
        """Members a jury of ``size`` needs for ``share`` (« more than 80 % », « at least a quarter »)."""
        if share.more_than is not None:
            return math.floor(share.more_than * size + 1e-9) + 1
        return math.ceil(share.at_least * size - 1e-9)


def for_pathway(rules: RuleBook, req: JuryRequirement, started: date | None) -> JuryRequirement:
    """The requirement as it governs a candidate whose pathway was initiated on ``started`` (N8, décret 2024-332
    art. 2): the jury law whose rules key on the pathway's start (J4) governs only pathways initiated from its day; a
    pathway initiated before keeps the law in force the day before, whatever the jury's date. ``started`` None: not
    said, the jury's date decides."""
    rule = rules.law.rules.get("jury_law_pathway")
    if started is None or rule is None or req.law is None or req.regime != "general" or not rule.history.entries:
        return req
    first = rule.history.entries[0]
    if req.law.id != first.value.get("jury_law") or started >= first.start:
        return req
    entry = rules.law["jury_law"].at(date.fromordinal(first.start.toordinal() - 1))
    if entry is None:
        return req
    gender = rules.law["jury_law"].extra["gender_balance"]
    return replace(req, law=entry, law_source=f"{entry.source} ; {first.source}",
                   gender_min_each=gender["min_each"] if entry.value.get("gender_balance") else 0)


def jury_requirement(rules: RuleBook, certification: str, route: AccessRoute, on: date) -> JuryRequirement:
    """The requirement for a jury of ``certification`` on ``route`` sitting on ``on``
    (raises KeyError for a certification the rules do not know)."""
    cert = rules.certification(certification)
    general = rules.law["jury_law"]
    professionals, gender = general.extra["professionals"], general.extra["gender_balance"]
    regime = cert.vae_regime
    law = rules.law.rules.get("jury_law_higher_education") if regime == "higher_education" else general
    entry = law.at(on) if law is not None else None
    teachers = (law.extra.get("teacher_researchers") if law is not None and regime == "higher_education" else None) or {}
    return JuryRequirement(
        certification=cert, route=route, on=on, registration=cert.registration_on(on), route_state=cert.route_on(route, on),
        law=entry, law_source=entry.source if entry else rules.law.path,
        professionals=frozenset(professionals["qualifications"]), employer_tag=professionals["employer_tag"],
        employee_tag=professionals["employee_tag"], professionals_source=professionals["source"],
        gender_min_each=gender["min_each"] if entry and entry.value.get("gender_balance") else 0, gender_source=gender["source"],
        regime=regime, teacher_researchers=frozenset(teachers.get("qualifications", [])),
        teacher_researchers_source=teachers.get("source", ""),
    )
