"""A pull asked for from the coordinators' page: an RQ job on the ``francevae`` queue when ``VAE_REDIS_URL`` is set
(workers: ``rq worker francevae planning --url $VAE_REDIS_URL``), otherwise a thread of the app server. The cron
command ``flask francevae pull`` does the same work on its schedule."""
from __future__ import annotations

import logging

from flask import current_app, has_app_context

log = logging.getLogger(__name__)
QUEUE = "francevae"


def enqueue_pull(certifier_codes: list[str]) -> str:
    """Hand the pull of these certifiers to a worker, after the request's commit. Returns how."""
    from ..background import run_later

    return run_later(QUEUE, "vae_app.francevae.jobs.pull_job", certifier_codes,
                     inline=bool(current_app.config.get("VAE_FRANCEVAE_INLINE")), timeout=1800)


def pull_job(certifier_codes: list[str]) -> None:
    """The worker's entry point: each certifier pulled in turn, each pull recorded (or why it stopped), so that the
    coordinators' page shows the outcome. An RQ worker builds its own app (same VAE_* configuration)."""
    if not has_app_context():
        from .. import create_app

        with create_app().app_context():
            return pull_job(certifier_codes)
    from sqlalchemy import select

    from ..certifications.models import Certifier
    from ..extensions import db
    from .client import FranceVaeError, FranceVaeOff
    from .contract import ContractMismatch
    from .pull import run_pull

    ids = dict(db.session.execute(select(Certifier.code, Certifier.id).where(Certifier.code.in_(certifier_codes))).all())
    for code in certifier_codes:
        if code not in ids:
            continue
        try:
            run_pull(ids[code], code)
        except (FranceVaeError, FranceVaeOff, ContractMismatch) as error:  # recorded by run_pull, shown on the page
            log.warning("France VAE pull of %s stopped: %s", code, error)
    db.session.commit()
