"""Rate limits shared by every worker of an instance without Redis: the counts live in the database (a
``limits`` storage backend, scheme ``vae+database://``), so three gunicorn workers allow 10 sign-in attempts
a minute between them, not 10 each. With ``VAE_REDIS_URL`` the counts live in Redis instead.

Each count is one statement on its own connection (committed at once, outside the request's transaction):
an upsert that starts a new window when the last one has expired. On SQLite the counts are kept in a file of
their own beside the database (a writing request holds the database's write lock: counting there would wait
for it); on PostgreSQL, in the database's ``rate_limit_hits`` table."""
from __future__ import annotations

import random
import time

import sqlalchemy as sa
from limits.storage import Storage
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db

SCHEME = "vae+database"


class RateLimitHit(db.Model):
    """The attempts counted under one key (an address, a client) in the window that ends at ``expires_at``."""

    __tablename__ = "rate_limit_hits"

    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(sa.Integer)
    expires_at: Mapped[float] = mapped_column(sa.Float)


class DatabaseStorage(Storage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, database_url: str | None = None, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        connect_args = {"timeout": 30} if (database_url or "").startswith("sqlite") else {}
        self.engine = sa.create_engine(database_url, pool_pre_ping=True, hide_parameters=True, connect_args=connect_args)
        if self.engine.dialect.name == "sqlite":  # a file of the counts' own (the database's table is the migrations')
            RateLimitHit.__table__.create(self.engine, checkfirst=True)

    @property
    def base_exceptions(self):
        return sa.exc.SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        statement = sa.text(
            "INSERT INTO rate_limit_hits (key, hits, expires_at) VALUES (:key, :amount, :until) "
            "ON CONFLICT (key) DO UPDATE SET "
            "hits = CASE WHEN rate_limit_hits.expires_at <= :now THEN :amount ELSE rate_limit_hits.hits + :amount END, "
            "expires_at = CASE WHEN rate_limit_hits.expires_at <= :now THEN :until ELSE rate_limit_hits.expires_at END "
            "RETURNING hits")
        with self.engine.begin() as connection:
            hits = connection.execute(statement, {"key": key[:255], "amount": amount, "until": now + expiry, "now": now}).scalar_one()
            if random.random() < 0.001:  # now and then, forget the windows that have closed
                connection.execute(sa.text("DELETE FROM rate_limit_hits WHERE expires_at <= :now"), {"now": now})
        return hits

    def get(self, key: str) -> int:
        with self.engine.connect() as connection:
            hits = connection.execute(sa.text("SELECT hits FROM rate_limit_hits WHERE key = :key AND expires_at > :now"),
                                      {"key": key[:255], "now": time.time()}).scalar()
        return hits or 0

    def get_expiry(self, key: str) -> float:
        with self.engine.connect() as connection:
            until = connection.execute(sa.text("SELECT expires_at FROM rate_limit_hits WHERE key = :key"), {"key": key[:255]}).scalar()
        return until or time.time()

    def check(self) -> bool:
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as connection:
            return connection.execute(sa.text("DELETE FROM rate_limit_hits")).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM rate_limit_hits WHERE key = :key"), {"key": key[:255]})


def counts_url(database_url: str) -> str:
    """Where an instance keeps its counts: beside a SQLite database, in a file of their own; in a PostgreSQL one."""
    if database_url.startswith("sqlite:///") and database_url != "sqlite:///:memory:":
        return f"{database_url}.rate-limits"
    if database_url.startswith("sqlite"):
        return "sqlite://"
    return database_url


def seconds_to_wait(limit_text: str) -> float | None:
    """In a request refused by a rate limit: how long before the person may try again, read from the limiter. Every
    limit of ``limit_text`` (« 10 per minute;100 per hour ») that has no attempt left counts: the wait ends when the
    last of them starts a new window (the hourly limit, once used up, outlasts the minute's). None: not known."""
    from limits import parse_many

    from .extensions import limiter

    breached = [request_limit for request_limit in limiter.current_limits if request_limit.breached]
    if not breached:
        return None
    try:
        until = max(request_limit.window.reset_time for request_limit in breached)
        for item in parse_many(limit_text):
            stats = limiter.limiter.get_window_stats(item, *breached[0].request_args)
            if stats.remaining <= 0:
                until = max(until, stats.reset_time)
    except Exception:  # a storage that cannot say: the message says « later », not a made-up time
        return None
    return max(until - time.time(), 0.0)


def try_again(what: str, limit_setting: str = "VAE_LOGIN_LIMIT"):
    """The refusal's message, for ``error_message``: ``what`` was refused (« Trop de tentatives de connexion »), and
    when the person may try again, in their language: in N minutes, or at what time when the wait is long."""

    def message() -> str:
        import math
        from datetime import datetime, timedelta, timezone

        from flask import current_app
        from flask_babel import gettext as _, ngettext, to_user_timezone

        from .dates import hour
        from .web.i18n import current_language

        wait = seconds_to_wait(current_app.config[limit_setting])
        if wait is None:
            return _("%(what)s : réessayez plus tard.", what=_(what))
        minutes = max(math.ceil(wait / 60), 1)
        if minutes <= 15:
            return ngettext("%(what)s : réessayez dans %(num)s minute.", "%(what)s : réessayez dans %(num)s minutes.", minutes,
                            what=_(what))
        at = to_user_timezone(datetime.now(timezone.utc) + timedelta(seconds=wait))
        return _("%(what)s : réessayez à %(time)s, dans %(minutes)s minutes.", what=_(what), time=hour(at, current_language()),
                 minutes=minutes)

    return message
