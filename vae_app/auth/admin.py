"""The administrators' accounts pages (``/admin/comptes``): the list with its filters, a new account, an account's
form, and its deactivation or reactivation (a ticked confirmation and a reason). Views parse and call one operation
(:mod:`.operations`); refusals are domain errors, shown beside their fields by :mod:`vae_app.web.errors`."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from ..certifications.models import Certifier
from ..database import unit_of_work
from ..extensions import db
from ..web.errors import form_page
from ..web.pagination import page_number
from . import queries
from .forms import AccountForm, AccountStatusForm
from .models import Role, User
from .operations import AccountValues, create_account, deactivate_account, reactivate_account, update_account
from .permissions import role_required

bp = Blueprint("accounts", __name__, url_prefix="/admin/comptes")
MAX_SEARCH = 254
STATES = {"actifs": True, "inactifs": False}


def _filters() -> dict:
    """The list's filters from the query string, each checked (400 naming the field otherwise)."""
    role, certifier, state = request.args.get("role") or None, request.args.get("certificateur") or None, request.args.get("etat") or None
    text = (request.args.get("q") or "").strip()
    if role is not None and role not in {r.value for r in Role}:
        abort(400, description=f"role : attendu parmi {', '.join(r.value for r in Role)}")
    if state is not None and state not in STATES:
        abort(400, description="etat : attendu actifs ou inactifs")
    if len(text) > MAX_SEARCH or any(ord(ch) < 32 for ch in text):
        abort(400, description=f"q : {MAX_SEARCH} caractères imprimables au plus")
    found = db.session.scalar(queries.certifiers().where(Certifier.code == certifier)) if certifier else None
    if certifier is not None and found is None:
        abort(400, description="certificateur : code inconnu")
    return {"role": role, "certificateur": certifier, "etat": state, "q": text, "certifier_id": found.id if found else None}


@bp.route("")
@role_required(Role.ADMIN)
def accounts():
    filters = _filters()
    query = queries.accounts(Role(filters["role"]) if filters["role"] else None, filters["certifier_id"],
                             STATES.get(filters["etat"]), filters["q"])
    page = db.paginate(query, page=page_number(), per_page=current_app.config["VAE_PAGE_SIZE"], error_out=False)
    return render_template("accounts/list.html", page=page, filters=filters, roles=list(Role),
                           certifiers=db.session.scalars(queries.certifiers()).all())


def _form(form: AccountForm) -> AccountForm:
    form.role.choices = [(r.value, r.label) for r in Role]
    form.certifier.choices = [("", _l("— aucun —"))] + [(str(c.id), c.name) for c in db.session.scalars(queries.certifiers())]
    return form


def _values(form: AccountForm) -> AccountValues:
    certifier = form.certifier.data
    return AccountValues(email=form.email.data, first_name=form.first_name.data, last_name=form.last_name.data, role=form.role.data,
                         certifier_id=int(certifier) if certifier and certifier.isdigit() and len(certifier) < 10 else None,
                         language=form.language.data)


@bp.route("/nouveau", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_account():
    form = _form(AccountForm())
    page = form_page("accounts/form.html", form, account=None)
    if form.validate_on_submit():
        with unit_of_work():
            account = create_account(current_user, _values(form))
        flash(_("Compte ouvert : %(email)s recevra un lien pour choisir son mot de passe.", email=account.email), "success")
        return redirect(url_for("accounts.edit_account", user_id=account.id))
    return page()


def _account(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_account(user_id: int):
    account = _account(user_id)
    form = _form(AccountForm(obj=account))
    if not form.is_submitted():
        form.role.data, form.certifier.data = account.role.value, str(account.certifier_id or "")
        form.language.data, form.stamp.data = account.language or "fr", account.edit_stamp
    page = form_page("accounts/form.html", form, account=account)
    if form.validate_on_submit():
        with unit_of_work():
            changed = update_account(current_user, account, _values(form), form.stamp.data or None)
        flash(_("Compte enregistré.") if changed else _("Rien n'a changé."), "success" if changed else "info")
        return redirect(url_for("accounts.edit_account", user_id=account.id))
    return page()


def _status_change(user_id: int, deactivate: bool):
    account = _account(user_id)
    form = AccountStatusForm()
    page = form_page("accounts/status.html", form, account=account, deactivate=deactivate)
    if form.validate_on_submit():
        with unit_of_work():
            (deactivate_account if deactivate else reactivate_account)(current_user, account, form.reason.data)
        flash(_("Compte désactivé : ses sessions et ses jetons d'API sont fermés.") if deactivate else _("Compte réactivé."), "success")
        return redirect(url_for("accounts.edit_account", user_id=account.id))
    return page()


@bp.route("/<int:user_id>/desactiver", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def deactivate(user_id: int):
    return _status_change(user_id, deactivate=True)


@bp.route("/<int:user_id>/reactiver", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def reactivate(user_id: int):
    return _status_change(user_id, deactivate=False)
