"""The candidacy domain's views, by screen; :mod:`..blueprint` lists the routes. Views parse
the input, call one operation, commit once; refusals are domain errors, rendered by
:mod:`vae_app.web.errors`."""
from __future__ import annotations

from flask_login import current_user

from ...extensions import db
from .. import operations as ops
from ..models import Candidacy


def load(candidacy_id: int) -> Candidacy:
    """The candidacy, if the current user may see it (404, 403 otherwise)."""
    return ops.visible(current_user, db.session.get(Candidacy, candidacy_id))


def editable(candidacy_id: int) -> Candidacy:
    """The candidacy, if the current user is its candidate and may still edit the application."""
    candidacy = load(candidacy_id)
    ops.ensure_editable(candidacy, current_user)
    return candidacy
