"""Components acquired by a candidate, with the date they expire."""
from __future__ import annotations

from datetime import date

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
