"""API bearer tokens: random, stored hashed, expiring, revocable."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import select

from .. import clock
from ..auth.models import ApiToken, User
from ..extensions import db


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user: User) -> tuple[str, ApiToken]:
    """A new token for ``user``; the clear value is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    row = ApiToken(user_id=user.id, token_hash=_digest(token), created_at=now,
                   expires_at=now + timedelta(hours=current_app.config["VAE_API_TOKEN_HOURS"]))
    db.session.add(row)
    db.session.flush()
    return token, row


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def current_token() -> ApiToken | None:
    value = bearer()
    if not value:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(value)))
    if row is None or not row.is_valid_at(clock.now()):
        return None
    return row
