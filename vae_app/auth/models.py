"""Users and their roles."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import enum_column
from ..enums import N_, LabelledEnum
from ..extensions import db
from ..search import KEY_LENGTH, keep_search_key, key_default, trigram_index

# scrypt: memory-hard KDF, in Werkzeug's standard library support (no C extension needed).
PASSWORD_METHOD = "scrypt"


class Role(LabelledEnum):
    CANDIDATE = "candidate", N_("Candidat")
    COORDINATOR = "coordinator", N_("Coordination")
    JURY_MEMBER = "jury_member", N_("Membre de jury")
    ADMIN = "admin", N_("Administration")


SEARCHED = ("first_name", "last_name", "email")


class User(UserMixin, db.Model):
    """Anyone who logs in. A coordinator belongs to exactly one certifier."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'coordinator') = (certifier_id IS NOT NULL)",
            name="coordinator_has_certifier",
        ),
        trigram_index("ix_users_search_key", "search_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    certifier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certifiers.id"), index=True)
    is_active_account: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime)
    # in every session and remember-me cookie: signing out or a new password increments it, which ends them all
    session_version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")
    language: Mapped[str | None] = mapped_column(sa.String(2))  # the messages' language, once chosen (None: French)
    # a self-registered account's address: nothing but its confirmation is sent to it until it is confirmed
    email_confirmation_pending: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    email_confirmed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    email_bounced_at: Mapped[datetime | None] = mapped_column(sa.DateTime)  # the mail server refused it for good
    email_bounce: Mapped[str | None] = mapped_column(sa.Text)  # what the mail server said
    # the names and address as people type them (vae_app.search): kept on every write, searched by the lists
    search_key: Mapped[str] = mapped_column(sa.String(KEY_LENGTH), default=key_default(*SEARCHED), server_default="")

    certifier = relationship("Certifier")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_account

    remember_token = None  # not a column: the device's « se souvenir de moi » token, for get_id

    def get_id(self) -> str:  # Flask-Login: what the session and the remember-me cookie hold
        base = f"{self.id}:{self.session_version or 1}"
        return f"{base}:{self.remember_token}" if self.remember_token else base

    def end_sessions(self) -> None:
        """Every session and remember-me cookie of the account stops working (on its next request)."""
        self.session_version = (self.session_version or 1) + 1

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)

    def set_unusable_password(self) -> None:
        """No password signs in (an account opened by someone else, until its holder chooses one by the link sent to
        them): a random value that is not a hash, so no password matches it, and the link's fingerprint is unguessable."""
        import secrets

        self.password_hash = "!" + secrets.token_urlsafe(24)

    @property
    def edit_stamp(self) -> str:
        """What an administrator's form was filled from (the account has no version column): the form sends it back,
        and a form filled before a change of these fields is refused instead of overwriting it."""
        import hashlib

        fields = (self.email, self.first_name, self.last_name, self.role.value, self.certifier_id, self.language,
                  self.is_active_account)
        return hashlib.sha256(repr(fields).encode()).hexdigest()[:16]

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


keep_search_key(User, *SEARCHED)


def password_matches(user: "User | None", password: str) -> bool:
    """Whether ``password`` is the account's; for no account, the same work is done (a hash is checked) so the time
    taken does not tell whether an address has an account."""
    if user is None:
        check_password_hash(_unknown_hash(), password or "")
        return False
    return user.check_password(password or "")


_UNKNOWN = []


def _unknown_hash() -> str:
    if not _UNKNOWN:
        _UNKNOWN.append(generate_password_hash("nobody has this password", method=PASSWORD_METHOD))
    return _UNKNOWN[0]

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


class TokenColumns:
    """A secret handed out once and kept only as its SHA-256, with its owner and its expiry."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime)


class RememberToken(TokenColumns, db.Model):
    """One device's « se souvenir de moi »: drawn anew at each sign-in, expiring; deleting the row ends that
    device's remember-me cookie (signing out deletes the account's rows)."""

    __tablename__ = "remember_tokens"


class ApiToken(TokenColumns, db.Model):
    """A bearer token for the JSON API: it expires and can be revoked."""

    __tablename__ = "api_tokens"

    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    user = relationship("User")

    def is_valid_at(self, when: datetime) -> bool:
        return self.revoked_at is None and when < self.expires_at
