"""Certifiers and certifications as stored rows.

The facts about a certification (titles, registration, routes, jury, components)
live in ``rules/``; the row ties candidacies and users to a rules file by code.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Certifier(db.Model):
    """A body that awards certifications (CNAM, ASKORIA…). ``code`` matches rules/."""

    __tablename__ = "certifiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(50), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))

    certifications = relationship("Certification", back_populates="certifier", order_by="Certification.code")

    def __repr__(self) -> str:
        return f"<Certifier {self.code}>"


class Certification(db.Model):
    """A certification known to the app; ``code`` (``RNCP5385``) names its rules file."""

    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    certifier_id: Mapped[int] = mapped_column(sa.ForeignKey("certifiers.id"), index=True)

    certifier = relationship("Certifier", back_populates="certifications")

    def __repr__(self) -> str:
        return f"<Certification {self.code}>"
