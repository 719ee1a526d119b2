"""The statistics' facts — a projection of the audit log, rewritten for a candidacy in the transaction of each audit
row it is read from (``projection.py``), rebuilt whole by ``flask audit rebuild-statistics`` — and two summaries of
them kept in the same transaction, so that a certification's figures read a few thousand rows, not a million."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..candidacies.models import CandidacyState
from ..certifications.vocabulary import AccessRoute
from ..database import enum_column
from ..extensions import db
from .facts import FactKind

SITTING_KINDS = "kind IN ('full', 'partial', 'refused', 'absent')"
RETRACTED = "retracted_at IS NOT NULL AND kind <> 'open'"
OPEN = "kind = 'open'"
NO_DELAY = -1  # in the summary's key, where a fact has no delay (a key column cannot be NULL)


class StatFact(db.Model):
    """One :class:`~vae_app.statistics.facts.Fact` of one candidacy, with what the figures group it by."""

    __tablename__ = "stat_facts"
    __table_args__ = (
        sa.CheckConstraint("retracted_at IS NULL OR retracted_at >= known_from", name="retracted_after_known"),
        # the files behind a figure
        sa.Index("ix_stat_facts_figures", "certification_id", "kind", "year", "known_from"),
        # what was recorded after the day « as known on », year by year: taken off the totals
        sa.Index("ix_stat_facts_late", "certification_id", "year", "known_from"),
        # what the record said, then stopped saying, before that day: taken off too (few: a fraud, a corrected expiry)
        sa.Index("ix_stat_facts_retracted", "certification_id", "retracted_at", sqlite_where=sa.text(RETRACTED),
                 postgresql_where=sa.text(RETRACTED)),
        # the jury sessions that sat, counted once each
        sa.Index("ix_stat_facts_sittings", "certification_id", "year", "session", "known_from", sqlite_where=sa.text(SITTING_KINDS),
                 postgresql_where=sa.text(SITTING_KINDS)),
        # the files in a state at a moment
        sa.Index("ix_stat_facts_open", "certification_id", "state", "known_from", "retracted_at", sqlite_where=sa.text(OPEN),
                 postgresql_where=sa.text(OPEN)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(sa.ForeignKey("candidacies.id", ondelete="CASCADE"), index=True)
    certification_id: Mapped[int] = mapped_column(sa.ForeignKey("certifications.id", ondelete="CASCADE"))
    route: Mapped[AccessRoute] = mapped_column(enum_column(AccessRoute))
    kind: Mapped[FactKind] = mapped_column(enum_column(FactKind))
    day: Mapped[date] = mapped_column(sa.Date)
    year: Mapped[int] = mapped_column(sa.Integer)  # day's year, stored: the figures group by it
    known_from: Mapped[datetime] = mapped_column(sa.DateTime)
    retracted_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    days: Mapped[int | None] = mapped_column(sa.Integer)
    component: Mapped[str | None] = mapped_column(sa.String(50))
    session: Mapped[str | None] = mapped_column(sa.String(40))
    state: Mapped[CandidacyState | None] = mapped_column(enum_column(CandidacyState))


class StatTotal(db.Model):
    """How many facts (other than open files) were ever recorded for each key, whenever known and even if retracted
    since: a figure « as known on » a day is this total less what was recorded after that day or retracted before it."""

    __tablename__ = "stat_totals"

    certification_id: Mapped[int] = mapped_column(sa.ForeignKey("certifications.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[FactKind] = mapped_column(enum_column(FactKind), primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    days: Mapped[int] = mapped_column(sa.Integer, primary_key=True)  # NO_DELAY: none
    route: Mapped[AccessRoute] = mapped_column(enum_column(AccessRoute), primary_key=True)
    component: Mapped[str] = mapped_column(sa.String(50), primary_key=True)  # "": none
    n: Mapped[int] = mapped_column(sa.Integer, default=0)


class StatOpenDay(db.Model):
    """Files entering (+) and leaving (−) each open state, day by day: the files in a state at the end of a day are
    the sum up to it (a state changes when it is recorded, so what was known and what was true coincide)."""

    __tablename__ = "stat_open_days"

    certification_id: Mapped[int] = mapped_column(sa.ForeignKey("certifications.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[CandidacyState] = mapped_column(enum_column(CandidacyState), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    n: Mapped[int] = mapped_column(sa.Integer, default=0)
