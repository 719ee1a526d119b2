"""The administrators' outbox: every message with its state, filtered; a message with its attachments; resend."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import defer
from wtforms.validators import InputRequired

from .. import clock
from ..search import like_pattern
from ..auth.models import Role
from ..auth.permissions import role_required
from ..database import unit_of_work
from ..extensions import db
from ..web.forms import Form, TickBox
from ..web.pagination import page_number
from ..web.spreadsheets import download, reader_clock
from .delivery import resend as resend_message, smtp_configured
from .models import MessageAttachment, MessageKind, MessageState, OutboxMessage

bp = Blueprint("mail", __name__)


class ResendForm(Form):
    confirm = TickBox(_l("J'envoie un nouvel exemplaire de ce courriel à son destinataire."),
                      validators=[InputRequired(_l("Cochez la case pour confirmer le nouvel envoi."))])
MAX_SEARCH = 254


def _filters() -> dict:
    """The filters of the query string, each checked (400 naming the field otherwise)."""
    state, kind = request.args.get("etat") or None, request.args.get("objet") or None
    search = (request.args.get("destinataire") or "").strip()
    if state is not None and state not in {s.value for s in MessageState}:
        abort(400, description=f"etat : attendu parmi {', '.join(s.value for s in MessageState)}")
    if kind is not None and kind not in {k.value for k in MessageKind}:
        abort(400, description="objet : valeur inconnue")
    if len(search) > MAX_SEARCH or any(ord(ch) < 32 for ch in search):
        abort(400, description=f"destinataire : {MAX_SEARCH} caractères imprimables au plus")
    return {"etat": state, "objet": kind, "destinataire": search}


def _outbox(filters: dict):
    """The messages the filters keep, the newest first."""
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if filters["etat"]:
        query = query.where(OutboxMessage.state == MessageState(filters["etat"]))
    if filters["objet"]:
        query = query.where(OutboxMessage.kind == MessageKind(filters["objet"]))
    if filters["destinataire"]:
        pattern = like_pattern(filters["destinataire"])
        query = query.where(or_(OutboxMessage.to_email.like(pattern, escape="\\"), OutboxMessage.subject.ilike(pattern, escape="\\")))
    return query


@bp.route("/admin/courriels")
@role_required(Role.ADMIN)
def outbox():
    filters = _filters()
    query = _outbox(filters)
    page = db.paginate(query, page=page_number(), per_page=current_app.config["VAE_PAGE_SIZE"], error_out=False)
    return render_template("mail/outbox.html", page=page, filters=filters, states=list(MessageState), kinds=list(MessageKind),
                           smtp=smtp_configured())


OUTBOX_HEADER = [_l("Créé le"), _l("Destinataire"), _l("Objet"), _l("Nature"), _l("État"), _l("Envoyé le"), _l("Tentatives"),
                 _l("Erreur")]


@bp.route("/admin/courriels.<any(csv, xlsx):fmt>")
@role_required(Role.ADMIN)
def outbox_export(fmt: str):
    """The messages the filters keep, every one (not only the page shown)."""
    query = _outbox(_filters()).options(defer(OutboxMessage.body)).execution_options(yield_per=1000)
    local = reader_clock()
    rows = ([local(m.created_at), m.to_email, m.subject, str(m.kind.label), str(m.state.label), local(m.sent_at),
             m.attempts, m.error or ""] for m in db.session.scalars(query))
    return download(fmt, f"courriels-{clock.today().isoformat()}", OUTBOX_HEADER, rows, _("Courriels"),
                    (17, 32, 56, 36, 12, 17, 10, 40))


def _message(message_id: int) -> OutboxMessage:
    return db.session.get(OutboxMessage, message_id) or abort(404)


@bp.route("/admin/courriels/<int:message_id>")
@role_required(Role.ADMIN)
def message(message_id: int):
    return render_template("mail/outbox_message.html", message=_message(message_id), form=ResendForm(formdata=None))


@bp.route("/admin/courriels/<int:message_id>/pieces/<int:attachment_id>")
@role_required(Role.ADMIN)
def attachment(message_id: int, attachment_id: int):
    part = db.session.get(MessageAttachment, attachment_id)
    if part is None or part.message_id != message_id:
        abort(404)
    return Response(part.data, mimetype=part.content_type.split(";")[0],
                    headers={"Content-Disposition": f'attachment; filename="{part.filename}"', "Cache-Control": "private, no-store"})


@bp.route("/admin/courriels/<int:message_id>/renvoyer", methods=["POST"])
@role_required(Role.ADMIN)
def resend(message_id: int):
    row = _message(message_id)
    form = ResendForm()
    if not form.validate():
        return render_template("mail/outbox_message.html", message=row, form=form), 422
    with unit_of_work():
        resend_message(current_user, row)
    flash(_("Le courriel sera envoyé de nouveau au prochain passage."), "success")
    return redirect(url_for("mail.message", message_id=row.id))
