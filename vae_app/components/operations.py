"""Component validity over time: recompute after a rule change, lapse candidacies whose
parts all expired, remind candidates before an expiry. Only flushes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import clock
from ..audit.actions import Action, Entity
from ..audit.operations import record as audit
from ..auth.models import Role, User
from ..candidacies.models import Candidacy, CandidacyState as S
from ..candidacies.operations import fire
from ..candidacies.workflow import FINAL_STATES
from ..certifications.models import Certification
from ..certifications.rules import RuleBook
from ..extensions import db
from ..mail.models import MessageKind
from ..mail.outbox import send
from .models import AcquiredComponent, ComponentExpiryCount, Reminder
from .validity import component_expiry


@dataclass(frozen=True)
class Change:
    reference: str
    component: str
    old: date | None
    new: date | None
    rule: str | None


def recompute(rules: RuleBook, apply: bool = True) -> list[Change]:
    """Recompute every stored expiry from the rules keyed on its validation date."""
    changes = []
    rows = db.session.scalars(
        select(AcquiredComponent).options(selectinload(AcquiredComponent.candidacy).selectinload(Candidacy.certification))
        .order_by(AcquiredComponent.id)
    ).all()
    for row in rows:
        validity = component_expiry(rules.certification(row.candidacy.certification.code), rules.law, row.validated_on)
        if validity.unknown_reason:
            continue
        if validity.expires_on != row.expires_on or validity.rule != row.validity_rule:
            changes.append(Change(row.candidacy.reference, row.component_code, row.expires_on, validity.expires_on, validity.rule))
            if apply:
                audit(entity=Entity.ACQUIRED_COMPONENT, entity_id=row.id, candidacy_id=row.candidacy_id, event=Action.RECOMPUTE_EXPIRY,
                      reason=f"{row.component_code} : {row.expires_on or 'permanente'} → {validity.expires_on or 'permanente'} ({validity.rule})",
                      details={"component": row.component_code,
                               "expires_on": validity.expires_on.isoformat() if validity.expires_on else None, "rule": validity.rule})
                row.expires_on, row.validity_rule = validity.expires_on, validity.rule
    if apply:
        db.session.flush()
    return changes


def lapse_expired(today: date, apply: bool = True) -> list[Candidacy]:
    """Partially validated candidacies whose acquired components have all expired move to « caduque»."""
    due = []
    candidates = db.session.scalars(
        select(Candidacy).where(Candidacy.state == S.PARTIALLY_VALIDATED)
        .options(selectinload(Candidacy.acquired_components)).order_by(Candidacy.id)
    ).all()
    for candidacy in candidates:
        acquired = candidacy.acquired_components
        if acquired and not any(a.is_valid_on(today) for a in acquired):
            due.append(candidacy)
            if apply:
                fire(candidacy, "lapse", None)
    return due


@dataclass
class ReminderPlan:
    component: AcquiredComponent
    threshold: int
    superseded: list[int]


def reminders_due(today: date, thresholds: tuple[int, ...]) -> list[ReminderPlan]:
    """The reminders to send today: for each component, the most urgent threshold reached and not yet used."""
    thresholds = tuple(sorted(thresholds))
    horizon = date.fromordinal(today.toordinal() + max(thresholds))
    rows = db.session.scalars(
        select(AcquiredComponent).join(Candidacy)
        .where(AcquiredComponent.expires_on.is_not(None), AcquiredComponent.expires_on > today,
               AcquiredComponent.expires_on <= horizon,
               Candidacy.state.not_in([s.value for s in FINAL_STATES] + [S.CERTIFIED.value]))
        .options(selectinload(AcquiredComponent.candidacy).selectinload(Candidacy.candidate))
        .order_by(AcquiredComponent.expires_on, AcquiredComponent.id)
    ).all()
    if not rows:
        return []
    done = {(r.component_id, r.threshold_days) for r in db.session.scalars(
        select(Reminder).where(Reminder.component_id.in_([r.id for r in rows])))}
    plans = []
    for row in rows:
        days_left = (row.expires_on - today).days
        reached = [t for t in thresholds if days_left <= t]
        if not reached:
            continue
        most_urgent = min(reached)
        if (row.id, most_urgent) in done:
            continue
        superseded = [t for t in reached if t != most_urgent and (row.id, t) not in done]
        plans.append(ReminderPlan(row, most_urgent, superseded))
    return plans


def send_reminders(rules: RuleBook, today: date, thresholds: tuple[int, ...]) -> list[ReminderPlan]:
    """Queue one e-mail per reminder and a digest per coordinator; a reminder already recorded is skipped.

    Each reminder row is inserted in a savepoint first: if another run inserted
    it meanwhile, the unique constraint refuses it and no message is queued.
    """
    sent = []
    now = clock.now()
    for plan in reminders_due(today, thresholds):
        row = plan.component
        try:
            with db.session.begin_nested():
                db.session.add(Reminder(component_id=row.id, threshold_days=plan.threshold, expires_on=row.expires_on,
                                        created_at=now, sent=True))
                for threshold in plan.superseded:
                    db.session.add(Reminder(component_id=row.id, threshold_days=threshold, expires_on=row.expires_on,
                                            created_at=now, sent=False))
                db.session.flush()
        except IntegrityError:
            continue  # another run reminded it first
        candidacy = row.candidacy
        cert = rules.certification(candidacy.certification.code)
        component = cert.component(row.component_code)
        title = component.title if component else row.component_code
        send(MessageKind.EXPIRY_REMINDER, candidacy.candidate, candidacy=candidacy, component_title=title,
             component_code=row.component_code, title=cert.title_on(today), code=cert.code, validated_on=row.validated_on,
             expires_on=row.expires_on, days=(row.expires_on - today).days)
        sent.append(plan)
    _digests(sent, rules, today)
    db.session.flush()
    return sent


def _digests(sent: list[ReminderPlan], rules: RuleBook, today: date) -> None:
    by_certifier: dict[int, list[ReminderPlan]] = {}
    for plan in sent:
        by_certifier.setdefault(plan.component.candidacy.certification.certifier_id, []).append(plan)
    for certifier_id, plans in by_certifier.items():
        coordinators = db.session.scalars(select(User).where(User.role == Role.COORDINATOR, User.certifier_id == certifier_id)).all()
        for coordinator in coordinators:
            send(MessageKind.EXPIRY_DIGEST, coordinator, plans=plans, today=today)

def _window(today: date, until_days: int) -> tuple[date, date]:
    """(a year ago, the horizon): what the expiry lists show, expired in the last year to ``until_days`` ahead."""
    return date.fromordinal(today.toordinal() - 365), date.fromordinal(today.toordinal() + until_days)


def _expiring_where(query, certifier_id: int | None, today: date, until_days: int):
    year_ago, horizon = _window(today, until_days)
    query = query.where(AcquiredComponent.expires_on.is_not(None), AcquiredComponent.expires_on <= horizon,
                        AcquiredComponent.expires_on > year_ago, Candidacy.state != S.CERTIFIED)
    if certifier_id is not None:
        query = query.where(Certification.certifier_id == certifier_id)
    return query


def expiring(certifier_id: int | None, today: date, until_days: int = 180):
    """Acquired components of candidacies not certified that expire within ``until_days``, or expired in the last year."""
    query = (select(AcquiredComponent).join(Candidacy).join(Certification)
             .options(selectinload(AcquiredComponent.candidacy).selectinload(Candidacy.candidate),
                      selectinload(AcquiredComponent.candidacy).selectinload(Candidacy.certification))
             .order_by(AcquiredComponent.expires_on, AcquiredComponent.id))
    return _expiring_where(query, certifier_id, today, until_days)


def expiring_counts(certifier_id: int | None, today: date, until_days: int = 180) -> list[tuple[str, date, int]]:
    """How many of :func:`expiring`'s components expire each day, per certification code: read from the
    counters the database keeps (``component_expiry_counts``), a row per (certification, day)."""
    year_ago, horizon = _window(today, until_days)
    query = (select(Certification.code, ComponentExpiryCount.expires_on, ComponentExpiryCount.n)
             .join(Certification, Certification.id == ComponentExpiryCount.certification_id)
             .where(ComponentExpiryCount.expires_on <= horizon, ComponentExpiryCount.expires_on > year_ago,
                    ComponentExpiryCount.n > 0)
             .order_by(Certification.code, ComponentExpiryCount.expires_on))
    if certifier_id is not None:
        query = query.where(Certification.certifier_id == certifier_id)
    return [tuple(row) for row in db.session.execute(query)]
