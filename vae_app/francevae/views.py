"""The coordinators' France VAE page: the last pulls, the deliveries waiting or failed with their error, a retry."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import Role
from ..auth.permissions import role_required
from ..database import unit_of_work
from ..errors import Conflict
from ..enums import N_
from ..extensions import db, limiter
from ..web.forms import ConfirmForm
from ..web.pagination import page_number
from . import jobs, outbox, queries
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


@bp.errorhandler(429)
def _asked_again(error):
    """A pull asked again within the minute: said on the page the coordinator came from."""
    flash(_(PULL_ASKED_AGAIN), "info")
    return redirect(url_for("francevae.status"))


PULL_ASKED_AGAIN = N_("Une réception de France VAE vient d'être demandée pour ce certificateur : son résultat s'affiche "
                      "ci-dessous ; réessayez dans une minute.")


def _pulls_of() -> str:
    """Pulls are counted per certifier (per administrator for an administrator's pull of every certifier)."""
    return f"francevae-pull:{current_user.certifier_id or 'admin-' + str(current_user.id)}"


@bp.route("/coordination/france-vae/synchroniser", methods=["POST"])
@role_required(Role.COORDINATOR, Role.ADMIN)
@limiter.limit("1 per minute", key_func=_pulls_of, error_message=PULL_ASKED_AGAIN)
def pull_now():
    """Pull now, for the coordinator's certifier (every certifier with a token, for an administrator)."""
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    if not configured():
        flash(_("France VAE n'est pas configuré : rien n'est reçu ni envoyé."), "error")
        return redirect(url_for("francevae.status"))
    tokens = current_app.config.get("VAE_FRANCEVAE_TOKENS") or {}
    if current_user.role is Role.COORDINATOR:
        codes = [current_user.certifier.code] if current_user.certifier and current_user.certifier.code in tokens else []
    else:
        codes = sorted(tokens)
    if not codes:
        flash(_("Aucun jeton France VAE n'est configuré pour votre certificateur : demandez-le à l'administrateur."), "error")
        return redirect(url_for("francevae.status"))
    how = jobs.enqueue_pull(codes)
    flash(_("La synchronisation est terminée : son résultat figure ci-dessous.") if how == "inline"
          else _("La synchronisation est lancée : son résultat s'affichera ci-dessous dans quelques instants."), "success")
    return redirect(url_for("francevae.status"))


@bp.route("/coordination/france-vae/envois/<int:delivery_id>/relancer", methods=["POST"])
@role_required(Role.COORDINATOR, Role.ADMIN)
def retry(delivery_id: int):
    row = queries.delivery(delivery_id) or abort(404)
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    try:
        with unit_of_work():
            outbox.retry(current_user, row)
    except Conflict as already:  # sent meanwhile: said on the page the coordinator came from
        flash(_(already.message), "info")
        return redirect(url_for("francevae.status"))
    flash(_("L'envoi sera repris au prochain passage."), "success")
    return redirect(url_for("francevae.status"))
