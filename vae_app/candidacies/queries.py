"""Read-side queries on candidacies, shared by the web pages, the API and the commands."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.sql import ColumnElement
from sqlalchemy.orm import selectinload

from ..audit.models import AuditEvent
from ..auth.models import User
from ..certifications.models import Certification
from ..certifications.registry import get_rules
from ..certifications.vocabulary import AccessRoute
from ..enums import N_
from ..extensions import db
from ..search import like_pattern, matches
from ..urgency import is_urgent
from .eligibility import answer_deadline_of
from .models import Candidacy, CandidacyState, CandidacyStateCount
from .pathway import LAPSING_STATES, jury_deadline_of, lapse_of, result_notice_of


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


# the certifier's exchanges with France VAE: the certifier's business, not the candidate's
STAFF_ONLY_EVENTS = ("francevae_queued", "francevae_sent", "francevae_retry", "francevae_failed", "francevae_conflict")


def history(candidacy_id: int, *, for_candidate: bool = False) -> list[AuditEvent]:
    """The candidacy's audit rows, oldest first, with their actors (for its candidate, without the certifier's
    exchanges with France VAE)."""
    query = select(AuditEvent).where(AuditEvent.candidacy_id == candidacy_id)
    if for_candidate:
        query = query.where(AuditEvent.event.not_in(STAFF_ONLY_EVENTS))
    return db.session.scalars(query.options(selectinload(AuditEvent.actor)).order_by(AuditEvent.at, AuditEvent.id)).all()


def last_event(candidacy_id: int, event: str) -> AuditEvent | None:
    """The candidacy's latest audit row of ``event``."""
    return db.session.scalar(select(AuditEvent).where(AuditEvent.candidacy_id == candidacy_id, AuditEvent.event == event)
                             .order_by(AuditEvent.id.desc()).limit(1))


def events_since(candidacy_id: int, event: str, since) -> list[AuditEvent]:
    """The candidacy's audit rows of ``event`` from ``since`` on (every one when None), oldest first."""
    query = select(AuditEvent).where(AuditEvent.candidacy_id == candidacy_id, AuditEvent.event == event)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    return db.session.scalars(query.order_by(AuditEvent.id)).all()


ELIGIBILITY_DECISIONS = ("declare_eligible", "declare_ineligible", "apply_silence")


def eligibility_decision(candidacy_id: int) -> AuditEvent | None:
    """The audit row of the candidacy's (latest) eligibility decision: declared, or implicit after silence."""
    return db.session.scalar(select(AuditEvent).where(AuditEvent.candidacy_id == candidacy_id,
                                                      AuditEvent.event.in_(ELIGIBILITY_DECISIONS))
                             .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1))


def certifications_in_scope(certifier_id: int | None) -> list[Certification]:
    """A certifier's certifications (every one when ``None``), by code."""
    query = select(Certification).order_by(Certification.code)
    if certifier_id is not None:
        query = query.where(Certification.certifier_id == certifier_id)
    return db.session.scalars(query).all()


QUEUE_ORDERS = {
    "recent": (Candidacy.updated_at.desc(), Candidacy.id.desc()),
    "reception": (Candidacy.received_on.desc(), Candidacy.id.desc()),
    "echeance": (Candidacy.deadline_on.asc().nulls_last(), Candidacy.id.asc()),  # the deadline shown (.shown_deadline)
    "dossier": (Candidacy.reference.asc(),),
}
# a draft is the candidate's until filed: the coordinators' list shows drafts only when that state is asked for
UNLESS_ASKED = (CandidacyState.DRAFT,)


def searched(typed: str) -> ColumnElement:
    """Candidacies whose reference holds what was typed, or whose candidate's names or address hold every word of it
    (:mod:`vae_app.search`). Two lists of ids, each read from an index (the references', the candidates' search
    keys), rather than every candidacy tested; references are written in capitals (:func:`.operations.next_reference`),
    so matching them in capitals needs no function of the column."""
    people = select(User.id).where(matches(User.search_key, typed))
    references = select(Candidacy.id).where(Candidacy.reference.like(like_pattern(typed.strip()).upper(), escape="\\"))
    return or_(Candidacy.id.in_(references), Candidacy.candidate_id.in_(people))


def queue(certification_ids: list[int], state: CandidacyState | None, search: str | None, order: str) -> Select:
    """The coordinator's list: by certification id, not through a join on the certifier, so that the planner
    reads one certification's candidacies of one state in order of last change from
    ix_candidacies_certification_state_updated; it loads only what the deadline column needs. Without a state,
    drafts are left out (:data:`UNLESS_ASKED`)."""
    query = select(Candidacy).where(Candidacy.certification_id.in_(certification_ids))
    if state:
        query = query.where(Candidacy.state == state)
    else:
        query = query.where(Candidacy.state.not_in(UNLESS_ASKED))
    if search and search.strip():
        query = query.where(searched(search))
    loads = [selectinload(Candidacy.candidate), selectinload(Candidacy.certification)]
    if state in (None, CandidacyState.PARTIALLY_VALIDATED):
        loads.append(selectinload(Candidacy.acquired_components))
    if state in (None, CandidacyState.JURY_SCHEDULED):
        loads.append(selectinload(Candidacy.jury_session))
    return query.options(*loads).order_by(*QUEUE_ORDERS[order])


def queue_total(counts: dict[CandidacyState, int], state: CandidacyState | None) -> int:
    """How many candidacies the coordinators' list holds, from :func:`state_counts`: one state's, or every state's
    but the drafts."""
    return counts[state] if state else sum(n for s, n in counts.items() if s not in UNLESS_ASKED)


def for_candidate(user_id: int) -> Select:
    return (
        select(Candidacy)
        .where(Candidacy.candidate_id == user_id)
        .options(selectinload(Candidacy.certification), selectinload(Candidacy.acquired_components))
        .order_by(Candidacy.created_at.desc())
    )


def state_counts(session, certifier_id: int | None = None, certification_code: str | None = None) -> dict[CandidacyState, int]:
    """{state: count} of a certifier's candidacies (every certifier's when ``None``), optionally one certification's:
    read from the counters the database keeps (``candidacy_state_counts``), not by counting the candidacies."""
    query = (select(CandidacyStateCount.state, func.sum(CandidacyStateCount.n))
             .join(Certification, CandidacyStateCount.certification_id == Certification.id)
             .group_by(CandidacyStateCount.state))
    if certifier_id is not None:
        query = query.where(Certification.certifier_id == certifier_id)
    if certification_code:
        query = query.where(Certification.code == certification_code)
    counts = {state: 0 for state in CandidacyState}
    for state, count in session.execute(query):
        counts[CandidacyState(state)] = int(count)
    return counts


def counted_total(counts: dict[CandidacyState, int], state: CandidacyState | None) -> int:
    """How many candidacies a list holds, from :func:`state_counts`: one state's, or all."""
    return counts[state] if state else sum(counts.values())


def deadline_of(candidacy: Candidacy, rules, today, steps=None) -> dict | None:
    """The deadline that matters now for a candidacy, for the desk's column: {label, on, days, urgent}.
    ``steps``: the days of the candidacy's steps (:func:`.pathway.step_days`, computed for a whole page at once);
    None: looked up when the lapse of admissibility (N6) may apply."""

    def item(label: str, on) -> dict:
        days = (on - today).days
        return {"label": label, "on": on, "days": days, "urgent": is_urgent(days)}

    state = candidacy.state
    if state in (CandidacyState.CERTIFIED, CandidacyState.PARTIALLY_VALIDATED, CandidacyState.REFUSED):
        notice = result_notice_of(candidacy, rules)  # N9: within 15 days of the jury, on the reform's pathway
        if notice is not None and today <= notice.due_on:
            return item(N_("Notification du résultat au candidat (15 jours après le jury)"), notice.due_on)
    if state is CandidacyState.SUBMITTED:
        deadline = answer_deadline_of(candidacy, rules)
        if deadline:
            label = {"admissible": N_("Réponse due (silence : vaut recevabilité)"),
                     "rejection": N_("Réponse due (silence : vaut rejet)")}.get(deadline.silence.means,
                                                                               N_("Réponse due (sens du silence inconnu)"))
            return item(label, deadline.due_on)
    if state is CandidacyState.INCOMPLETE:
        return {"label": N_("En attente des pièces demandées"), "on": None, "days": None, "urgent": False}
    if state is CandidacyState.JURY_SCHEDULED and candidacy.jury_session is not None:
        return item(N_("Jury"), candidacy.jury_session.starts_at.date())
    if state is CandidacyState.PARTIALLY_VALIDATED:
        expiries = [a.expires_on for a in candidacy.acquired_components if a.expires_on and a.expires_on > today]
        if expiries:
            return item(N_("Expiration d'une composante acquise"), min(expiries))
    if state in (CandidacyState.ELIGIBLE, CandidacyState.VALIDATION_FILE, CandidacyState.UNDER_ASSESSMENT,
                 CandidacyState.READY_FOR_JURY):
        if candidacy.validation_file_submitted_on:
            deadline = jury_deadline_of(candidacy, rules)
            if deadline is not None:
                return item(N_("Jury à tenir au plus tard") if deadline.governs else
                            N_("Jury à tenir au plus tard (si la certification est sur France VAE)"), deadline.on)
        lapse = lapse_of(candidacy, rules, steps) if state in LAPSING_STATES else None
        if lapse is not None:  # N6: six months without a step
            return item(N_("Caducité de la recevabilité sans démarche du candidat") if lapse.governs else
                        N_("Caducité de la recevabilité sans démarche (si la certification est sur France VAE)"), lapse.lapses_on)
        end = rules.certification(candidacy.certification.code).registration_end
        if end and (end - today).days <= 365:
            return item(N_("Fin d'enregistrement RNCP"), end)
    return None
