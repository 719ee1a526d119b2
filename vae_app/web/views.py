"""Home page per role, language switch, health check."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from .. import clock
from ..auth.models import Role, User
from ..candidacies import queries as candidacy_queries
from ..candidacies.models import Candidacy
from ..extensions import db
from ..juries import queries as jury_queries
from ..juries.models import JuryMember, JurySession
from .i18n import is_safe_next
from .pagination import page_number

bp = Blueprint("web", __name__)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return render_template("index.html")
    return redirect(url_for("web.home"))


@bp.route("/accueil")
@login_required
def home():
    handler = {
        Role.CANDIDATE: _candidate_home,
        Role.COORDINATOR: _coordinator_home,
        Role.JURY_MEMBER: _jury_member_home,
        Role.ADMIN: _admin_home,
    }[current_user.role]
    return handler()


def _candidate_home():
    candidacies = db.session.scalars(candidacy_queries.for_candidate(current_user.id)).all()
    return render_template("home/candidate.html", candidacies=candidacies)


def _coordinator_home():
    return redirect(url_for("candidacies.queue"))


def _jury_member_home():
    return jury_member_home()


def jury_member_home(status: int = 200, answer_forms: dict | None = None):
    """A member's space: the invitations to answer, the sessions announced to them. ``answer_forms``: an answer
    refused, shown again with its reason under its field."""
    from ..juries.forms import AnswerForm
    from ..juries.invitations import invitations_of
    from ..juries.member_space import declaration_due

    member = db.session.scalar(select(JuryMember).where(JuryMember.user_id == current_user.id))
    sessions = jury_queries.announced_sessions_of(member) if member is not None else []
    invitations = invitations_of(member) if member is not None else []
    forms = {i.id: (answer_forms or {}).get(i.id) or AnswerForm(formdata=None, prefix=f"i{i.id}") for i in invitations}
    due = {s.id for s in sessions if declaration_due(member, s)}
    return render_template("home/jury_member.html", member=member, sessions=sessions, invitations=invitations, answer_forms=forms,
                           due=due), status


def _admin_home():
    page = db.paginate(
        select(User).options(selectinload(User.certifier)).order_by(User.role, User.email),
        page=page_number(),
        per_page=current_app.config["VAE_PAGE_SIZE"],
        error_out=False,
    )
    totals = {
        "users": db.session.scalar(select(db.func.count(User.id))),
        "candidacies": db.session.scalar(select(db.func.count(Candidacy.id))),
        "members": db.session.scalar(select(db.func.count(JuryMember.id))),
        "sessions": db.session.scalar(select(db.func.count(JurySession.id))),
    }
    return render_template("home/admin.html", page=page, totals=totals)


@bp.route("/langue/<code>")
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    target = request.args.get("next")
    return redirect(target if is_safe_next(target) else url_for("web.index"))


def _database_up() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        db.session.rollback()
        current_app.logger.warning("health check: database unavailable: %s", exc)
        return False


@bp.route("/healthz")
def healthz():
    """Liveness and database check, for load balancers and ``make run`` (JSON, for machines)."""
    database = "ok" if _database_up() else "unavailable"
    body = {
        "status": "ok" if database == "ok" else "error",
        "database": database,
        "today": clock.today().isoformat(),
        "simulated_date": clock.get_clock().simulated,
    }
    return jsonify(body), 200 if database == "ok" else 503


@bp.route("/etat-du-service")
def service_status():
    """The same check for people (the layout's footer links here): whether the service and its database answer."""
    up = _database_up()
    return render_template("service_status.html", database_up=up), 200 if up else 503
