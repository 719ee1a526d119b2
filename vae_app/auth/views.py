"""Login and logout."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from ..database import unit_of_work
from .emails import email_or_none
from ..extensions import db, limiter, login_manager
from ..web.errors import form_page
from ..web.i18n import is_safe_next
from .forms import LoginForm, RegisterForm
from .models import User
from .operations import register_candidate

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def login_limit() -> str:
    from flask import current_app

    return current_app.config["VAE_LOGIN_LIMIT"]


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], error_message="Trop de tentatives de connexion : réessayez dans une minute.")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.index"))
    form = LoginForm()
    page = form_page("auth/login.html", form)
    if form.validate_on_submit():
        email = email_or_none(form.email.data)
        user = db.session.scalar(select(User).where(User.email == email)) if email else None
        if user is None or not user.check_password(form.password.data) or not user.is_active:
            flash(_("Adresse électronique ou mot de passe incorrect."), "error")
            return page(401)
        login_user(user, remember=form.remember.data)
        target = request.args.get("next")
        return redirect(target if is_safe_next(target) else url_for("web.index"))
    return page()


@bp.route("/deconnexion", methods=["POST"])
def logout():
    logout_user()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("web.index"))


@bp.route("/inscription", methods=["GET", "POST"])
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
        flash(_("Bienvenue ! Votre compte est créé ; vous pouvez commencer votre demande."), "success")
        return redirect(url_for("candidacies.new"))
    return page()
