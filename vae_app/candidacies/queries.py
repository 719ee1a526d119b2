"""Read-side queries on candidacies, shared by the web pages and the API."""
from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from ..certifications.models import Certification
from .models import Candidacy, CandidacyState


def for_certifier(certifier_id: int) -> Select:
    """Candidacies of one certifier's certifications."""
    return (
        select(Candidacy)
        .join(Certification, Candidacy.certification_id == Certification.id)
        .where(Certification.certifier_id == certifier_id)
    )


def for_candidate(user_id: int) -> Select:
    return (
        select(Candidacy)
        .where(Candidacy.candidate_id == user_id)
        .options(selectinload(Candidacy.certification), selectinload(Candidacy.acquired_components))
        .order_by(Candidacy.created_at.desc())
    )


def count_by_state(query: Select, session) -> dict[CandidacyState, int]:
    """{state: count} for the candidacies a query selects (one grouped query)."""
    sub = query.with_only_columns(Candidacy.state).subquery()
    rows = session.execute(select(sub.c.state, func.count()).group_by(sub.c.state)).all()
    counts = {state: 0 for state in CandidacyState}
    for state, count in rows:
        counts[CandidacyState(state)] = count
    return counts
