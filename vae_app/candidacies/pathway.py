"""A candidacy on the pathway since the 2024 reform (C. trav. R6412-1 to R6412-7): which of its rules govern it, the
lapse of admissibility after six months without a step (N6), the notice of the result within 15 days (N9).

Each rule is read on the day the pathway was initiated (``pathway_started_on``, the receipt day when absent) and, for
those that need France VAE, against the certification's ``france_vae_from`` (décret 2023-1275 art. 5).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select

from ..audit.models import AuditEvent
from ..certifications.deadlines import JuryDeadline, add_months, jury_deadline
from ..certifications.rules import RuleBook
from ..extensions import db
from .models import Candidacy, CandidacyState as S

# The states in which the candidate has steps to take after admissibility (N6): writing the validation file.
LAPSING_STATES = (S.ELIGIBLE, S.VALIDATION_FILE)
EXCUSE_MOVE = "excuse_inactivity"  # a legitimate reason recorded by the coordinator: a step of its own
HEARING_MOVE = "record_hearing"


def started_on(candidacy: Candidacy) -> date | None:
    """The day the pathway was initiated: as recorded, else its receipt day (None before receipt)."""
    return candidacy.pathway_started_on or candidacy.received_on


def governs(candidacy: Candidacy, rules: RuleBook, rule: str, today: date | None = None) -> bool | None:
    """Whether the law's ``rule`` (a reform rule keyed on the pathway's start) governs this candidacy: False when it
    was not in force the day the pathway was initiated, None when the certification's rules do not say since when
    it is on France VAE. Before receipt the pathway is taken as started ``today`` (a draft's pre-check), or not
    at all when ``today`` is not given."""
    start = started_on(candidacy) or today
    if start is None:
        return False
    return rules.reform_governs(candidacy.certification.code, rule, start)


@dataclass(frozen=True)
class Lapse:
    """N6 for one candidacy: the last step recorded in time, and the day its admissibility lapses (or lapsed)."""

    last_step_on: date
    lapses_on: date  # the first day without admissibility: the day after the sixth month following the last step
    rule: str
    source: str
    governs: bool | None  # None: the certification's France VAE date is not known

    def lapsed(self, today: date) -> bool:
        return self.governs is True and today >= self.lapses_on


@dataclass(frozen=True)
class Steps:
    """What the lapse of a candidacy is counted from: the day it last became admissible or resumed its validation file
    (its latest entry into an admissible state), and the days of its steps."""

    entered_on: date | None
    days: tuple[date, ...]


def step_days(candidacies: list[Candidacy]) -> dict[int, Steps]:
    """Per candidacy, its :class:`Steps`: its candidate's recorded acts and the legitimate reasons the coordinator
    recorded, and its latest entry into an admissible state (one query for them all)."""
    if not candidacies:
        return {}
    lapsing = [s.value for s in LAPSING_STATES]
    rows = db.session.execute(
        select(AuditEvent.candidacy_id, AuditEvent.at, AuditEvent.actor_id == Candidacy.candidate_id, AuditEvent.event,
               AuditEvent.from_state, AuditEvent.to_state)
        .join(Candidacy, Candidacy.id == AuditEvent.candidacy_id)
        .where(AuditEvent.candidacy_id.in_([c.id for c in candidacies]),
               or_(AuditEvent.actor_id == Candidacy.candidate_id, AuditEvent.event == EXCUSE_MOVE,
                   AuditEvent.to_state.in_(lapsing)))
    ).all()
    days: dict[int, list[date]] = {}
    entered: dict[int, date] = {}
    for cid, at, by_candidate, event, source, target in rows:
        if by_candidate or event == EXCUSE_MOVE:
            days.setdefault(cid, []).append(at.date())
        if target in lapsing and source not in lapsing:
            entered[cid] = max(entered.get(cid, at.date()), at.date())
    return {c.id: Steps(entered.get(c.id), tuple(days.get(c.id, ()))) for c in candidacies}


def lapse_of(candidacy: Candidacy, rules: RuleBook, steps: Steps | None = None) -> Lapse | None:
    """N6 for an admissible candidacy still writing its validation file; None when the rule is not in force for its
    pathway, the candidacy is not in such a state or no admissibility is recorded. The six months run from the
    notice of admissibility (or from the day the file came back to the candidate, when it resumed after a partial
    validation), and again from each step taken before they ran out: a step after the lapse revives nothing.
    ``steps``: the candidacy's :func:`step_days` (looked up when None)."""
    if candidacy.state not in LAPSING_STATES:
        return None
    start = started_on(candidacy)
    entry = rules.law["admissibility_lapse"].at(start) if start else None
    notified = candidacy.eligibility_decided_on or candidacy.france_vae_notice_on
    if entry is None or notified is None:
        return None
    rule_governs = rules.certification(candidacy.certification.code).reform_governs(entry, start)
    if rule_governs is False:
        return None
    if steps is None:
        steps = step_days([candidacy])[candidacy.id]
    months = entry.value["months_without_step"]
    last = max(notified, steps.entered_on or notified)
    for day in sorted(d for d in steps.days if d > last):
        if day >= add_months(last, months) + timedelta(days=1):
            break  # admissibility had lapsed already
        last = day
    return Lapse(last, add_months(last, months) + timedelta(days=1), entry.id, entry.source, rule_governs)


@dataclass(frozen=True)
class ResultNotice:
    """N9: the day by which the jury's result is notified to the candidate."""

    due_on: date
    rule: str
    source: str


def result_notice_of(candidacy: Candidacy, rules: RuleBook) -> ResultNotice | None:
    """The notice of a decided candidacy's result (N9: within 15 days of the jury); None when the rule does not
    govern its pathway or nothing was decided."""
    if candidacy.decided_on is None:
        return None
    start = started_on(candidacy)
    entry = rules.law["result_notification"].at(start) if start else None
    if entry is None or not rules.certification(candidacy.certification.code).reform_governs(entry, start):
        return None
    return ResultNotice(candidacy.decided_on + timedelta(days=entry.value["days_after_jury"]), entry.id, entry.source)


def heard_since_decision(candidacy: Candidacy) -> AuditEvent | None:
    """The latest recorded hearing of the candidate (their observations) since the jury's decision."""
    if candidacy.decided_on is None:
        return None
    decision = (select(func.max(AuditEvent.id)).where(AuditEvent.candidacy_id == candidacy.id, AuditEvent.event == "record_decision")
                .scalar_subquery())
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.candidacy_id == candidacy.id, AuditEvent.event == HEARING_MOVE,
                                 AuditEvent.id > func.coalesce(decision, 0))
        .order_by(AuditEvent.id.desc()).limit(1)
    ).first()


def jury_deadline_of(candidacy: Candidacy, rules: RuleBook) -> JuryDeadline | None:
    """N7 (D4, R6412-5): the last day the jury may sit for a filed validation file, on a pathway it governs
    (``governs`` None: the certification's France VAE date is not known); None otherwise."""
    if candidacy.validation_file_submitted_on is None:
        return None
    return jury_deadline(rules.law, candidacy.validation_file_submitted_on, rules.certification(candidacy.certification.code),
                         started_on(candidacy))
