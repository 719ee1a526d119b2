"""« Se souvenir de moi », one device at a time: each sign-in that asks for it draws its own token, kept in the
device's cookie (inside the signed session identifier) and stored only as a digest; signing out or a new password
deletes the account's tokens. Sign-in itself is not a change of the record, so nothing here is audited."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from .. import clock
from ..extensions import db
from .models import RememberToken, User


def remember_device(user: User, days: int) -> str:
    """A new « se souvenir de moi » token for the device signing in (a different one at every sign-in); the clear
    value goes in its cookie only, the database keeps its digest."""
    token = secrets.token_urlsafe(24)
    now = clock.now()
    db.session.add(RememberToken(user_id=user.id, token_hash=token_digest(token), created_at=now, expires_at=now + timedelta(days=days)))
    db.session.flush()
    return token


def remembered(user: User, token: str, now: datetime) -> bool:
    """Whether ``token`` is a live remember-me token of ``user``."""
    row = db.session.scalar(select(RememberToken).where(RememberToken.token_hash == token_digest(token)))
    return row is not None and row.user_id == user.id and now < row.expires_at


def forget_devices(user: User) -> None:
    db.session.execute(RememberToken.__table__.delete().where(RememberToken.user_id == user.id))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
