"""State-changing use cases on candidacies. They only flush: the request (or the
CLI command) commits once. Every state change writes an audit row in the same
transaction."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from .. import clock
from ..audit.operations import record as audit
from ..auth.models import Role, User
from ..auth.permissions import can_fire_move, can_view_candidacy
from ..certifications.eligibility import Experience as EngineExperience
from ..certifications.models import Certification
from ..certifications.registry import get_rules
from ..certifications.vocabulary import AccessRoute, ExperienceStatus
from ..components.models import AcquiredComponent
from ..components.validity import component_expiry
from ..extensions import db
from .models import (
    AssessmentResult, Candidacy, CandidacyState as S, ComponentAssessment, ComponentDecision, DecisionOutcome,
    ExperiencePeriod, ValidationFileSection,
)
from .workflow import MOVES, MoveContext, MoveRefused, run


class PermissionDenied(Exception):
    """The user may not do this (HTTP 403)."""


class Conflict(Exception):
    """The candidacy changed meanwhile (HTTP 409): reload and try again."""


class InvalidData(ValueError):
    """Input data is invalid (HTTP 422); ``errors`` maps field -> reason."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


CHANGED_MEANWHILE = "Ce dossier a été modifié entre-temps par quelqu'un d'autre : rechargez la page et recommencez."


def next_reference(prefix: str, year: int) -> str:
    """``VAE-2016-0005``: the next free number for the year (unique constraint backs it)."""
    pattern = f"{prefix}-{year}-%"
    count = db.session.scalar(select(func.count(Candidacy.id)).where(Candidacy.reference.like(pattern)))
    number = count + 1
    while db.session.scalar(select(Candidacy.id).where(Candidacy.reference == f"{prefix}-{year}-{number:04d}")):
        number += 1
    return f"{prefix}-{year}-{number:04d}"


def open_offers(today: date) -> list[tuple[Certification, AccessRoute]]:
    """(certification, route) pairs a candidate may apply for today: registered and open."""
    rules = get_rules()
    offers = []
    for cert in db.session.scalars(select(Certification).order_by(Certification.code)):
        cert_rules = rules.certification(cert.code)
        if not cert_rules.is_registered_on(today):
            continue
        for state in cert_rules.open_routes_on(today):
            if state.route is AccessRoute.VAE:  # this app runs VAE candidacies
                offers.append((cert, state.route))
    return offers


def create_candidacy(candidate: User, certification_code: str, route: AccessRoute,
                     experiences: list[dict] | None = None) -> Candidacy:
    """Start a draft application for a certification and route open today."""
    if candidate.role is not Role.CANDIDATE:
        raise PermissionDenied("Seul un candidat peut déposer une candidature.")
    today = clock.today()
    cert = db.session.scalar(select(Certification).where(Certification.code == certification_code))
    if cert is None:
        raise InvalidData({"certification": f"certification inconnue {certification_code!r}"})
    if (cert, route) not in open_offers(today):
        raise InvalidData({"route": f"la voie « {route.label} » n'est pas ouverte pour {cert.code} le {today.strftime('%d/%m/%Y')}"})
    now = clock.now()
    candidacy = Candidacy(
        reference=next_reference("VAE", today.year), candidate=candidate, certification=cert, route=route,
        state=S.DRAFT, created_at=now, updated_at=now,
    )
    for item in experiences or []:
        candidacy.experiences.append(_experience_row(item))
    db.session.add(candidacy)
    db.session.flush()
    audit(entity="candidacy", entity_id=candidacy.id, candidacy_id=candidacy.id, event="create", actor=candidate,
          to_state=S.DRAFT, reason=None)
    return candidacy


def _experience_row(item: dict | EngineExperience) -> ExperiencePeriod:
    if isinstance(item, EngineExperience):
        return ExperiencePeriod(status=item.status, start=item.start, end_on=item.end, hours=item.hours,
                                related=item.related if item.related is not None else True,
                                job_title="", organisation="")
    return ExperiencePeriod(
        status=ExperienceStatus(item["status"]), start=item["start"], end_on=item.get("end"), hours=item.get("hours"),
        related=bool(item.get("related", True)), job_title=item.get("job_title") or "",
        organisation=item.get("organisation") or "", activities=item.get("activities"),
    )


def ensure_editable(candidacy: Candidacy, user: User) -> None:
    """The application (livret 1) can be edited by its candidate while a draft or incomplete."""
    if user.id != candidacy.candidate_id:
        raise PermissionDenied("Seul le candidat modifie sa demande.")
    if candidacy.state not in (S.DRAFT, S.INCOMPLETE):
        raise MoveRefused("edit", [f"La demande ne peut plus être modifiée dans l'état « {candidacy.state.label} »."])


def touch(candidacy: Candidacy) -> None:
    candidacy.updated_at = clock.now()


def fire(candidacy: Candidacy, move: str, actor: User | None, *, reason: str | None = None, data: dict | None = None,
         expected_version: int | None = None) -> S:
    """Fire a workflow move: permission, guards, side effects, audit row; flush.

    ``actor`` None is the system (cron). ``expected_version`` (the version the
    user saw) turns a concurrent change into :class:`Conflict`.
    """
    if move not in MOVES:
        raise MoveRefused(move, [f"event : mouvement inconnu {move!r} (attendu : {', '.join(MOVES)})."], status=422)
    if not can_fire_move(actor, candidacy, MOVES[move]):
        raise PermissionDenied(f"Vous ne pouvez pas « {MOVES[move].label} » sur ce dossier.")
    if expected_version is not None and expected_version != candidacy.version:
        raise Conflict(CHANGED_MEANWHILE)
    context = MoveContext(actor=actor, today=clock.today(), rules=get_rules(), reason=(reason or "").strip() or None,
                          data=data or {})
    # A concurrent change shows as StaleDataError at any flush, including an autoflush inside a side effect.
    try:
        source = candidacy.state
        target = run(move, candidacy, context)
        details = EFFECTS.get(move, _no_effect)(candidacy, context, target) or {}
        if target is not source:
            candidacy.state = target
        touch(candidacy)
        audit(entity="candidacy", entity_id=candidacy.id, candidacy_id=candidacy.id, event=move, actor=actor,
              from_state=source, to_state=target, reason=context.reason or details.pop("reason", None),
              details=details or None)
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(CHANGED_MEANWHILE) from None
    return target


# --------------------------------------------------------------------------- side effects


def _no_effect(candidacy, context, target):
    return None


def _submit(candidacy, context, target):
    candidacy.received_on = candidacy.received_on or context.today
    candidacy.complete_on = context.today
    return {"received_on": candidacy.received_on.isoformat(), "complete_on": candidacy.complete_on.isoformat()}


def _verdict_details(context) -> dict:
    verdict = context.facts.get("verdict")
    return {"verdict": verdict.as_dict()} if verdict else {}


def _declare(candidacy, context, target):
    from .services import verdict_for

    candidacy.eligibility_decided_on = context.today
    if "verdict" not in context.facts:
        context.facts["verdict"] = verdict_for(candidacy, context.rules, context.today)
    return _verdict_details(context)


def _apply_silence(candidacy, context, target):
    due, meaning, rule, source = context.facts["silence"]
    candidacy.eligibility_decided_on = due
    wording = "vaut recevabilité" if meaning == "admissible" else "vaut rejet"
    return {"reason": f"Silence du certificateur au-delà du {due.strftime('%d/%m/%Y')} : {wording} ({rule}, {source}).",
            "rule": rule, "answer_due_on": due.isoformat()}


def _submit_validation_file(candidacy, context, target):
    candidacy.validation_file_submitted_on = context.today
    return None


def _record_assessment(candidacy, context, target):
    code, result = context.data["component"], AssessmentResult(context.data["result"])
    note = (context.data.get("note") or "").strip() or None
    existing = next((a for a in candidacy.assessments if a.component_code == code), None)
    if existing is None:
        existing = ComponentAssessment(component_code=code)
        candidacy.assessments.append(existing)
    existing.result, existing.note = result, note
    existing.assessed_on = context.today
    existing.assessor_id = getattr(context.actor, "id", None)
    return {"component": code, "result": result.value, "note": note}


def _schedule(candidacy, context, target):
    session = context.facts["session"]
    candidacy.jury_session = session
    return {"session": session.reference, "starts_at": session.starts_at.isoformat()}


def _record_decision(candidacy, context, target):
    outcome = context.facts["decision"][0]
    session = candidacy.jury_session
    if outcome in ("absent", "excused"):
        candidacy.jury_session = None
        return {"outcome": outcome, "session": session.reference if session else None}
    day = session.starts_at.date()
    cert_rules = context.rules.certification(candidacy.certification.code)
    results = context.data.get("components") or {}
    carried = {a.component_code for a in candidacy.acquired_components if a.is_valid_on(day)}
    expiries = {}
    for component in cert_rules.components:
        if component.code in carried:
            continue
        validated = bool(results.get(component.code))
        db.session.add(ComponentDecision(candidacy_id=candidacy.id, jury_session_id=session.id,
                                         component_code=component.code, validated=validated, decided_on=day))
        if validated:
            validity = component_expiry(cert_rules, context.rules.law, day)
            existing = next((a for a in candidacy.acquired_components if a.component_code == component.code), None)
            if existing is None:
                existing = AcquiredComponent(component_code=component.code)
                candidacy.acquired_components.append(existing)
            existing.validated_on, existing.expires_on, existing.validity_rule = day, validity.expires_on, validity.rule
            expiries[component.code] = validity.expires_on.isoformat() if validity.expires_on else None
    candidacy.decision_outcome = DecisionOutcome(outcome)
    candidacy.decided_on = day
    return {"outcome": outcome, "session": session.reference, "components": results, "expires_on": expiries,
            "carried_over": sorted(carried)}


def _resume(candidacy, context, target):
    acquired = {a.component_code for a in candidacy.acquired_components if a.is_valid_on(context.today)}
    for assessment in list(candidacy.assessments):
        if assessment.component_code not in acquired:
            candidacy.assessments.remove(assessment)
    candidacy.jury_session = None
    candidacy.decision_outcome = None
    candidacy.decided_on = None
    candidacy.validation_file_submitted_on = None
    return {"carried_over": sorted(acquired)}


def _withdraw(candidacy, context, target):
    if candidacy.jury_session is not None and candidacy.decided_on is None:
        candidacy.jury_session = None
    return None


EFFECTS = {
    "submit": _submit,
    "declare_eligible": _declare,
    "declare_ineligible": _declare,
    "apply_silence": _apply_silence,
    "submit_validation_file": _submit_validation_file,
    "record_assessment": _record_assessment,
    "schedule": _schedule,
    "record_decision": _record_decision,
    "resume": _resume,
    "withdraw": _withdraw,
}


def save_section(candidacy: Candidacy, user: User, component_code: str, text: str) -> ValidationFileSection:
    """The candidate writes the part of the validation file for one component."""
    if user.id != candidacy.candidate_id:
        raise PermissionDenied("Seul le candidat rédige son dossier de validation.")
    if candidacy.state is not S.VALIDATION_FILE:
        raise MoveRefused("edit", [f"Le dossier de validation ne peut pas être modifié dans l'état « {candidacy.state.label} »."])
    codes = {c.code for c in get_rules().certification(candidacy.certification.code).components}
    if component_code not in codes:
        raise InvalidData({"component": f"composante inconnue {component_code!r}"})
    section = next((s for s in candidacy.validation_sections if s.component_code == component_code), None)
    if section is None:
        section = ValidationFileSection(component_code=component_code, text="")
        candidacy.validation_sections.append(section)
    section.text = text
    section.updated_at = clock.now()
    touch(candidacy)
    return section


def visible_or_403(user: User, candidacy: Candidacy | None) -> Candidacy:
    from werkzeug.exceptions import Forbidden, NotFound

    if candidacy is None:
        raise NotFound()
    if not can_view_candidacy(user, candidacy):
        raise Forbidden()
    return candidacy
