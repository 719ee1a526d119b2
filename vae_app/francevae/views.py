"""The coordinators' France VAE page: the last pulls, the deliveries waiting or failed with their error, a retry."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import Role
from ..auth.permissions import role_required
from ..database import unit_of_work
from ..extensions import db
from ..web.forms import ConfirmForm
from ..web.pagination import page_number
from . import outbox, queries
from .models import DeliveryState
from .settings import configured

bp = Blueprint("francevae", __name__)


def _scope() -> int | None:
    return current_user.certifier_id if current_user.role is Role.COORDINATOR else None


@bp.route("/coordination/france-vae")
@role_required(Role.COORDINATOR, Role.ADMIN)
def status():
    scope = _scope()
    waiting = db.paginate(queries.deliveries(scope, [DeliveryState.QUEUED, DeliveryState.FAILED]), page=page_number(),
                          per_page=current_app.config["VAE_PAGE_SIZE"], error_out=False)
    sent = db.session.scalars(queries.deliveries(scope, [DeliveryState.SENT]).limit(20)).all()
    return render_template("francevae/status.html", configured=configured(), pulls=queries.last_pulls(scope), page=waiting,
                           sent=sent, form=ConfirmForm(formdata=None))


@bp.route("/coordination/france-vae/envois/<int:delivery_id>/relancer", methods=["POST"])
@role_required(Role.COORDINATOR, Role.ADMIN)
def retry(delivery_id: int):
    row = queries.delivery(delivery_id) or abort(404)
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    with unit_of_work():
        outbox.retry(current_user, row)
    flash(_("L'envoi sera repris au prochain passage."), "success")
    return redirect(url_for("francevae.status"))
