"""What the statistics count, derived from one candidacy's audit rows: a pure function, no database, no Flask.

Each :class:`Fact` is dated twice. ``day`` is when it happened in the candidacy's life (a jury's day, a receipt),
and decides the calendar year it counts in. ``known_from`` and ``retracted_at`` are when the record came to say it
and, if ever, stopped saying it (a certification withdrawn for fraud, an expiry corrected). A figure « as known on
D » counts the facts known at the end of D. :func:`facts_of` has the property the reports rely on: what it derives
from the rows recorded up to D, read at D, is what it derives from every row, read at D. Later rows never change
what was known on an earlier day (``tests/statistics/test_facts.py`` checks it on random histories).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time

from ..enums import N_, LabelledEnum


class FactKind(LabelledEnum):
    RECEIVED = "received", N_("Demande reçue")
    ADMISSIBLE = "admissible", N_("Demande déclarée recevable")
    NOT_ADMISSIBLE = "not_admissible", N_("Demande déclarée non recevable")
    WITHDRAWN = "withdrawn", N_("Abandon")
    LAPSED = "lapsed", N_("Caducité")
    VALIDATION_FILE = "validation_file", N_("Dossier de validation déposé")
    FULL = "full", N_("Validation totale")
    PARTIAL = "partial", N_("Validation partielle")
    REFUSED = "refused", N_("Refus")
    ABSENT = "absent", N_("Absence devant le jury")
    NOTIFIED = "notified", N_("Décision notifiée")
    HOLDER = "holder", N_("Certification obtenue")
    COMPONENT_VALIDATED = "component_validated", N_("Composante validée")
    EXPIRED_UNUSED = "expired_unused", N_("Composante expirée sans avoir servi")
    OPEN = "open", N_("Dossier en cours")


DECISIONS = (FactKind.FULL, FactKind.PARTIAL, FactKind.REFUSED)
SITTINGS = DECISIONS + (FactKind.ABSENT,)  # the jury sat for the candidate, present or not
# the states of a file that is still open: received, not closed (a draft is not an application yet)
OPEN_STATES = ("submitted", "incomplete", "eligible", "validation_file", "under_assessment", "ready_for_jury",
               "jury_scheduled", "partially_validated")
DECISION_NOTIFIED = "decision_notified"  # the audit action written when the jury's decision reaches the candidate
RECOMPUTE_EXPIRY = "recompute_expiry"
MOVES_READ = frozenset({"submit", "declare_eligible", "declare_ineligible", "apply_silence", "submit_validation_file", "schedule",
                        "record_decision", "withdraw", "lapse", "lapse_admissibility", "withdraw_for_fraud"})
STATE_MOVES = frozenset({"request_documents", "start_validation_file", "return_validation_file", "complete_assessment",
                         "unschedule", "resume", "excuse_inactivity", "record_assessment", "record_hearing"})
READ = MOVES_READ | STATE_MOVES | {DECISION_NOTIFIED, RECOMPUTE_EXPIRY}  # the audit events a candidacy's facts come from
# what the facts read in an audit row's details: dates, outcomes, session references, component codes — nothing that
# says who the candidate is, so an anonymised file keeps them and its statistics stay what they were
READ_DETAILS = frozenset({"received_on", "answer_due_on", "starts_at", "outcome", "session", "decided_on", "components",
                          "expires_on", "carried_over", "withdrawn", "component"})


@dataclass(frozen=True)
class Event:
    """One audit row, as the statistics read it."""

    at: datetime
    event: str
    from_state: str | None = None
    to_state: str | None = None
    details: dict | None = None


@dataclass(frozen=True)
class Fact:
    kind: FactKind
    day: date
    known_from: datetime
    retracted_at: datetime | None = None
    days: int | None = None  # a delay, in days, ending on ``day``
    component: str | None = None
    session: str | None = None  # the jury session's reference
    state: str | None = None  # OPEN: the state the file was in

    def known_at(self, moment: datetime) -> bool:
        """Said by the record at ``moment`` (exclusive end of the day « as known on »)."""
        return self.known_from < moment and (self.retracted_at is None or self.retracted_at >= moment)


def _day(value, default: date | None = None) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else default
    except ValueError:
        return default


@dataclass
class _Version:
    """One expiry of one acquired component, as the record said it from ``since``."""

    component: str
    expires_on: date | None
    since: datetime
    ended: datetime | None = None  # superseded or withdrawn
    corrected: bool = False  # superseded by a recomputation: the expiry said before was wrong
    used: datetime | None = None  # the certification it served was recorded then (a jury before its expiry)


def facts_of(events: list[Event]) -> list[Fact]:
    """The facts one candidacy's audit rows establish, ``events`` in the order they were recorded."""
    out: list[Fact] = []
    received = admissible = last_file = scheduled = decision_day = None
    file_counted = awaiting_notice = False
    open_state: tuple[str, datetime] | None = None
    versions: dict[str, list[_Version]] = {}
    holders: list[int] = []

    for e in events:
        details = e.details or {}
        day = e.at.date()
        if e.to_state and e.to_state != e.from_state and (e.event in MOVES_READ or e.event in STATE_MOVES):
            if open_state is not None:
                out.append(Fact(FactKind.OPEN, open_state[1].date(), open_state[1], e.at, state=open_state[0]))
            open_state = (e.to_state, e.at) if e.to_state in OPEN_STATES else None
        if e.event == "submit" and received is None:
            received = _day(details.get("received_on"), day)
            out.append(Fact(FactKind.RECEIVED, received, e.at))
        elif e.event in ("declare_eligible", "declare_ineligible", "apply_silence") and e.to_state in ("eligible", "ineligible"):
            decided = _day(details.get("answer_due_on"), day) if e.event == "apply_silence" else day
            kind = FactKind.ADMISSIBLE if e.to_state == "eligible" else FactKind.NOT_ADMISSIBLE
            out.append(Fact(kind, decided, e.at, days=(decided - received).days if received else None))
            admissible = decided if kind is FactKind.ADMISSIBLE else admissible
        elif e.event == "submit_validation_file":
            last_file = day
            if not file_counted:
                file_counted = True
                out.append(Fact(FactKind.VALIDATION_FILE, day, e.at, days=(day - admissible).days if admissible else None))
        elif e.event == "schedule":
            scheduled = _day(details.get("starts_at"))
        elif e.event == "record_decision":
            outcome = details.get("outcome")
            session = details.get("session")
            if outcome not in ("full", "partial", "refused"):
                out.append(Fact(FactKind.ABSENT, scheduled or day, e.at, session=session))
                continue
            jury = _day(details.get("decided_on"), scheduled or day)
            kind = {"full": FactKind.FULL, "partial": FactKind.PARTIAL, "refused": FactKind.REFUSED}[outcome]
            out.append(Fact(kind, jury, e.at, days=(jury - last_file).days if last_file else None, session=session))
            decision_day, awaiting_notice = jury, True
            for code, expiry in sorted((details.get("expires_on") or {}).items()):
                out.append(Fact(FactKind.COMPONENT_VALIDATED, jury, e.at, component=code, session=session))
                _supersede(versions, code, e.at, corrected=False)
                versions.setdefault(code, []).append(_Version(code, _day(expiry), e.at))
            if kind is FactKind.FULL:
                holders.append(len(out))
                out.append(Fact(FactKind.HOLDER, jury, e.at, session=session))
                for version in _current(versions):
                    if version.expires_on is None or jury < version.expires_on:
                        version.used = e.at
        elif e.event == DECISION_NOTIFIED and awaiting_notice:
            awaiting_notice = False
            out.append(Fact(FactKind.NOTIFIED, day, e.at, days=(day - decision_day).days))
        elif e.event == "withdraw":
            out.append(Fact(FactKind.WITHDRAWN, day, e.at))
        elif e.event in ("lapse", "lapse_admissibility"):
            out.append(Fact(FactKind.LAPSED, day, e.at))
        elif e.event == "withdraw_for_fraud":
            for index in holders:
                if out[index].retracted_at is None:
                    out[index] = replace(out[index], retracted_at=e.at)
            for code in details.get("withdrawn") or []:
                _supersede(versions, code, e.at, corrected=False)
        elif e.event == RECOMPUTE_EXPIRY and details.get("component"):
            code = details["component"]
            _supersede(versions, code, e.at, corrected=True)
            versions.setdefault(code, []).append(_Version(code, _day(details.get("expires_on")), e.at))
    if open_state is not None:
        out.append(Fact(FactKind.OPEN, open_state[1].date(), open_state[1], state=open_state[0]))
    for history in versions.values():
        for version in history:
            fact = _expiry_fact(version)
            if fact is not None:
                out.append(fact)
    return out


def _current(versions: dict[str, list[_Version]]) -> list[_Version]:
    return [history[-1] for history in versions.values() if history and history[-1].ended is None]


def _supersede(versions: dict[str, list[_Version]], code: str, at: datetime, corrected: bool) -> None:
    history = versions.get(code)
    if history and history[-1].ended is None:
        history[-1].ended, history[-1].corrected = at, corrected


def _expiry_fact(version: _Version) -> Fact | None:
    """A component expired unused: its expiry came while it still stood and before a certification used it. Known
    from the start of that day; a later correction of the expiry retracts it (the record said something wrong), a
    later decision or withdrawal does not (the component had expired by then)."""
    if version.expires_on is None:
        return None
    known = max(datetime.combine(version.expires_on, time.min), version.since)
    if version.used is not None and version.used <= known:
        return None
    if version.ended is not None and version.ended <= known:
        return None
    retracted = version.ended if version.corrected else None
    if version.used is not None:
        retracted = min(version.used, retracted) if retracted else version.used
    return Fact(FactKind.EXPIRED_UNUSED, version.expires_on, known, retracted, component=version.component)
