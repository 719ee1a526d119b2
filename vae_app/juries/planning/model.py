"""The planning exchange format (``vae-jury-planning/1`` in, ``vae-jury-plan/1`` out)
as dataclasses, and what a certification's jury requires on a slot's date, in
the planner's terms: the same :func:`~vae_app.juries.requirement.jury_requirement`
the composition checker reads."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ...certifications.rules import Place, RuleBook
from ...certifications.vocabulary import AccessRoute
from ...dates import optional_day
from ...errors import InvalidData
from ..requirement import jury_requirement

PROBLEM_FORMAT = "vae-jury-planning/1"
PLAN_FORMAT = "vae-jury-plan/1"


class InvalidProblem(InvalidData):
    """The document is not a valid planning problem (422); ``errors`` map each path to its reason."""


@dataclass(frozen=True)
class Slot:
    id: str
    start: datetime
    end: datetime
    site: str
    rooms: int

    @property
    def day(self) -> date:
        return self.start.date()


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    gender: str | None
    qualifications: frozenset[str]
    certifications: frozenset[str]
    site: str | None
    available: frozenset[str]
    max_sessions: int


@dataclass(frozen=True)
class Candidate:
    id: str
    certification: str
    route: str
    site: str | None
    conflicts: frozenset[str]
    unavailable: frozenset[str]
    received_on: date | None = None  # optional in the format: a jury after the registration's end needs it (REG)
    sit_by: date | None = None  # optional: the last day the jury may sit for them (R6412-5); later slots are unavailable


@dataclass
class Problem:
    as_of: date
    slots: list[Slot]
    members: list[Member]
    candidates: list[Candidate]

    def __post_init__(self):
        self.slot_by_id = {s.id: s for s in self.slots}
        self.member_by_id = {m.id: m for m in self.members}
        self.candidate_by_id = {c.id: c for c in self.candidates}


@dataclass
class Session:
    slot: str
    certification: str
    members: list[tuple[str, str | None]]  # (member id, role)
    candidates: list[str]

    def as_dict(self) -> dict:
        return {"slot": self.slot, "certification": self.certification,
                "members": [{"id": m, "role": r} for m, r in self.members], "candidates": list(self.candidates)}


@dataclass
class Plan:
    sessions: list[Session] = field(default_factory=list)
    unplanned: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"format": PLAN_FORMAT, "sessions": [s.as_dict() for s in self.sessions],
                "unplanned": [{"candidate": c, "reason": r} for c, r in self.unplanned]}

    @property
    def planned(self) -> set[str]:
        return {c for s in self.sessions for c in s.candidates}


# --------------------------------------------------------------------------- parsing


def _dt(value, path, errors):
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        errors.append((path, f"date-heure AAAA-MM-JJTHH:MM attendue, reçu {value!r}"))
        return None


def _strings(value, path, errors) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append((path, "liste de textes attendue"))
        return frozenset()
    return frozenset(value)


def parse_problem(document: Any, rules: RuleBook) -> Problem:
    errors: list[tuple[str, str]] = []
    if not isinstance(document, dict):
        raise InvalidProblem([("(root)", "un objet JSON est attendu")])
    if document.get("format") != PROBLEM_FORMAT:
        errors.append(("format", f"« {PROBLEM_FORMAT} » attendu, reçu {document.get('format')!r}"))
    try:
        as_of = date.fromisoformat(document.get("as_of"))
    except (TypeError, ValueError):
        as_of = None
        errors.append(("as_of", "date AAAA-MM-JJ attendue"))
    slots, members, candidates = [], [], []
    for index, raw in enumerate(document.get("slots") or []):
        path = f"slots[{index}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            errors.append((path, "objet avec un « id » texte attendu"))
            continue
        start, end = _dt(raw.get("start"), f"{path}.start", errors), _dt(raw.get("end"), f"{path}.end", errors)
        if start and end and end <= start:
            errors.append((f"{path}.end", "la fin doit suivre le début"))
        rooms = raw.get("rooms", 1)
        if not isinstance(rooms, int) or rooms < 1:
            errors.append((f"{path}.rooms", "entier ≥ 1 attendu"))
            rooms = 1
        if start and end:
            slots.append(Slot(raw["id"], start, end, str(raw.get("site") or ""), rooms))
    slot_ids = {s.id for s in slots}
    if len(slot_ids) != len(slots):
        errors.append(("slots", "identifiants en double"))
    vocabulary = rules.all_qualification_names
    for index, raw in enumerate(document.get("members") or []):
        path = f"members[{index}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            errors.append((path, "objet avec un « id » texte attendu"))
            continue
        quals = _strings(raw.get("qualifications"), f"{path}.qualifications", errors)
        unknown = sorted(quals - vocabulary)
        if unknown:
            errors.append((f"{path}.qualifications", f"qualification(s) inconnue(s) : {', '.join(unknown)}"))
        gender = raw.get("gender")
        if gender not in ("F", "M", None):
            errors.append((f"{path}.gender", "« F », « M » ou null attendu"))
        max_sessions = raw.get("max_sessions", 6)
        if not isinstance(max_sessions, int) or max_sessions < 0:
            errors.append((f"{path}.max_sessions", "entier ≥ 0 attendu"))
            max_sessions = 0
        available = _strings(raw.get("available_slots"), f"{path}.available_slots", errors)
        if available - slot_ids:
            errors.append((f"{path}.available_slots", f"créneau(x) inconnu(s) : {', '.join(sorted(available - slot_ids)[:5])}"))
        members.append(Member(raw["id"], str(raw.get("name") or raw["id"]), gender, quals,
                              _strings(raw.get("certifications"), f"{path}.certifications", errors), raw.get("site"),
                              available & slot_ids, max_sessions))
    for index, raw in enumerate(document.get("candidates") or []):
        path = f"candidates[{index}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            errors.append((path, "objet avec un « id » texte attendu"))
            continue
        code = raw.get("certification")
        if code not in rules.certifications:
            errors.append((f"{path}.certification", f"certification inconnue {code!r}"))
        route = raw.get("route", "vae")
        if route not in {r.value for r in AccessRoute}:
            errors.append((f"{path}.route", f"voie inconnue {route!r}"))
        received = optional_day(raw.get("received_on"), f"{path}.received_on", errors)
        sit_by = optional_day(raw.get("sit_by"), f"{path}.sit_by", errors)
        unavailable = _strings(raw.get("unavailable_slots"), f"{path}.unavailable_slots", errors)
        if sit_by is not None:  # a hard deadline: every slot after it is closed to the candidate, in every part of the planner
            unavailable |= {slot.id for slot in slots if slot.day > sit_by}
        candidates.append(Candidate(raw["id"], code, route, raw.get("site"),
                                    _strings(raw.get("conflicts"), f"{path}.conflicts", errors), unavailable, received, sit_by))
    for kind, items in (("members", members), ("candidates", candidates)):
        if len({i.id for i in items}) != len(items):
            errors.append((kind, "identifiants en double"))
    if errors:
        raise InvalidProblem(errors)
    return Problem(as_of, sorted(slots, key=lambda s: (s.start, s.id)), members, candidates)


# --------------------------------------------------------------------------- requirements


@dataclass(frozen=True)
class Requirement:
    """What one session of a certification needs on a given day (rules + law)."""

    certification: str
    places: tuple[Place, ...]  # by kind, each with its count
    size: int
    capacity: int
    shares: tuple[tuple[frozenset[str], int], ...]  # (qualifications, minimum members)
    professional_qualifications: frozenset[str]
    min_professionals: int
    parity_tags: tuple[str, str] | None
    gender_min_each: int
    president_required: bool

    def fits(self, member: Member, place: Place) -> bool:
        return place.qualifications is None or bool(place.qualifications & member.qualifications)


class NotPlannable(Exception):
    """A certification cannot be planned on that day; the message says why."""


def requirement(rules: RuleBook, certification: str, route: str, day: date) -> Requirement:
    """What a session of ``certification`` needs on ``day``, or :class:`NotPlannable` saying why not."""
    req = jury_requirement(rules, certification, AccessRoute(route), day)
    if req.registration is None:
        raise NotPlannable(f"{certification} n'est pas enregistrée au RNCP le {day:%d/%m/%Y}")
    if req.route_state is None or not req.route_state.open:
        raise NotPlannable(f"la voie {AccessRoute(route).short_french} n'est pas ouverte pour {certification} le {day:%d/%m/%Y}")
    if not req.structured:
        raise NotPlannable(f"composition non structurée pour {certification} : structurez les sièges dans les règles")
    size = req.size
    shares = tuple((share.qualifications, req.share_minimum(share, size)) for share in req.jury.shares)
    parity = (req.employer_tag, req.employee_tag) if req.law_value("employer_employee_balance") else None
    return Requirement(req.certification.code, req.places, size, req.certification.session_capacity, shares, req.professionals,
                       req.min_professionals(size), parity, req.gender_min_each, bool(req.law_value("president_required")))
