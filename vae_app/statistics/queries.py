"""The statistics' reads: the figures of a certification, grouped in the database, and the files behind each figure.

Both filter the facts the same way (:func:`_behind`), so that a figure and its list always agree.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..candidacies.models import Candidacy, CandidacyState
from ..certifications.models import Certification
from ..extensions import db
from .facts import OPEN_STATES, FactKind
from .figures import BY_KEY, Figure, Report, cutoff, report, year_end
from .models import NO_DELAY, OPEN, RETRACTED, SITTING_KINDS, StatFact as F, StatOpenDay as O, StatTotal as T


def certifications(certifier_id: int | None) -> list[Certification]:
    """The certifications a coordinator (``certifier_id``) or an administrator (None) reports on."""
    query = sa.select(Certification).order_by(Certification.code)
    if certifier_id is not None:
        query = query.where(Certification.certifier_id == certifier_id)
    return list(db.session.scalars(query))


def _known(moment) -> sa.ColumnElement:
    return (F.known_from < moment) & (F.retracted_at.is_(None) | (F.retracted_at >= moment))


def _kinds(figure: Figure) -> list[str]:
    return [k.value for k in figure.kinds]


def figures(certification: Certification, years: list[int], as_known_on: date, details: dict[str, list[str]]) -> Report:
    """Every figure of ``certification`` for ``years``, as the record said them at the end of ``as_known_on``: the
    totals ever recorded, less what was recorded after that day and what was retracted before it (few rows either
    way), the sessions that sat, and the open files from the day-by-day entries and exits of each state."""
    moment = cutoff(as_known_on)
    first, last = min(years), max(years)
    mine = F.certification_id == certification.id
    counted: Counter = Counter()
    for kind, year, days, route, component, n in db.session.execute(
            sa.select(T.kind, T.year, T.days, T.route, T.component, T.n)
            .where(T.certification_id == certification.id, T.year.between(first, last), T.n != 0)):
        counted[(str(kind), year, None if days == NO_DELAY else days, str(route), component or None)] += n
    grouped = (F.kind, F.year, F.days, F.route, F.component)
    late = sa.select(*grouped, sa.func.count()).where(mine, F.year.in_(years), F.known_from >= moment, F.kind != FactKind.OPEN)
    # the partial indexes' own conditions, written as they are (a planner matches them literally)
    gone = sa.select(*grouped, sa.func.count()).where(mine, sa.text(RETRACTED), F.retracted_at < moment, F.known_from < moment,
                                                      F.year.between(first, last))
    for query in (late, gone):
        for kind, year, days, route, component, n in db.session.execute(query.group_by(*grouped)):
            counted[(str(kind), year, days, str(route), component)] -= n
    sessions = db.session.execute(
        sa.select(F.year, sa.func.count(sa.distinct(F.session)))
        .where(mine, sa.text(SITTING_KINDS), F.year.between(first, last), F.session.isnot(None), F.known_from < moment)
        .group_by(F.year)).all()
    opened: Counter = Counter()
    for state, day, n in db.session.execute(sa.select(O.state, O.day, O.n).where(O.certification_id == certification.id,
                                                                                 O.day < moment.date(), O.n != 0)):
        opened[(str(state), day.year)] += n
    return report(certification.code, years, as_known_on, [(*key, n) for key, n in counted.items() if n], sessions,
                  [(state, year, n) for (state, year), n in opened.items()], [], details)


def _behind(certification: Certification, figure: Figure, year: int, as_known_on: date, detail: str | None):
    """The facts a figure counts, for one year (and one component, route or state)."""
    if figure.key == "open":
        condition = (F.certification_id == certification.id) & sa.text(OPEN) & _known(year_end(year, as_known_on))
        return condition & (F.state == detail) if detail else condition
    condition = ((F.certification_id == certification.id) & F.kind.in_(_kinds(figure)) & (F.year == year)
                 & _known(cutoff(as_known_on)))
    if figure.key == "success_rate":
        condition &= F.route == "vae"
    if figure.delay:
        condition &= F.days.isnot(None)
    if figure.sessions:
        condition &= sa.text(SITTING_KINDS) & F.session.isnot(None)
    if detail is not None and figure.by == "component":
        condition &= F.component == detail
    if detail is not None and figure.by == "route":
        condition &= F.route == detail
    return condition


@dataclass(frozen=True)
class Behind:
    """One fact behind a figure, with its file."""

    candidacy: Candidacy
    kind: FactKind
    day: date
    days: int | None
    component: str | None
    session: str | None
    state: CandidacyState | None


def count_behind(certification: Certification, figure: Figure, year: int, as_known_on: date, detail: str | None) -> int:
    condition = _behind(certification, figure, year, as_known_on, detail)
    if figure.sessions:
        return db.session.scalar(sa.select(sa.func.count(sa.distinct(F.session))).where(condition)) or 0
    return db.session.scalar(sa.select(sa.func.count()).select_from(F).where(condition)) or 0


def files_behind(certification: Certification, figure: Figure, year: int, as_known_on: date, detail: str | None,
                 offset: int = 0, limit: int | None = None) -> list[Behind]:
    """The facts behind a figure with their files: longest delays first for a delay, else by date and reference."""
    query = (sa.select(F, Candidacy).join(Candidacy, Candidacy.id == F.candidacy_id)
             .where(_behind(certification, figure, year, as_known_on, detail))
             .options(selectinload(Candidacy.candidate)))
    order = [F.days.desc(), Candidacy.reference] if figure.delay else [F.day, F.session, Candidacy.reference, F.component]
    rows = db.session.execute(query.order_by(*order).offset(offset).limit(limit)).all()
    return [Behind(candidacy, fact.kind, fact.day, fact.days, fact.component, fact.session, fact.state) for fact, candidacy in rows]


def sessions_behind(certification: Certification, figure: Figure, year: int, as_known_on: date) -> list[tuple[str, date, int]]:
    """The jury sessions behind « juries held »: reference, day, files the jury sat for."""
    return [tuple(row) for row in db.session.execute(
        sa.select(F.session, sa.func.min(F.day), sa.func.count(sa.distinct(F.candidacy_id)))
        .where(_behind(certification, figure, year, as_known_on, None))
        .group_by(F.session).order_by(sa.func.min(F.day), F.session))]


def details_of(certification: Certification, components: list[str], routes: list[str]) -> dict[str, list[str]]:
    """What the « by » figures list, in order: the rules' components (then any other one in the record), the routes
    recorded, the open states."""
    recorded = set(db.session.scalars(sa.select(T.component).distinct().where(
        T.certification_id == certification.id, T.component != "", T.n != 0)))
    return {"component": components + sorted(recorded - set(components)), "route": routes, "state": list(OPEN_STATES)}
