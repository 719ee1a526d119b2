"""With Redis configured, a commit that queued messages hands their delivery to an RQ worker (queue ``mail``) at
once; without it, the cron command ``flask mail deliver`` sends them."""
from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
FLAG = "vae_mail_queued"


def _noticed(session, flush_context, instances) -> None:
    from .models import OutboxMessage

    if any(isinstance(obj, OutboxMessage) for obj in session.new):
        session.info[FLAG] = True


def _committed(session) -> None:
    if not session.info.pop(FLAG, False):
        return
    from flask import current_app, has_app_context

    if not has_app_context() or not current_app.config.get("VAE_REDIS_URL"):
        return
    from ..background import run_later

    try:
        run_later("mail", "vae_app.mail.delivery.deliver_job", timeout=600)
    except Exception as exc:  # Redis down: the cron delivers them; the act is committed and stays so
        log.warning("mail delivery not handed to RQ (%s): the cron command will send it", exc)


def _rolled_back(session, previous_transaction) -> None:
    session.info.pop(FLAG, None)


def deliver_after_commit(app) -> None:
    """Install the hooks once (for every session of every app)."""
    if not event.contains(Session, "before_flush", _noticed):
        event.listen(Session, "before_flush", _noticed)
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_soft_rollback", _rolled_back)
