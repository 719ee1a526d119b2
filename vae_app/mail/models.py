"""The outbox: each message, its attachments, and how its delivery goes."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import enum_column
from ..enums import N_, LabelledEnum
from ..extensions import db


class MessageKind(LabelledEnum):
    """What a message is about (the admin filters the outbox by it)."""

    APPLICATION_RECEIVED = "application_received", N_("Accusé de réception de la demande")
    DOCUMENTS_REQUESTED = "documents_requested", N_("Pièces demandées")
    DOCUMENTS_REMINDER = "documents_reminder", N_("Relance : pièces demandées")
    ELIGIBILITY_DECISION = "eligibility_decision", N_("Décision de recevabilité")
    VALIDATION_FILE_RECEIVED = "validation_file_received", N_("Accusé de réception du dossier de validation")
    VALIDATION_FILE_RETURNED = "validation_file_returned", N_("Dossier de validation renvoyé")
    CONVOCATION = "convocation", N_("Convocation au jury")
    MEMBER_CONVOCATION = "member_convocation", N_("Convocation d'un membre du jury")
    JURY_INVITATION = "jury_invitation", N_("Invitation à siéger dans un jury")
    JURY_INVITATION_REMINDER = "jury_invitation_reminder", N_("Rappel : invitation à siéger dans un jury")
    CONVOCATION_CANCELLED = "convocation_cancelled", N_("Convocation annulée")
    SESSION_REOPENED = "session_reopened", N_("Session de jury modifiée")
    SESSION_CANCELLED = "session_cancelled", N_("Session de jury annulée")
    MEMBER_RELEASED = "member_released", N_("Membre du jury libéré de sa session")
    JURY_DECISION = "jury_decision", N_("Décision du jury")
    EXPIRY_REMINDER = "expiry_reminder", N_("Rappel d'expiration")
    EXPIRY_DIGEST = "expiry_digest", N_("Récapitulatif des rappels d'expiration")
    EMAIL_CONFIRMATION = "email_confirmation", N_("Confirmation de l'adresse électronique")
    PASSWORD_RESET = "password_reset", N_("Réinitialisation du mot de passe")
    ACCOUNT_CREATED = "account_created", N_("Compte créé")


class MessageState(LabelledEnum):
    QUEUED = "queued", N_("À envoyer")
    SENT = "sent", N_("Envoyé")
    FAILED = "failed", N_("En échec")


class _Kind(sa.types.TypeDecorator):
    """A message kind stored as its value, without a CHECK constraint: a new kind needs no migration."""

    impl = sa.String(40)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else MessageKind(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else MessageKind(value)


class OutboxMessage(db.Model):
    """An e-mail, stored in the act's transaction before it is sent; the admin reads the outbox and can resend."""

    __tablename__ = "outbox_messages"
    # AUTOINCREMENT on SQLite: an erased message's id is never reused, the journal names it for good
    __table_args__ = (sa.Index("ix_outbox_messages_due", "state", "next_attempt_at"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    to_email: Mapped[str] = mapped_column(sa.String(254), index=True)
    recipient_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    candidacy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("candidacies.id", ondelete="SET NULL"), index=True)
    language: Mapped[str] = mapped_column(sa.String(2), default="fr", server_default="fr")
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[MessageKind] = mapped_column(_Kind)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, index=True)
    state: Mapped[MessageState] = mapped_column(enum_column(MessageState), default=MessageState.QUEUED)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(sa.DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    error: Mapped[str | None] = mapped_column(sa.Text)  # the last attempt's error, as the server said it
    version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    recipient = relationship("User")
    candidacy = relationship("Candidacy")
    attachments = relationship("MessageAttachment", cascade="all, delete-orphan", order_by="MessageAttachment.id",
                               back_populates="message")


class MessageAttachment(db.Model):
    """A file sent with a message (a decision letter, an attestation, a calendar invitation), kept as sent."""

    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)

    message = relationship("OutboxMessage", back_populates="attachments")
