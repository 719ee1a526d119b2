"""What breaks a plan made in advance (``vae-jury-changes/1``), the plan's marking of what has
already been announced (``status`` of a session, ``convened`` candidates), and the changed problem:
the documents a repair reads, validated field by field (docs/jury-planning-format.md)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ...certifications.rules import RuleBook
from ...dates import document_day
from .model import PLAN_FORMAT, PROBLEM_FORMAT, Candidate, InvalidProblem, Member, Problem, Session, Slot, parse_problem

CHANGES_FORMAT = "vae-jury-changes/1"
CONFIRMED = "confirmed"  # a session whose members have been convened
KINDS = ("member_withdrawn", "slot_removed", "rooms_removed", "candidate_added", "candidate_withdrawn")


class InvalidChanges(InvalidProblem):
    """The changes document (or the plan it applies to) is invalid (422); ``errors`` map each path to its reason."""


@dataclass(frozen=True)
class Change:
    """One entry of a changes document; only the fields of its ``kind`` are set."""

    kind: str
    member: str | None = None
    since: date | None = None  # ``from`` in the document
    slot: str | None = None
    rooms: int = 0
    candidate: Candidate | None = None  # candidate_added
    candidate_id: str | None = None  # candidate_withdrawn


@dataclass
class MarkedPlan:
    """A ``vae-jury-plan/1`` with what has been announced; ``raw`` keeps each session's JSON as it came."""

    sessions: list[Session]
    raw: list[dict]
    confirmed: list[bool]
    convened: list[str]
    document: dict
    unplanned: list[dict] = field(default_factory=list)


# --------------------------------------------------------------------------- the plan's marking


def parse_marked_plan(document: Any, problem: Problem) -> MarkedPlan:
    """The plan, its confirmed sessions and convened candidates; :class:`InvalidChanges` naming each bad field."""
    errors: list[tuple[str, str]] = []
    if not isinstance(document, dict) or document.get("format") != PLAN_FORMAT:
        raise InvalidChanges([("format", f"« {PLAN_FORMAT} » attendu")])
    plan = MarkedPlan([], [], [], [], document)
    for index, raw in enumerate(_list(document, "sessions", errors)):
        session = _session(raw, f"sessions[{index}]", problem, errors)
        if session is not None:
            plan.sessions.append(session)
            plan.raw.append(raw)
            plan.confirmed.append(raw.get("status") == CONFIRMED)
    convened = _list(document, "convened", errors)
    for index, candidate_id in enumerate(convened):
        if candidate_id not in problem.candidate_by_id:
            errors.append((f"convened[{index}]", f"candidat inconnu {candidate_id!r}"))
    plan.convened = [c for c in convened if isinstance(c, str)]
    plan.unplanned = [u for u in _list(document, "unplanned", errors) if isinstance(u, dict)]
    if errors:
        raise InvalidChanges(errors)
    return plan


def _list(document: dict, key: str, errors: list) -> list:
    value = document.get(key) or []
    if not isinstance(value, list):
        errors.append((key, "liste attendue"))
        return []
    return value


def _session(raw, path: str, problem: Problem, errors: list) -> Session | None:
    try:
        session = Session(raw["slot"], raw["certification"], [(m["id"], m.get("role")) for m in raw["members"]],
                          list(raw["candidates"]))
    except (KeyError, TypeError, AttributeError):
        errors.append((path, "objet avec « slot », « certification », « members » et « candidates » attendu"))
        return None
    if raw.get("status", CONFIRMED) != CONFIRMED:
        errors.append((f"{path}.status", f"« {CONFIRMED} » ou absent (brouillon) attendu, reçu {raw['status']!r}"))
    if session.slot not in problem.slot_by_id:
        errors.append((f"{path}.slot", f"créneau inconnu {session.slot!r}"))
    errors.extend((f"{path}.members[{i}].id", f"membre inconnu {m!r}")
                  for i, (m, _r) in enumerate(session.members) if m not in problem.member_by_id)
    errors.extend((f"{path}.candidates[{i}]", f"candidat inconnu {c!r}")
                  for i, c in enumerate(session.candidates) if c not in problem.candidate_by_id)
    return session


# --------------------------------------------------------------------------- the changes document


def parse_changes(document: Any, problem: Problem, rules: RuleBook) -> list[Change]:
    """The changes, in order; :class:`InvalidChanges` naming each bad field (unknown ids are errors)."""
    if not isinstance(document, dict):
        raise InvalidChanges([("(root)", "un objet JSON est attendu")])
    errors: list[tuple[str, str]] = []
    if document.get("format") != CHANGES_FORMAT:
        errors.append(("format", f"« {CHANGES_FORMAT} » attendu, reçu {document.get('format')!r}"))
    changes = []
    for index, raw in enumerate(_list(document, "changes", errors)):
        change = _change(raw, f"changes[{index}]", problem, rules, errors)
        if change is not None:
            changes.append(change)
    if errors:
        raise InvalidChanges(errors)
    return changes


def _change(raw, path: str, problem: Problem, rules: RuleBook, errors: list) -> Change | None:
    if not isinstance(raw, dict) or raw.get("kind") not in KINDS:
        kind = raw.get("kind") if isinstance(raw, dict) else None
        errors.append((f"{path}.kind", f"type de changement inconnu {kind!r} : {', '.join(KINDS)} attendu"))
        return None
    before = len(errors)
    change = PARSERS[raw["kind"]](raw, path, problem, rules, errors)
    return change if len(errors) == before else None


def _known(value, known: dict, path: str, what: str, errors: list) -> str | None:
    if value not in known:
        errors.append((path, f"{what} inconnu {value!r}"))
        return None
    return value


def _member_withdrawn(raw, path, problem, rules, errors) -> Change:
    member = _known(raw.get("member"), problem.member_by_id, f"{path}.member", "membre", errors)
    if ("from" in raw) == ("slot" in raw):
        errors.append((path, "« from » (une date) ou « slot » (un créneau) attendu, pas les deux"))
        return Change("member_withdrawn", member)
    if "from" in raw:
        return Change("member_withdrawn", member, since=document_day(raw["from"], f"{path}.from", errors))
    return Change("member_withdrawn", member, slot=_known(raw["slot"], problem.slot_by_id, f"{path}.slot", "créneau", errors))


def _slot_removed(raw, path, problem, rules, errors) -> Change:
    return Change("slot_removed", slot=_known(raw.get("slot"), problem.slot_by_id, f"{path}.slot", "créneau", errors))


def _rooms_removed(raw, path, problem, rules, errors) -> Change:
    slot = _known(raw.get("slot"), problem.slot_by_id, f"{path}.slot", "créneau", errors)
    rooms = raw.get("rooms")
    most = problem.slot_by_id[slot].rooms if slot else None
    if not isinstance(rooms, int) or isinstance(rooms, bool) or rooms < 1 or (most is not None and rooms > most):
        bound = f"de 1 à {most}" if most is not None else "≥ 1"
        errors.append((f"{path}.rooms", f"nombre de salles perdues attendu, entier {bound}, reçu {rooms!r}"))
    return Change("rooms_removed", slot=slot, rooms=rooms if isinstance(rooms, int) else 0)


def _candidate_added(raw, path, problem, rules, errors) -> Change:
    """The candidate is read as the problem reads its own (``sit_by`` closes the later slots)."""
    document = {"format": PROBLEM_FORMAT, "as_of": problem.as_of.isoformat(), "candidates": [raw.get("candidate")],
                "slots": [{"id": s.id, "start": s.start.isoformat(), "end": s.end.isoformat(), "site": s.site,
                           "rooms": max(s.rooms, 1)} for s in problem.slots]}
    try:
        candidate = parse_problem(document, rules).candidates[0]
    except InvalidProblem as exc:
        errors.extend((f"{path}.{p.replace('candidates[0]', 'candidate')}", reason) for p, reason in exc.pairs())
        return Change("candidate_added")
    if candidate.id in problem.candidate_by_id:
        errors.append((f"{path}.candidate.id", f"le candidat {candidate.id!r} existe déjà"))
    return Change("candidate_added", candidate=candidate)


def _candidate_withdrawn(raw, path, problem, rules, errors) -> Change:
    return Change("candidate_withdrawn",
                  candidate_id=_known(raw.get("candidate"), problem.candidate_by_id, f"{path}.candidate", "candidat", errors))


PARSERS = {"member_withdrawn": _member_withdrawn, "slot_removed": _slot_removed, "rooms_removed": _rooms_removed,
           "candidate_added": _candidate_added, "candidate_withdrawn": _candidate_withdrawn}


# --------------------------------------------------------------------------- the changed problem


@dataclass
class Causes:
    """Why each seat or slot is lost, in words for a coordinator: (member, slot) and slot."""

    seat: dict[tuple[str, str], str] = field(default_factory=dict)
    slot: dict[str, str] = field(default_factory=dict)


def called(member: Member) -> str:
    title = {"F": "Mme ", "M": "M. "}.get(member.gender or "", "")
    return f"{title}{member.name}"


def apply_changes(problem: Problem, changes: list[Change]) -> tuple[Problem, Causes]:
    """The problem once the changes are made, and the cause of every lost seat and slot."""
    slots = {s.id: s for s in problem.slots}
    members = {m.id: m for m in problem.members}
    candidates = {c.id: c for c in problem.candidates}
    causes = Causes()
    for change in changes:
        if change.kind == "member_withdrawn":
            _withdraw(members, slots, change, causes)
        elif change.slot is not None and change.slot not in slots:
            continue  # a slot removed by an earlier change: nothing more to lose there
        elif change.kind == "slot_removed":
            slot = slots.pop(change.slot)
            causes.slot[slot.id] = f"le créneau du {slot.start:%d/%m/%Y à %H:%M} ({slot.site}) est supprimé"
        elif change.kind == "rooms_removed":
            slot = slots[change.slot]
            slots[slot.id] = dataclasses.replace(slot, rooms=max(0, slot.rooms - change.rooms))
            causes.slot[slot.id] = f"{change.rooms} salle(s) en moins le {slot.start:%d/%m/%Y à %H:%M} ({slot.site})"
        elif change.kind == "candidate_added":
            candidates[change.candidate.id] = change.candidate
        else:
            candidates.pop(change.candidate_id, None)
    members = {k: dataclasses.replace(m, available=m.available & slots.keys()) for k, m in members.items()}
    kept = [slots[s.id] for s in problem.slots if s.id in slots]
    return Problem(problem.as_of, kept, list(members.values()), list(candidates.values())), causes


def _withdraw(members: dict, slots: dict[str, Slot], change: Change, causes: Causes) -> None:
    member = members[change.member]
    lost = {change.slot} if change.slot else {s.id for s in slots.values() if s.day >= change.since}
    members[member.id] = dataclasses.replace(member, available=member.available - lost)
    for slot_id in lost & member.available & slots.keys():
        causes.seat[(member.id, slot_id)] = f"{called(member)} ne peut plus siéger le {slots[slot_id].day:%d/%m/%Y}"
