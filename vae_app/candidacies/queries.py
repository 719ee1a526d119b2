"""Read-side queries on candidacies, shared by the web pages and the API."""
from __future__ import annotations

import calendar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from ..certifications.models import Certification
from .models import Candidacy, CandidacyState, CandidacyStateCount


def for_candidate(user_id: int) -> Select:
    return (
        select(Candidacy)
        .where(Candidacy.candidate_id == user_id)
        .options(selectinload(Candidacy.certification), selectinload(Candidacy.acquired_components))
        .order_by(Candidacy.created_at.desc())
    )


def state_counts(session, certifier_id: int | None = None, certification_code: str | None = None) -> dict[CandidacyState, int]:
    """{state: count} of a certifier's files (every certifier's when ``None``), optionally one certification's:
    read from the counters the database keeps (``candidacy_state_counts``), not by counting the files."""
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
    """How many files a list holds, from :func:`state_counts`: one state's, or all."""
    return counts[state] if state else sum(counts.values())


def deadline_of(candidacy: Candidacy, rules, today) -> dict | None:
    """The deadline that matters now for a file, for the desk's column: {label, on, days, urgent}."""
    from .services import answer_deadline

    def item(label: str, on, warn_days: int = 30) -> dict:
        days = (on - today).days
        return {"label": label, "on": on, "days": days, "urgent": days <= warn_days}

    state = candidacy.state
    if state is CandidacyState.SUBMITTED:
        due, meaning, _rule, _source = answer_deadline(candidacy, rules)
        if due:
            what = "vaut recevabilité" if meaning == "admissible" else "vaut rejet"
            return item(f"Réponse due (silence {what})", due, 15)
    if state is CandidacyState.INCOMPLETE:
        return {"label": "En attente des pièces demandées", "on": None, "days": None, "urgent": False}
    if state is CandidacyState.JURY_SCHEDULED and candidacy.jury_session is not None:
        return item("Jury", candidacy.jury_session.starts_at.date(), 7)
    if state is CandidacyState.PARTIALLY_VALIDATED:
        expiries = [a.expires_on for a in candidacy.acquired_components if a.expires_on and a.expires_on > today]
        if expiries:
            return item("Expiration d'une composante acquise", min(expiries), 90)
    if state in (CandidacyState.ELIGIBLE, CandidacyState.VALIDATION_FILE, CandidacyState.UNDER_ASSESSMENT,
                 CandidacyState.READY_FOR_JURY):
        if candidacy.validation_file_submitted_on:
            d4 = rules.law["jury_deadline"].at(candidacy.validation_file_submitted_on)
            if d4 is not None:
                from ..certifications.eligibility import add_months

                # "before the end of the 3rd month after filing": the last day of that month
                shifted = add_months(candidacy.validation_file_submitted_on, d4.value["months_after_validation_file"])
                on = shifted.replace(day=calendar.monthrange(shifted.year, shifted.month)[1])
                return item(f"Jury à tenir avant ({d4.id})", on, 30)
        end = rules.certification(candidacy.certification.code).registration_end
        if end and (end - today).days <= 365:
            return item("Fin d'enregistrement RNCP", end, 180)
    return None
