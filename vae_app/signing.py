"""Signed tokens for the links sent by e-mail (an address to confirm, a password to choose, an invitation to
answer), timed on the app's clock: a simulated or frozen day dates and ages them as it dates everything else."""
from __future__ import annotations

from flask import current_app


def serializer(salt: str):
    """A URL-safe serializer signed with the app's secret key under ``salt`` (one per kind of link), whose
    timestamps come from :mod:`vae_app.clock`."""
    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    from . import clock

    class OnTheAppClock(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock.now().timestamp())

    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt, signer=OnTheAppClock)
