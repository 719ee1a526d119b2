"""Login and logout."""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from .. import clock
from ..database import unit_of_work
from .emails import email_or_none
from ..enums import N_
from ..extensions import db, limiter, login_manager
from ..rate_limits import try_again
from ..web.errors import form_page, on_refusal
from ..web.i18n import is_safe_next
from . import confirmation
from .forms import ForgottenPasswordForm, LanguageForm, LoginForm, PasswordForm, RegisterForm, ResetPasswordForm
from .devices import remember_device, remembered
from .models import User, password_matches
from .operations import RESET, WELCOME, PasswordLink, change_password, register_candidate, request_password_reset, \
    reset_password as set_password_from_link, set_language, sign_out, user_for_reset
from ..web.forms import ConfirmForm

bp = Blueprint("auth", __name__)
REMEMBER_TOKEN = re.compile(r"-|[A-Za-z0-9_-]{32}")


@login_manager.user_loader
def load_user(session_id: str):
    """The user of a session or remember-me cookie, while its session version is the account's (signing out and a new
    password increment it: every earlier cookie stops working) and, for a remembered device, while its token lives."""
    user_id, version, token = (session_id.split(":") + [""])[:3] if session_id.count(":") in (1, 2) else ("", "", "")
    if not (user_id.isdigit() and version.isdigit() and len(session_id) < 80 and REMEMBER_TOKEN.fullmatch(token or "-")):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    if token:
        if not remembered(user, token, clock.now()):
            return None
        user.remember_token = token
    return user


def login_limit() -> str:
    from flask import current_app

    return current_app.config["VAE_LOGIN_LIMIT"]


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], error_message=try_again(N_("Trop de tentatives de connexion")))
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.index"))
    form = LoginForm()
    page = form_page("auth/login.html", form)
    if form.validate_on_submit():
        email = email_or_none(form.email.data)
        user = db.session.scalar(select(User).where(User.email == email)) if email else None
        if not password_matches(user, form.password.data) or not user.is_active:
            flash(_("Adresse électronique ou mot de passe incorrect."), "error")
            return page(401)
        if form.remember.data:
            days = current_app.config["REMEMBER_COOKIE_DURATION"].days
            with unit_of_work():
                user.remember_token = remember_device(user, days)
        login_user(user, remember=bool(form.remember.data))
        target = request.args.get("next")
        return redirect(target if is_safe_next(target) else url_for("web.index"))
    return page()


@bp.route("/deconnexion", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        with unit_of_work():
            sign_out(current_user)
    logout_user()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("web.index"))


@bp.route("/inscription", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], error_message=try_again(N_("Trop de tentatives")))
def register():
    """A candidate creates an account."""
    if current_user.is_authenticated:
        return redirect(url_for("web.index"))
    form = RegisterForm()
    page = form_page("auth/register.html", form)
    if form.validate_on_submit():
        with unit_of_work():
            user = register_candidate(form.email.data, form.password.data, form.first_name.data, form.last_name.data)
        login_user(user)
        flash(_("Bienvenue ! Votre compte est créé ; vous pouvez commencer votre demande. Un courriel va vous être envoyé "
                "pour confirmer votre adresse : ouvrez le lien qu'il contiendra."), "success")
        return redirect(url_for("candidacies.new"))
    return page()


@bp.route("/compte", methods=["GET", "POST"])
@login_required
def account():
    """The account page: who, the address and whether it is confirmed, the language of the messages."""
    user = current_user._get_current_object()
    form = LanguageForm(language=user.language or "fr")
    page = form_page("auth/account.html", form, user=user, resend=ConfirmForm())
    if form.validate_on_submit():
        with unit_of_work():
            set_language(user, form.language.data)
        flash(_("Vos courriels vous seront écrits en %(language)s.", language=_("français") if user.language == "fr" else _("anglais")),
              "success")
        return redirect(url_for("auth.account"))
    return page()


@bp.route("/compte/confirmation", methods=["POST"])
@login_required
@limiter.limit(login_limit, error_message=try_again(N_("Trop de demandes")))
def resend_confirmation():
    """The confirmation link sent again to the account's address."""
    if not ConfirmForm().validate():
        abort(400)
    user = current_user._get_current_object()
    on_refusal(lambda status: (render_template("auth/account.html", form=LanguageForm(language=user.language or "fr"), user=user,
                                               resend=ConfirmForm()), status))
    with unit_of_work():
        confirmation.request_confirmation(user)
    flash(_("Un nouveau lien de confirmation va être envoyé à %(email)s.", email=current_user.email), "success")
    return redirect(url_for("auth.account"))


@bp.route("/confirmer-adresse/<token>")
def confirm_email(token: str):
    """The link of the confirmation e-mail: the address is confirmed (once; a second visit says it already is)."""
    user = confirmation.user_for_confirmation(token) if len(token) <= 500 else None
    if user is None:
        return render_template("auth/confirmed.html", user=None), 410
    with unit_of_work():
        changed = confirmation.confirm_email(user)
    return render_template("auth/confirmed.html", user=user, changed=changed)


@bp.route("/compte/mot-de-passe", methods=["GET", "POST"])
@login_required
def password():
    """A new password: every other session, remember-me cookie and API token of the account ends; this one goes on."""
    form = PasswordForm()
    page = form_page("auth/password.html", form)
    if form.validate_on_submit():
        user = current_user._get_current_object()
        remembered_here = bool(user.remember_token)
        with unit_of_work():
            change_password(user, form.current_password.data, form.new_password.data)
            # every remembered device was forgotten with the old password; this one is remembered anew if it was
            user.remember_token = remember_device(user, current_app.config["REMEMBER_COOKIE_DURATION"].days) if remembered_here else None
        login_user(user, remember=remembered_here)  # this session, under the new session version
        flash(_("Mot de passe changé. Vos autres sessions et vos jetons d'API sont fermés."), "success")
        return redirect(url_for("web.index"))
    return page()


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], error_message=try_again(N_("Trop de demandes")))
def forgotten_password():
    """A reset link by e-mail; the same answer whether or not the address has an account."""
    form = ForgottenPasswordForm()
    page = form_page("auth/forgotten.html", form)
    if form.validate_on_submit():
        with unit_of_work():
            request_password_reset(form.email.data)
        flash(_("Un courriel va être envoyé à cette adresse, si elle correspond à un compte, avec un lien valable une heure."), "info")
        return redirect(url_for("auth.login"))
    return page()


@bp.route("/mot-de-passe-oublie/<token>", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], error_message=try_again(N_("Trop de tentatives")))
def reset_password(token: str):
    """The link's page: a new password, once, within the hour; every session of the account ends."""
    return _password_from_link(token, RESET)


@bp.route("/compte/activer/<token>", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], error_message=try_again(N_("Trop de tentatives")))
def choose_password(token: str):
    """The page of the link sent with an account opened by someone else: its first password, once, within the week."""
    return _password_from_link(token, WELCOME)


def _password_from_link(token: str, link: PasswordLink):
    welcome = link is WELCOME
    user = user_for_reset(token, link) if len(token) <= 500 else None
    if user is None:
        return render_template("auth/reset.html", form=None, welcome=welcome), 410
    form = ResetPasswordForm()
    page = form_page("auth/reset.html", form, welcome=welcome)
    if form.validate_on_submit():
        with unit_of_work():
            set_password_from_link(user, form.new_password.data, link)
        logout_user()
        flash(_("Mot de passe enregistré. Connectez-vous avec le nouveau ; vos autres sessions sont fermées."), "success")
        return redirect(url_for("auth.login"))
    return page()
