"""Components acquired by a candidate, with the date they expire."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class AcquiredComponent(db.Model):
    """A component validated by a jury. ``expires_on`` is NULL when kept permanently."""

    __tablename__ = "acquired_components"
    __table_args__ = (
        sa.UniqueConstraint("candidacy_id", "component_code"),
        sa.CheckConstraint("expires_on IS NULL OR expires_on > validated_on", name="expires_after_validation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(sa.ForeignKey("candidacies.id", ondelete="CASCADE"), index=True)
    component_code: Mapped[str] = mapped_column(sa.String(50))
    validated_on: Mapped[date] = mapped_column(sa.Date)
    expires_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    validity_rule: Mapped[str | None] = mapped_column(sa.String(20))

    candidacy = relationship("Candidacy", back_populates="acquired_components")

    @property
    def permanent(self) -> bool:
        return self.expires_on is None

    def is_valid_on(self, day: date) -> bool:
        return self.expires_on is None or day < self.expires_on


class ComponentExpiryCount(db.Model):
    """How many acquired components of candidacies not (yet) certified expire on each day, per certification.

    Kept exact by database triggers on ``acquired_components`` and ``candidacies`` (migration
    ``a8e4c2f61d37``), so the expiry dashboard reads a few hundred rows instead of stepping through the
    130,000 components that expire within a year either side of today.
    """

    __tablename__ = "component_expiry_counts"

    certification_id: Mapped[int] = mapped_column(sa.ForeignKey("certifications.id", ondelete="CASCADE"), primary_key=True)
    expires_on: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    n: Mapped[int] = mapped_column(sa.Integer, default=0)


class Reminder(db.Model):
    """One reminder threshold reached for one acquired component: sent once, ever.

    The unique constraint makes a second run, or a concurrent one, unable to
    remind twice: the row is inserted before the message is queued.
    """

    __tablename__ = "component_reminders"
    __table_args__ = (sa.UniqueConstraint("component_id", "threshold_days"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(sa.ForeignKey("acquired_components.id", ondelete="CASCADE"), index=True)
    threshold_days: Mapped[int] = mapped_column(sa.Integer)
    expires_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime)
    sent: Mapped[bool] = mapped_column(sa.Boolean, default=True)  # False: a later, more urgent reminder superseded it
