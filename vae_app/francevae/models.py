"""What this app owes France VAE: an outbox row per act France VAE must know, written in the act's transaction."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import enum_column
from ..enums import N_, LabelledEnum
from ..extensions import db


class DeliveryKind(LabelledEnum):
    FEASIBILITY_DECISION = "feasibility_decision", N_("Décision sur le dossier de faisabilité")
    VALIDATION_DECISION = "validation_decision", N_("Décision sur le dossier de validation")
    JURY_SESSION = "jury_session", N_("Session du jury")
    JURY_RESULT = "jury_result", N_("Résultat du jury")


class DeliveryState(LabelledEnum):
    QUEUED = "queued", N_("À envoyer")
    SENT = "sent", N_("Envoyée")
    FAILED = "failed", N_("En échec")


class FranceVaeDelivery(db.Model):
    """One act to deliver to France VAE: its payload as the contract takes it, and how its delivery goes."""

    __tablename__ = "francevae_deliveries"
    __table_args__ = (sa.Index("ix_francevae_deliveries_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(sa.ForeignKey("candidacies.id", ondelete="CASCADE"), index=True)
    remote_id: Mapped[str] = mapped_column(sa.String(64))  # the candidacy on France VAE (candidatureId)
    kind: Mapped[DeliveryKind] = mapped_column(enum_column(DeliveryKind))
    payload: Mapped[dict] = mapped_column(sa.JSON)
    state: Mapped[DeliveryState] = mapped_column(enum_column(DeliveryState), default=DeliveryState.QUEUED)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(sa.DateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    candidacy = relationship("Candidacy")


MAX_REASONS = 200


class FranceVaePull(db.Model):
    """One pull of a certifier's files from France VAE: when, and what it found."""

    __tablename__ = "francevae_pulls"

    id: Mapped[int] = mapped_column(primary_key=True)
    certifier_id: Mapped[int] = mapped_column(sa.ForeignKey("certifiers.id"), index=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime)
    created: Mapped[int] = mapped_column(sa.Integer, default=0)
    updated: Mapped[int] = mapped_column(sa.Integer, default=0)
    unchanged: Mapped[int] = mapped_column(sa.Integer, default=0)
    conflicts: Mapped[int] = mapped_column(sa.Integer, default=0)
    skipped: Mapped[int] = mapped_column(sa.Integer, default=0)
    skipped_reasons: Mapped[list | None] = mapped_column(sa.JSON)  # "France VAE id : why", the first MAX_REASONS
    error: Mapped[str | None] = mapped_column(sa.Text)  # the pull stopped on this (France VAE unreachable, a contract mismatch)
