"""What must always hold of the record, checked over the database (``flask audit check``, and the tests
after random sequences of moves):

1. **Decisions come from a jury that sat.** No decision is dated after today; every decision on a
   component comes from a confirmed (or held) session whose date is on or before it; every acquired
   component comes from such a decision.
2. **The audit is complete.** Replaying a candidacy's audit rows from its creation gives its stored
   state, its decision and its acquired components.
3. **Unsaid stays unsaid.** Whether a period is in direct relation to the certification is stored as the
   candidate last said it (the audit keeps what they said: ``None`` when they did not say).

Each check returns the violations found, as sentences naming the candidacy; none means the record holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..candidacies.models import Candidacy, CandidacyState, ComponentDecision, ExperiencePeriod
from ..certifications.vocabulary import DecisionOutcome
from ..components.models import AcquiredComponent
from ..extensions import db
from .actions import Entity
from .models import AuditEvent


def _only(query, column, ids):
    return query if ids is None else query.where(column.in_(ids))


def decisions_come_from_a_jury_that_sat(today: date, ids: set[int] | None = None) -> list[str]:
    problems = []
    for candidacy in db.session.scalars(_only(select(Candidacy).where(Candidacy.decided_on.is_not(None)), Candidacy.id, ids)):
        if candidacy.decided_on > today:
            problems.append(f"{candidacy.reference} : décision datée du {candidacy.decided_on:%d/%m/%Y}, après aujourd'hui.")
    decisions = db.session.scalars(_only(select(ComponentDecision), ComponentDecision.candidacy_id, ids)
                                   .options(selectinload(ComponentDecision.jury_session))).all()
    sat = {}
    for decision in decisions:
        session = decision.jury_session
        reference = db.session.get(Candidacy, decision.candidacy_id).reference
        if decision.decided_on > today:
            problems.append(f"{reference} : décision sur {decision.component_code} datée du {decision.decided_on:%d/%m/%Y}, après aujourd'hui.")
        if session is None or not session.announced or session.starts_at.date() > decision.decided_on:
            problems.append(f"{reference} : décision sur {decision.component_code} du {decision.decided_on:%d/%m/%Y} sans session "
                            "confirmée tenue à cette date.")
        elif decision.validated:
            sat[(decision.candidacy_id, decision.component_code, decision.decided_on)] = True
    for acquired in db.session.scalars(_only(select(AcquiredComponent), AcquiredComponent.candidacy_id, ids)
                                       .options(selectinload(AcquiredComponent.candidacy))):
        if (acquired.candidacy_id, acquired.component_code, acquired.validated_on) not in sat:
            problems.append(f"{acquired.candidacy.reference} : composante {acquired.component_code} acquise le "
                            f"{acquired.validated_on:%d/%m/%Y} sans décision d'un jury qui a siégé.")
    return problems


@dataclass
class Replayed:
    """A candidacy as its audit rows tell it."""

    state: str | None = None
    decision_outcome: str | None = None
    decided_on: date | None = None
    acquired: dict[str, tuple[date, date | None]] = field(default_factory=dict)  # code -> (validated on, expires on)


def replay(rows: list[AuditEvent]) -> Replayed:
    """Fold a candidacy's audit rows, oldest first, into what they say it is now."""
    told = Replayed()
    for row in rows:
        details = row.details or {}
        if row.entity == Entity.CANDIDACY.value and row.to_state:
            told.state = row.to_state
        if row.event == "record_decision" and details.get("decided_on"):
            told.decision_outcome, told.decided_on = details["outcome"], date.fromisoformat(details["decided_on"])
            for code, validated in (details.get("components") or {}).items():
                if validated:
                    expires = (details.get("expires_on") or {}).get(code)
                    told.acquired[code] = (told.decided_on, date.fromisoformat(expires) if expires else None)
        elif row.event == "resume":
            told.decision_outcome = told.decided_on = None
        elif row.event == "withdraw_for_fraud":  # R6412-7: what the jury gave is withdrawn; its decision stays as it was
            told.acquired.clear()
        elif row.event == "recompute_expiry" and details.get("component") in told.acquired:
            validated_on, _old = told.acquired[details["component"]]
            told.acquired[details["component"]] = (validated_on, date.fromisoformat(details["expires_on"]) if details["expires_on"] else None)
    return told


def audit_replays_to_the_record(ids: set[int] | None = None) -> list[str]:
    problems = []
    rows: dict[int, list[AuditEvent]] = {}
    for row in db.session.scalars(_only(select(AuditEvent).where(AuditEvent.candidacy_id.is_not(None)), AuditEvent.candidacy_id, ids)
                                  .order_by(AuditEvent.at, AuditEvent.id)):
        rows.setdefault(row.candidacy_id, []).append(row)
    for candidacy in db.session.scalars(_only(select(Candidacy), Candidacy.id, ids).options(selectinload(Candidacy.acquired_components))):
        told = replay(rows.get(candidacy.id, []))
        stored = Replayed(candidacy.state.value, candidacy.decision_outcome.value if candidacy.decision_outcome else None,
                          candidacy.decided_on, {a.component_code: (a.validated_on, a.expires_on) for a in candidacy.acquired_components})
        for name, what in (("state", "l'état"), ("decision_outcome", "la décision"), ("decided_on", "la date de décision"),
                           ("acquired", "les composantes acquises")):
            if getattr(told, name) != getattr(stored, name):
                problems.append(f"{candidacy.reference} : selon l'historique, {what} serait {_said_as(getattr(told, name))} ; "
                                f"le dossier indique {_said_as(getattr(stored, name))}.")
    return problems


def _said_as(value) -> str:
    """A value of the record as a person reads it."""
    if value is None:
        return "« aucune »"
    if isinstance(value, date):
        return f"« {value:%d/%m/%Y} »"
    if isinstance(value, dict):
        return "« " + (", ".join(f"{code} (validée le {on:%d/%m/%Y}" + (f", jusqu'au {until:%d/%m/%Y})" if until else ", sans limite)")
                                 for code, (on, until) in sorted(value.items())) or "aucune") + " »"
    labels = {state.value: state.french for state in CandidacyState} | {o.value: o.french for o in DecisionOutcome}
    return f"« {labels.get(value, value)} »"


def unsaid_stays_unsaid(ids: set[int] | None = None) -> list[str]:
    said: dict[int, object] = {}
    for row in db.session.scalars(_only(select(AuditEvent), AuditEvent.candidacy_id, ids).order_by(AuditEvent.at, AuditEvent.id)):
        for period in (row.details or {}).get("experiences", []) + ([row.details] if "experience" in (row.details or {}) else []):
            said[period["experience"]] = period["related"]
    problems = []
    for period in db.session.scalars(_only(select(ExperiencePeriod), ExperiencePeriod.candidacy_id, ids)
                                     .options(selectinload(ExperiencePeriod.candidacy))):
        if period.id in said and said[period.id] != period.related:
            answer = {True: "oui", False: "non", None: "non précisé"}
            problems.append(f"{period.candidacy.reference} : période « {period.job_title} » enregistrée « en rapport direct : "
                            f"{answer[period.related]} » alors que le candidat a répondu « {answer[said[period.id]]} ».")
    return problems


def violations(today: date, candidacy_ids: set[int] | None = None) -> list[str]:
    """Every violation of the record's invariants (none: it holds), for every candidacy or those named."""
    return (decisions_come_from_a_jury_that_sat(today, candidacy_ids) + audit_replays_to_the_record(candidacy_ids)
            + unsaid_stays_unsaid(candidacy_ids))
