"""Every change to a candidacy: workflow moves with their side effects, and the candidate's
application (identity, experience periods, documents, validation file).

Operations only flush: the request (or the CLI command) commits once. Each
writes its audit row in the same transaction. They raise the domain errors
of :mod:`vae_app.errors`, which one handler renders for the web and the API.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import clock
from ..audit.actions import Action, Entity
from ..audit.operations import record as audit
from ..auth.models import Role, User
from ..auth.permissions import can_fire_move, can_view_candidacy
from ..certifications.eligibility import Experience as EngineExperience, implausible, implausible_birth_date
from ..certifications.models import Certification
from ..certifications.registry import get_rules
from ..certifications.vocabulary import AccessRoute
from ..components.models import AcquiredComponent
from ..components.validity import component_expiry
from ..numbering import next_number
from ..controls import visible_or_none
from ..database import violated_constraint
from ..errors import CHANGED_MEANWHILE, Conflict, InvalidData, MoveRefused, NotFound, PermissionDenied, Reason, ensure_unchanged
from ..enums import N_
from ..extensions import db
from ..francevae import outbox as francevae_outbox
from . import documents, messages
from .assessment import carried_over, targeted
from .eligibility import verdict_for
from .models import (
    AssessmentResult, Candidacy, CandidacyState as S, ComponentAssessment, ComponentDecision, Document, DocumentKind,
    ExperiencePeriod, ValidationFileSection,
)
from .pathway import governs as _governs, lapse_of
from . import queries
from .queries import open_offers
from .workflow import MOVES, MoveContext, run


def next_reference(prefix: str, year: int) -> str:
    """``VAE-2016-0005``: the year's next number, drawn once (a counter; the numbers rows already carry are skipped)."""
    series = f"{prefix}-{year}"

    def highest() -> int:
        references = db.session.scalars(select(Candidacy.reference).where(Candidacy.reference.like(f"{series}-%"))).all()
        return max((int(r.rsplit("-", 1)[1]) for r in references if r.rsplit("-", 1)[1].isdigit()), default=0)

    return f"{series}-{next_number(f'candidacy:{series}', highest):04d}"


def visible(user: User, candidacy: Candidacy | None) -> Candidacy:
    """The candidacy when ``user`` may see it: 404 when absent, 403 when someone else's."""
    if candidacy is None:
        raise NotFound("Ce dossier n'existe pas.")
    if not can_view_candidacy(user, candidacy):
        raise PermissionDenied("Ce dossier ne vous est pas accessible.")
    return candidacy


def touch(candidacy: Candidacy) -> None:
    candidacy.updated_at = clock.now()


def _record(candidacy: Candidacy, action: Action, actor: User | None, reason: str | None = None, details: dict | None = None) -> None:
    touch(candidacy)
    db.session.flush()
    audit(entity=Entity.CANDIDACY, entity_id=candidacy.id, candidacy_id=candidacy.id, event=action, actor=actor, reason=reason,
          details=details)


# --------------------------------------------------------------------------- the application (livret 1)


def create_candidacy(candidate: User, certification_code: str, route: AccessRoute,
                     experiences: list[EngineExperience] | None = None, applicant: dict | None = None) -> Candidacy:
    """Start a draft application for a certification and route open today, with the periods and
    identity fields given (the API sends them at once)."""
    if candidate.role is not Role.CANDIDATE:
        raise PermissionDenied("Seul un candidat peut déposer une candidature.")
    today = clock.today()
    cert = db.session.scalar(select(Certification).where(Certification.code == certification_code))
    if cert is None:
        raise InvalidData({"certification": f"certification inconnue {certification_code!r}"})
    if (cert, route) not in open_offers(today):
        raise InvalidData({"route": f"la voie « {route.french} » n'est pas ouverte pour {cert.code} le {today.strftime('%d/%m/%Y')}"})
    now = clock.now()
    candidacy = Candidacy(
        reference=next_reference("VAE", today.year), candidate=candidate, certification=cert, route=route,
        state=S.DRAFT, created_at=now, updated_at=now, **(applicant or {}),
    )
    for item in experiences or []:
        candidacy.experiences.append(ExperiencePeriod(status=item.status, start=item.start, end_on=item.end, hours=item.hours,
                                                      related=item.related, job_title="", organisation=""))
    db.session.add(candidacy)
    db.session.flush()
    audit(entity=Entity.CANDIDACY, entity_id=candidacy.id, candidacy_id=candidacy.id, event=Action.CREATE, actor=candidate,
          to_state=S.DRAFT, details={"experiences": [_said(row) for row in candidacy.experiences]} if candidacy.experiences else None)
    return candidacy


def ensure_editable(candidacy: Candidacy, user: User) -> None:
    """The application (livret 1) can be edited by its candidate while a draft or incomplete."""
    if user.id != candidacy.candidate_id:
        raise PermissionDenied("Seul le candidat modifie sa demande.")
    if candidacy.state not in (S.DRAFT, S.INCOMPLETE):
        raise Conflict(f"La demande ne peut plus être modifiée dans l'état « {candidacy.state.french} ».")


APPLICATION_FIELDS = ("birth_date", "birth_place", "nationality", "address", "phone", "current_situation", "highest_diploma",
                      "sworn_statement")


def save_application(candidacy: Candidacy, user: User, values: dict, expected_version: int | None = None) -> None:
    """The candidate's identity and situation (CERFA 12818): the fields given are saved; a birth date that
    cannot be the applicant's is refused (the periods are judged against it)."""
    ensure_editable(candidacy, user)
    if expected_version is not None and expected_version != candidacy.version:
        raise Conflict(CHANGED_MEANWHILE)
    if values.get("birth_date") is not None:
        problem = implausible_birth_date(values["birth_date"], candidacy.received_on or clock.today(), get_rules().law)
        if problem:
            raise InvalidData({"birth_date": problem})
    changed = sorted(name for name in APPLICATION_FIELDS if name in values and getattr(candidacy, name) != values[name])
    for name in changed:
        setattr(candidacy, name, values[name])
    _record(candidacy, Action.UPDATE_APPLICATION, user, details={"fields": changed})


FEASIBILITY_FIELDS = ("pathway_started_on", "target_components", "in_initial_training", "prior_learning", "feasibility_model",
                      "accompanier", "accompanier_opinion")


def save_feasibility(candidacy: Candidacy, user: User, values: dict, expected_version: int | None = None) -> None:
    """The feasibility file's own parts (C. trav. R6412-2, R6412-3): when the pathway was initiated on France VAE,
    what it targets — the whole certification (one option's blocs where it has options) or blocs, these only on
    the reform's pathway (N1) —, whether the candidate prepares it in initial training (N2), the trainings followed
    and blocs already held (R6412-1), the file's model and the accompanier's opinion (N4). ``target_components`` None: the whole certification."""
    ensure_editable(candidacy, user)
    if expected_version is not None and expected_version != candidacy.version:
        raise Conflict(CHANGED_MEANWHILE)
    rules, today = get_rules(), clock.today()
    cert = rules.certification(candidacy.certification.code)
    errors = []
    started = values.get("pathway_started_on")
    if started is not None and started > today:
        errors.append(("pathway_started_on", f"la date ne peut pas être postérieure à aujourd'hui ({today:%d/%m/%Y})"))
    elif started is not None and candidacy.received_on and started > candidacy.received_on:
        errors.append(("pathway_started_on", f"le parcours est engagé au plus tard à la réception ({candidacy.received_on:%d/%m/%Y})"))
    elif started is not None and rules.reform_governs(cert.code, "feasibility_file", started) is False:
        _known, since = cert.france_vae
        errors.append(("pathway_started_on", f"la certification n'est proposée sur France VAE que depuis le {since:%d/%m/%Y} : un "
                                              "parcours n'y est pas engagé avant" if since else
                       "cette certification n'est pas proposée sur France VAE : aucun parcours n'y est engagé"))
    target = values.get("target_components")
    codes = [c.code for c in cert.components]
    if target is not None:
        target = [code for code in codes if code in set(target)]  # the certification's order, each once
        unknown = sorted(set(values["target_components"]) - set(codes))
        if unknown:
            errors.append(("target_components", f"bloc inconnu : {', '.join(map(str, unknown))}"))
        elif not target:
            errors.append(("target_components", "choisissez au moins un bloc"))
        elif cert.option_targeted(target) is None:
            on = started or candidacy.received_on or today
            if rules.reform_governs(cert.code, "pathway_target", on) is not True:
                errors.append(("target_components", "une demande ne peut viser des blocs que sur le parcours engagé sur France VAE "
                                                    "(C. trav. R6412-2) ; elle vise ici la certification entière"))
    elif len(cert.award_options) > 1 and "target_components" in values:
        errors.append(("target_components", "la certification s'obtient avec le bloc commun et les blocs d'une option : "
                                            "choisissez l'option, ou les blocs visés"))
    if errors:
        raise InvalidData(errors)
    values = {**values, "target_components": target}
    changed = sorted(name for name in FEASIBILITY_FIELDS if name in values and getattr(candidacy, name) != values[name])
    for name in changed:
        setattr(candidacy, name, values[name])
    details = {"fields": changed, "target_components": candidacy.target_components}
    if "target_components" in changed and (candidacy.component_gaps is not None or candidacy.recommendations):
        # the certifier's review was of the blocs targeted before: it says nothing of the new ones
        details["review_withdrawn"] = {"gaps": candidacy.component_gaps, "recommendations": candidacy.recommendations}
        candidacy.component_gaps = candidacy.recommendations = None
    _record(candidacy, Action.UPDATE_FEASIBILITY, user, details=details)


def save_feasibility_review(candidacy: Candidacy, user: User, gaps: dict[str, str], recommendations: str | None,
                            expected_version: int | None = None) -> None:
    """The certifier's gaps between the declared experience and each targeted bloc, and optional recommendations
    (C. trav. R6412-4, N5), recorded before the decision that states them. A bloc left blank: reviewed, no gap."""
    if not can_fire_move(user, candidacy, MOVES["declare_eligible"]):
        raise PermissionDenied("Seul le certificateur consigne les écarts au référentiel.")
    if expected_version is not None and expected_version != candidacy.version:
        raise Conflict(CHANGED_MEANWHILE)
    if candidacy.state is not S.SUBMITTED:
        raise Conflict(f"Les écarts se consignent avant la décision, la demande étant déposée ; elle est « {candidacy.state.french} ».")
    rules = get_rules()
    if _governs(candidacy, rules, "feasibility_answer") is not True:
        raise Conflict("Les écarts au référentiel (C. trav. R6412-4) ne s'appliquent qu'au parcours engagé sur France VAE.")
    codes = [c.code for c in targeted(candidacy, rules)]
    unknown = sorted(set(gaps) - set(codes))
    if unknown:
        raise InvalidData({"gaps": f"bloc non visé par la demande : {', '.join(unknown)}"})
    said = {code: visible_or_none(gaps.get(code)) or "" for code in codes}  # "": the certifier reviewed the bloc, no gap
    candidacy.component_gaps = said
    candidacy.recommendations = visible_or_none(recommendations)
    _record(candidacy, Action.REVIEW_FEASIBILITY, user, details={"gaps": said, "recommendations": candidacy.recommendations})


EXPERIENCE_FIELDS = ("status", "job_title", "organisation", "start", "end_on", "hours", "related", "activities")


def experience_of(candidacy: Candidacy, experience_id: int) -> ExperiencePeriod:
    row = db.session.get(ExperiencePeriod, experience_id)
    if row is None or row.candidacy_id != candidacy.id:
        raise NotFound("Cette période d'expérience n'existe pas.")
    return row


def _describe(row: ExperiencePeriod) -> str:
    return f"{row.job_title} — {row.organisation} ({row.start:%d/%m/%Y})"


def _said(row: ExperiencePeriod) -> dict:
    """What the candidate said of a period, as the audit keeps it (``related`` None: not said)."""
    return {"experience": row.id, "related": row.related}


FORM_FIELDS = {"start": "start", "end": "end_on", "hours": "hours"}  # the engine's field -> the form's


def _plausible(candidacy: Candidacy, values: dict) -> None:
    """Refuse a period that cannot be true (DOMAIN « Plausibility »), each reason on its field: among them, a period
    that starts or ends after today (experience not yet lived is not declared; one still held has no end)."""
    today = clock.today()
    future = [(field, Reason(message, day=f"{today:%d/%m/%Y}")) for field, message in (
        ("start", N_("Le début ne peut pas être après aujourd'hui (%(day)s) : seule l'expérience déjà vécue est déclarée.")),
        ("end_on", N_("La fin ne peut pas être après aujourd'hui (%(day)s) : laissez vide si l'emploi est en cours.")))
        if values.get(field) is not None and values[field] > today]
    experience = EngineExperience(values["status"], values["start"], values["end_on"], values["hours"], values["related"])
    problems = implausible(experience, candidacy.received_on or today, candidacy.birth_date, get_rules().law)
    said = {field for field, _reason in future}  # a date after today: that reason alone on its field
    problems = [(FORM_FIELDS[field], reason) for field, reason in problems if FORM_FIELDS[field] not in said]
    if future or problems:
        raise InvalidData(future + problems)


def add_experience(candidacy: Candidacy, user: User, values: dict) -> ExperiencePeriod:
    ensure_editable(candidacy, user)
    _plausible(candidacy, values)
    row = ExperiencePeriod(**{name: values[name] for name in EXPERIENCE_FIELDS})
    candidacy.experiences.append(row)
    db.session.flush()
    _record(candidacy, Action.ADD_EXPERIENCE, user, _describe(row), _said(row))
    return row


def update_experience(candidacy: Candidacy, user: User, experience_id: int, values: dict,
                      expected_version: int | None = None) -> ExperiencePeriod:
    ensure_editable(candidacy, user)
    row = experience_of(candidacy, experience_id)
    ensure_unchanged(row, expected_version)
    _plausible(candidacy, values)
    for name in EXPERIENCE_FIELDS:
        setattr(row, name, values[name])
    _record(candidacy, Action.UPDATE_EXPERIENCE, user, _describe(row), _said(row))
    return row


def remove_experience(candidacy: Candidacy, user: User, experience_id: int) -> None:
    ensure_editable(candidacy, user)
    row = experience_of(candidacy, experience_id)
    candidacy.experiences.remove(row)
    _record(candidacy, Action.REMOVE_EXPERIENCE, user, _describe(row))


def attach_document(candidacy: Candidacy, user: User, kind: DocumentKind, filename: str | None, data: bytes,
                    checked: tuple[str, str] | None = None) -> Document:
    """A supporting document, checked from its content (:mod:`.documents`), within the candidacy's allowance.
    The candidacy's row is locked first: two uploads at once both land, one after the other, and the second
    counts the first in the allowance."""
    ensure_editable(candidacy, user)
    document = _attach(candidacy, user, kind, filename, data, checked, lambda: ensure_editable(candidacy, user))
    _record(candidacy, Action.ATTACH_DOCUMENT, user, f"{kind.french} — {document.original_name}",
            {"sha256": document.sha256, "size_bytes": document.size_bytes})
    return document


def _attach(candidacy: Candidacy, user: User, kind: DocumentKind, filename: str | None, data: bytes, checked, still_allowed,
            component_code: str | None = None) -> Document:
    """Lock the candidacy's row, check again that the change is allowed (``still_allowed``), add the document."""
    db.session.refresh(candidacy, with_for_update=True)
    db.session.expire(candidacy, ["documents"])
    still_allowed()
    settings = current_app.config
    return documents.attach(candidacy, user, kind, filename, data, max_count=settings["VAE_DOCUMENTS_MAX_COUNT"],
                            max_total_bytes=settings["VAE_DOCUMENTS_MAX_TOTAL_MB"] * 1024 * 1024, checked=checked,
                            component_code=component_code)


def document_of(candidacy: Candidacy, document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None or document.candidacy_id != candidacy.id:
        raise NotFound("Cette pièce n'existe pas.")
    return document


def remove_document(candidacy: Candidacy, user: User, document_id: int) -> None:
    ensure_editable(candidacy, user)
    document = document_of(candidacy, document_id)
    if document.component_code is not None:
        raise NotFound("Cette pièce n'existe pas.")  # the validation file's documents are removed from their part
    candidacy.documents.remove(document)
    _record(candidacy, Action.REMOVE_DOCUMENT, user, f"{document.kind.french} — {document.original_name}",
            {"sha256": document.sha256})


def validation_component(candidacy: Candidacy, user: User, component_code: str):
    """The component whose part of the validation file the candidate changes now: their own file, being written
    (not filed, admissibility not lapsed), a component it targets; refused with the reason otherwise."""
    if user.id != candidacy.candidate_id:
        raise PermissionDenied("Seul le candidat rédige son dossier de validation.")
    if candidacy.state is not S.VALIDATION_FILE:
        raise Conflict(f"Le dossier de validation ne peut pas être modifié dans l'état « {candidacy.state.french} ».")
    lapse = lapse_of(candidacy, get_rules())
    if lapse is not None and lapse.lapsed(clock.today()):
        raise Conflict(f"La recevabilité est caduque depuis le {lapse.lapses_on:%d/%m/%Y} (C. trav. R6412-4) : le dossier de "
                       "validation ne peut plus être complété.")
    component = next((c for c in targeted(candidacy, get_rules()) if c.code == component_code), None)
    if component is None:
        raise NotFound(f"Composante inconnue, ou non visée par la demande : {component_code}.")
    return component


def save_section(candidacy: Candidacy, user: User, component_code: str, text: str) -> ValidationFileSection:
    """The candidate writes the part of the validation file for one component."""
    validation_component(candidacy, user, component_code)
    section = next((s for s in candidacy.validation_sections if s.component_code == component_code), None)
    if section is None:
        section = ValidationFileSection(component_code=component_code, text="")
        candidacy.validation_sections.append(section)
    section.text = text
    section.updated_at = clock.now()
    _record(candidacy, Action.SAVE_SECTION, user, details={"component": component_code, "characters": len(text)})
    return section


def attach_validation_document(candidacy: Candidacy, user: User, component_code: str, filename: str | None, data: bytes,
                               checked: tuple[str, str] | None = None) -> Document:
    """A PDF for one component's part of the validation file (a « mémoire », a report): the checks of every upload,
    PDF only, within the candidacy's allowance; the row is locked as for a supporting document."""
    component = validation_component(candidacy, user, component_code)
    document = _attach(candidacy, user, DocumentKind.VALIDATION_FILE, filename, data, checked,
                       lambda: validation_component(candidacy, user, component_code), component_code=component_code)
    _record(candidacy, Action.ATTACH_VALIDATION_DOCUMENT, user, f"{component.code} — {component.title} : {document.original_name}",
            {"component": component_code, "sha256": document.sha256, "size_bytes": document.size_bytes})
    return document


def validation_document_of(candidacy: Candidacy, user: User, document_id: int) -> Document:
    """A document of the candidate's own validation file (404 for a supporting document: removed from livret 1)."""
    if user.id != candidacy.candidate_id:
        raise PermissionDenied("Seul le candidat rédige son dossier de validation.")
    document = document_of(candidacy, document_id)
    if document.component_code is None:
        raise NotFound("Ce document n'appartient pas au dossier de validation.")
    return document


def remove_validation_document(candidacy: Candidacy, user: User, document_id: int) -> None:
    """The candidate takes back a document of their validation file not yet filed; a filed one stays as it was filed."""
    document = validation_document_of(candidacy, user, document_id)
    component = validation_component(candidacy, user, document.component_code)
    if document.filed_on is not None:
        raise Conflict(f"Ce document a été déposé avec le dossier de validation le {document.filed_on:%d/%m/%Y} : il y reste. "
                       "Joignez-en une nouvelle version si besoin.")
    candidacy.documents.remove(document)
    _record(candidacy, Action.REMOVE_VALIDATION_DOCUMENT, user, f"{component.code} — {component.title} : {document.original_name}",
            {"component": component.code, "sha256": document.sha256})


# --------------------------------------------------------------------------- workflow moves


def fire(candidacy: Candidacy, move: str, actor: User | None, *, reason: str | None = None, data: dict | None = None,
         expected_version: int | None = None, facts: dict | None = None) -> S:
    """Fire a workflow move: permission, guards, side effects, audit row; flush.

    ``actor`` None is the system (cron). ``expected_version`` (the version the
    user saw) turns a concurrent change into :class:`~vae_app.errors.Conflict`.
    ``facts`` are what the operation firing the move has established for its
    guards (the jury session of ``schedule``, see ``juries.operations.schedule``).
    """
    if move not in MOVES:
        raise MoveRefused(move, [f"Mouvement inconnu {move!r} (attendu : {', '.join(MOVES)})."], status=422)
    if not can_fire_move(actor, candidacy, MOVES[move]):
        raise PermissionDenied(f"Vous ne pouvez pas « {MOVES[move].french} » sur ce dossier.")
    if expected_version is not None and expected_version != candidacy.version:
        raise Conflict(CHANGED_MEANWHILE)
    context = MoveContext(actor=actor, today=clock.today(), now=clock.now(), rules=get_rules(),
                          reason=(reason or "").strip() or None, data=data or {}, facts=dict(facts or {}))
    # A concurrent change shows as StaleDataError at any flush, including an autoflush inside a side effect.
    try:
        source = candidacy.state
        target = run(move, candidacy, context)
        details = EFFECTS.get(move, _no_effect)(candidacy, context, target) or {}
        if target is not source:
            candidacy.state = target
        touch(candidacy)
        audit(entity=Entity.CANDIDACY, entity_id=candidacy.id, candidacy_id=candidacy.id, event=move, actor=actor,
              from_state=source, to_state=target, reason=context.reason or details.pop("reason", None),
              details=details or None)
        decided = context.facts.get("decision")
        francevae_outbox.after_move(candidacy, move, target, context.rules, decided[0] if decided else None,  # same transaction
                                    reason=context.reason)
        db.session.flush()
        messages.after_move(candidacy, move, target, context, context.reason)  # the letters read the audit row above
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(CHANGED_MEANWHILE) from None
    except IntegrityError as error:  # the same decision written by two people at once: the database keeps one
        if not violated_constraint(error).startswith(("uq_component_decisions", "component_decisions.")):
            raise
        db.session.rollback()
        raise Conflict(CHANGED_MEANWHILE) from None
    return target


def remind_documents(candidacy: Candidacy, actor: User, *, expected_version: int | None = None) -> None:
    """Remind the candidate of the documents asked for: the request's own words, its date, the reminder's number;
    only while the application waits for them, and once a day at most (a second click the same day sends nothing
    more)."""
    if not can_fire_move(actor, candidacy, MOVES["request_documents"]):
        raise PermissionDenied(f"Vous ne pouvez pas « {MOVES['request_documents'].french} » sur ce dossier.")
    ensure_unchanged(candidacy, expected_version)
    if candidacy.state is not S.INCOMPLETE:
        raise Conflict(N_("Aucune pièce n'est attendue pour ce dossier : il n'est plus en attente de pièces."))
    requested = queries.last_event(candidacy.id, "request_documents")
    earlier = queries.events_since(candidacy.id, Action.REMIND_DOCUMENTS.value, requested.at if requested else None)
    today = clock.today()
    if any(row.at.date() == today for row in earlier):
        raise Conflict(N_("Une relance est déjà partie aujourd'hui pour ce dossier ; une nouvelle sera possible demain."))
    context = MoveContext(actor=actor, today=today, now=clock.now(), rules=get_rules())
    messages.documents_reminder(candidacy, context, requested, len(earlier))
    _record(candidacy, Action.REMIND_DOCUMENTS, actor, details={"reminder": len(earlier) + 1})


# --------------------------------------------------------------------------- side effects


def _no_effect(candidacy, context, target):
    return None


def _submit(candidacy, context, target):
    candidacy.received_on = candidacy.received_on or context.today
    candidacy.complete_on = context.today
    return {"received_on": candidacy.received_on.isoformat(), "complete_on": candidacy.complete_on.isoformat()}


def _declare(candidacy, context, target):
    candidacy.eligibility_decided_on = context.today
    verdict = context.facts.get("verdict") or verdict_for(candidacy, context.rules, context.today)
    return {"verdict": verdict.as_dict()}


def _apply_silence(candidacy, context, target):
    deadline = context.facts["deadline"]
    candidacy.eligibility_decided_on = deadline.due_on
    wording = "vaut recevabilité" if deadline.silence.means == "admissible" else "vaut rejet"
    if deadline.rule == "N5":  # R6412-4: France VAE, not the certifier, tells the candidate
        wording = "France VAE notifie au candidat que son dossier est recevable"
    return {"reason": f"Silence du certificateur au-delà du {deadline.due_on.strftime('%d/%m/%Y')} : {wording} "
                      f"({deadline.silence.source}).",
            "rule": deadline.silence.rule, "answer_due_on": deadline.due_on.isoformat()}


def _submit_validation_file(candidacy, context, target):
    candidacy.validation_file_submitted_on = context.today
    filed = [d for d in candidacy.documents if d.component_code is not None and d.filed_on is None]
    for document in filed:  # from now on they stay as filed, even if the file comes back to the candidate
        document.filed_on = context.today
    return {"documents": [{"component": d.component_code, "sha256": d.sha256} for d in filed]} if filed else None


def _record_assessment(candidacy, context, target):
    code, result = context.data["component"], AssessmentResult(context.data["result"])
    note = (context.data.get("note") or "").strip() or None
    earlier = next((a for a in candidacy.current_assessments if a.component_code == code), None)
    if earlier is not None:  # kept in the record, no longer current
        earlier.superseded_on = context.today
        db.session.flush()
    candidacy.assessments.append(ComponentAssessment(component_code=code, result=result, note=note, assessed_on=context.today,
                                                     assessor_id=getattr(context.actor, "id", None)))
    return {"component": code, "result": result.value, "note": note,
            "supersedes": {"result": earlier.result.value, "assessed_on": earlier.assessed_on.isoformat()} if earlier else None}


def _schedule(candidacy, context, target):
    session = context.facts["session"]
    candidacy.jury_session = session
    return {"session": session.reference, "starts_at": session.starts_at.isoformat()}


def _record_decision(candidacy, context, target):
    outcome = context.facts["decision"][0]
    session = candidacy.jury_session
    if not outcome.decides:
        candidacy.jury_session = None
        return {"outcome": outcome.value, "session": session.reference if session else None}
    day = session.starts_at.date()
    cert_rules = context.rules.certification(candidacy.certification.code)
    results = context.data.get("components") or {}
    carried = carried_over(candidacy, day)
    expiries = {}
    for component in targeted(candidacy, context.rules):  # the jury decides on what the candidacy targets (N1)
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
    candidacy.decision_outcome = outcome
    candidacy.decided_on = day
    return {"outcome": outcome.value, "session": session.reference, "decided_on": day.isoformat(), "components": results,
            "expires_on": expiries, "carried_over": sorted(carried)}


def _resume(candidacy, context, target):
    acquired = carried_over(candidacy, context.today)
    for assessment in candidacy.current_assessments:  # assessed again in the new attempt; the earlier ones stay
        if assessment.component_code not in acquired:
            assessment.superseded_on = context.today
    candidacy.jury_session = None
    candidacy.decision_outcome = None
    candidacy.decided_on = None
    candidacy.validation_file_submitted_on = None
    return {"carried_over": sorted(acquired)}


def _unschedule(candidacy, context, target):
    session = candidacy.jury_session
    context.facts["unscheduled_from"] = session  # the candidate's convocation is withdrawn from it (messages)
    candidacy.jury_session = None
    return {"session": session.reference if session else None}


def _withdraw(candidacy, context, target):
    if candidacy.jury_session is not None and candidacy.decided_on is None:
        candidacy.jury_session = None
    return None


def _lapse_admissibility(candidacy, context, target):
    lapse = context.facts["lapse"]
    return {"rule": lapse.rule, "last_step_on": lapse.last_step_on.isoformat(), "lapsed_on": lapse.lapses_on.isoformat(),
            "reason": f"Aucune démarche enregistrée depuis le {lapse.last_step_on:%d/%m/%Y} ni motif légitime consigné : la "
                      f"recevabilité est caduque depuis le {lapse.lapses_on:%d/%m/%Y} ({lapse.source})."}


def _excuse_inactivity(candidacy, context, target):
    return {"rule": "N6"}


def _record_hearing(candidacy, context, target):
    return {"rule": "N9"}


def _withdraw_for_fraud(candidacy, context, target):
    """R6412-7: the certification, or the blocs the jury validated, withdrawn after the candidate was heard. The
    jury's decisions stay in the record; what they gave is no longer acquired."""
    withdrawn = sorted(a.component_code for a in candidacy.acquired_components)
    candidacy.acquired_components.clear()  # the jury's decision stays what it was: the certifier's withdrawal follows it
    hearing = context.facts["hearing"]
    return {"rule": "N9", "withdrawn": withdrawn, "previous_outcome": candidacy.decision_outcome.value,
            "heard_at": hearing.at.isoformat(), "hearing": hearing.id}


EFFECTS = {
    "submit": _submit,
    "declare_eligible": _declare,
    "declare_ineligible": _declare,
    "apply_silence": _apply_silence,
    "submit_validation_file": _submit_validation_file,
    "record_assessment": _record_assessment,
    "schedule": _schedule,
    "unschedule": _unschedule,
    "record_decision": _record_decision,
    "resume": _resume,
    "withdraw": _withdraw,
    "excuse_inactivity": _excuse_inactivity,
    "lapse_admissibility": _lapse_admissibility,
    "record_hearing": _record_hearing,
    "withdraw_for_fraud": _withdraw_for_fraud,
}
