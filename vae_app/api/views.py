"""Every route of the JSON API v1 (``/api/v1``). Authentication is by bearer token
only (never the session cookie, so no CSRF exposure); permissions are the web's."""
from __future__ import annotations

import functools
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import clock
from ..auth.emails import email_or_none
from ..auth.models import Role, User, password_matches
from ..auth.operations import register_candidate
from ..auth.permissions import can_fire_move
from ..auth.views import login_limit
from ..candidacies import queries
from ..candidacies.eligibility import verdict_for
from ..candidacies.models import Candidacy, CandidacyState as S
from ..candidacies.operations import create_candidacy, fire, save_feasibility, visible
from ..candidacies.workflow import MAX_REASON_LENGTH, MOVES, MoveContext, MoveInput, ReasonPolicy, static_refusals
from ..certifications.describe import describe_certification
from ..certifications.eligibility import evaluate_eligibility, implausible_birth_date, parse_application
from ..certifications.models import Certification
from ..certifications.registry import get_rules
from ..database import unit_of_work
from ..dates import out_of_range
from ..errors import InvalidData, NotAuthenticated, PermissionDenied
from ..extensions import csrf, db, limiter
from ..json_input import hostile
from ..juries import operations as jury_ops, queries as jury_queries
from . import tokens
from .openapi import spec

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

# Fields of the eligibility document that are not the candidate's to send: the day the file became complete is set
# when it is filed, the gaps are the certifier's.
ELIGIBILITY_ONLY = ("complete_on", "component_gaps")
# The feasibility file's fields a candidate sends with a new application (the 2024 pathway).
PATHWAY_FIELDS = ("pathway_started_on", "target_components", "in_initial_training_for")
APPLICANT_FIELDS = {"birth_date", "birth_place", "nationality", "address", "phone", "current_situation",
                    "highest_diploma", "sworn_statement"}


def json_body() -> dict:
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the JSON reader goes
        raise InvalidData({}, "Le corps de la requête est trop profondément imbriqué.") from None
    if not isinstance(data, dict):
        raise InvalidData({}, "Le corps de la requête doit être un objet JSON (Content-Type: application/json).")
    problems = list(hostile(data))
    if problems:
        raise InvalidData(problems)
    return data




def authenticated(*roles: Role):
    """The bearer token's user, in ``g.api_user``; 401 without a valid token, 403 without the role."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            row = tokens.current_token()
            if row is None or not row.user.is_active:
                raise NotAuthenticated("Jeton absent, invalide, expiré ou révoqué : obtenez-en un avec POST /api/v1/auth/token.")
            g.api_user, g.api_token = row.user, row
            if roles and row.user.role not in roles:
                raise PermissionDenied("Votre rôle ne permet pas cette opération.")
            return view(*args, **kwargs)

        return wrapper

    return decorator


def _string(data: dict, name: str, errors: dict, max_length: int = 254) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        errors[name] = "texte obligatoire"
        return ""
    if len(value) > max_length:
        errors[name] = f"{max_length} caractères au plus"
    return value


# --------------------------------------------------------------------------- auth


@bp.post("/auth/token")
@limiter.limit(login_limit, error_message="Trop de tentatives : réessayez dans une minute.")
def issue_token():
    data = json_body()
    errors: dict = {}
    email, password = _string(data, "email", errors), _string(data, "password", errors, 200)
    if errors:
        raise InvalidData(errors)
    email = email_or_none(email)
    user = db.session.scalar(select(User).where(User.email == email)) if email else None
    if not password_matches(user, password) or not user.is_active:
        raise NotAuthenticated("Adresse électronique ou mot de passe incorrect.")
    with unit_of_work():
        token, row = tokens.issue(user)
    return jsonify({"token": token, "token_type": "Bearer", "expires_at": row.expires_at.isoformat() + "Z",
                    "role": user.role.value})


@bp.delete("/auth/token")
@authenticated()
def revoke_token():
    with unit_of_work():
        g.api_token.revoked_at = clock.now()
    return "", 204


@bp.post("/auth/register")
@limiter.limit(login_limit, error_message="Trop de tentatives : réessayez dans une minute.")
def register():
    data = json_body()
    errors: dict = {}
    values = {name: _string(data, name, errors, 200 if name == "password" else 254)
              for name in ("email", "password", "first_name", "last_name")}
    if errors:
        raise InvalidData(errors)
    with unit_of_work():
        user = register_candidate(**values)
    return jsonify({"id": user.id, "email": user.email, "role": user.role.value}), 201


# --------------------------------------------------------------------------- certifications


@bp.get("/certifications")
def certifications():
    raw = request.args.get("on")
    try:
        day = date.fromisoformat(raw) if raw else clock.today()
    except ValueError:
        raise InvalidData({"on": f"date AAAA-MM-JJ attendue, reçu {raw!r}"}, "Paramètre invalide.") from None
    rules = get_rules()
    codes = db.session.scalars(select(Certification.code).order_by(Certification.code)).all()
    return jsonify({"on": day.isoformat(),
                    "items": [describe_certification(rules.certification(code), rules, day) for code in codes]})


# --------------------------------------------------------------------------- candidacies


def _actor(actor: User | None, reader: User) -> str:
    """Who made a change, as ``reader`` may know it: a candidate sees their own address, and only the role of the
    certifier's staff (never a coordinator's address); the staff see addresses."""
    if actor is None:
        return "system"
    if reader.role is Role.CANDIDATE and actor.id != reader.id:
        return actor.role.value
    return actor.email


def candidacy_json(candidacy: Candidacy, user: User, full: bool = True) -> dict:
    body = {
        "id": candidacy.id,
        "reference": candidacy.reference,
        "certification": candidacy.certification.code,
        "route": candidacy.route.value,
        "state": candidacy.state.value,
        "state_label": str(candidacy.state.label),
        "version": candidacy.version,
        "received_on": candidacy.received_on.isoformat() if candidacy.received_on else None,
        "decided_on": candidacy.decided_on.isoformat() if candidacy.decided_on else None,
    }
    if not full:
        return body
    body.update({
        "pathway_started_on": candidacy.pathway_started_on.isoformat() if candidacy.pathway_started_on else None,
        "target_components": candidacy.target_components,
        "in_initial_training": candidacy.in_initial_training,
        "component_gaps": candidacy.component_gaps,
        "recommendations": candidacy.recommendations,
    })
    rules, today = get_rules(), clock.today()
    available = [name for name, move in MOVES.items()
                 if can_fire_move(user, candidacy, move)
                 and static_refusals(name, candidacy, MoveContext(actor=user, today=today, now=clock.now(), rules=rules)) == []]
    history = queries.history(candidacy.id)
    body.update({
        "available_events": available,
        "history": [{"from": e.from_state, "to": e.to_state, "event": e.event,
                     "actor": _actor(e.actor, user), "at": e.at.isoformat(), "reason": e.reason}
                    for e in history],
        "eligibility": verdict_for(candidacy, rules, today).as_dict(),
        "experiences": [{"status": e.status.value, "start": e.start.isoformat(), "end": e.end_on.isoformat() if e.end_on else None,
                         "hours": e.hours, "related": e.related, "job_title": e.job_title, "organisation": e.organisation}
                        for e in candidacy.experiences],
        "acquired_components": [{"component": a.component_code, "validated_on": a.validated_on.isoformat(),
                                 "expires_on": a.expires_on.isoformat() if a.expires_on else None, "permanent": a.permanent}
                                for a in candidacy.acquired_components],
    })
    return body


def _load(candidacy_id: int) -> Candidacy:
    return visible(g.api_user, db.session.get(Candidacy, candidacy_id))


def _applicant(data: dict) -> dict:
    raw = data.get("applicant") or {}
    errors = {}
    if not isinstance(raw, dict):
        raise InvalidData({"applicant": "objet attendu"})
    values = {}
    for name, value in raw.items():
        if name not in APPLICANT_FIELDS:
            errors[f"applicant.{name}"] = "champ inconnu"
        elif name == "sworn_statement":
            if not isinstance(value, bool):
                errors[f"applicant.{name}"] = "booléen attendu"
            values[name] = value
        elif name == "birth_date":
            try:
                values[name] = date.fromisoformat(value)
            except (TypeError, ValueError):
                errors[f"applicant.{name}"] = "date AAAA-MM-JJ attendue"
                continue
            problem = out_of_range(values[name]) or implausible_birth_date(values[name], clock.today(), get_rules().law)
            if problem:
                errors[f"applicant.{name}"] = problem
        elif not isinstance(value, str) or len(value) > Candidacy.__table__.c[name].type.length:
            errors[f"applicant.{name}"] = f"texte de {Candidacy.__table__.c[name].type.length} caractères au plus attendu"
        else:
            values[name] = value
    if errors:
        raise InvalidData(errors)
    return values


@bp.post("/candidacies")
@authenticated(Role.CANDIDATE)
def create():
    """A candidate starts an application: the eligibility document, without other_applications."""
    data = json_body()
    applicant = _applicant(data)
    document = {k: v for k, v in data.items() if k != "applicant"}
    if "other_applications" in document:
        raise InvalidData({"other_applications": "champ connu de l'application : ne pas l'envoyer"})
    for key in ELIGIBILITY_ONLY:
        if key in document:
            raise InvalidData({key: "champ fixé par l'application (date du dossier complet) ou par le certificateur (écarts) : "
                                    "ne pas l'envoyer"})
    if "birth_date" in document:
        raise InvalidData({"birth_date": "la date de naissance s'envoie dans applicant.birth_date (elle y est enregistrée)"})
    document.setdefault("received_on", clock.today().isoformat())
    if applicant.get("birth_date"):  # the periods are judged against it (plausibility)
        document["birth_date"] = applicant["birth_date"].isoformat()
    application = parse_application(document, rules=get_rules())
    pathway = {}
    if "pathway_started_on" in document:
        pathway["pathway_started_on"] = application.pathway_started_on
    if "target_components" in document:
        pathway["target_components"] = list(application.target_components) if application.target_components is not None else None
    if "in_initial_training_for" in document:
        said = application.in_initial_training_for
        pathway["in_initial_training"] = None if said is None else application.certification in said
    with unit_of_work():
        candidacy = create_candidacy(g.api_user, application.certification, application.route,
                                     experiences=list(application.experiences), applicant=applicant)
        if pathway:
            save_feasibility(candidacy, g.api_user, pathway)
    return jsonify(candidacy_json(candidacy, g.api_user)), 201


@bp.get("/candidacies/<int:candidacy_id>")
@authenticated()
def show(candidacy_id: int):
    return jsonify(candidacy_json(_load(candidacy_id), g.api_user))


@bp.post("/candidacies/<int:candidacy_id>/events")
@authenticated()
def event(candidacy_id: int):
    candidacy = _load(candidacy_id)
    data = json_body()
    errors = {}
    name = data.get("event")
    if not isinstance(name, str) or name not in MOVES:
        errors["event"] = f"attendu parmi : {', '.join(MOVES)}"
    reason = data.get("reason")
    if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_REASON_LENGTH):
        errors["reason"] = f"texte de {MAX_REASON_LENGTH} caractères au plus"
    elif reason and name in MOVES and MOVES[name].reason is ReasonPolicy.NONE:
        errors["reason"] = f"« {MOVES[name].french} » ne prend pas de motif"
    payload = data.get("data", {})
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        errors["data"] = "objet attendu"
    version = data.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        errors["version"] = "entier attendu"
    unknown = sorted(set(data) - {"event", "reason", "data", "version"})
    for key in unknown:
        errors[key] = "champ inconnu"
    if errors:
        raise InvalidData(errors)
    with unit_of_work():
        if MOVES[name].input is MoveInput.SESSION:
            jury_ops.schedule(g.api_user, candidacy, jury_queries.session_by_id(payload.get("session_id")), expected_version=version)
        else:
            fire(candidacy, name, g.api_user, reason=reason, data=payload, expected_version=version)
    candidacy = db.session.get(Candidacy, candidacy_id)
    return jsonify(candidacy_json(candidacy, g.api_user))


@bp.get("/candidacies")
@authenticated(Role.CANDIDATE, Role.COORDINATOR, Role.ADMIN)
def index():
    user = g.api_user
    known = None  # the total, when the counters the database keeps give it
    if user.role is Role.CANDIDATE:
        query = select(Candidacy).where(Candidacy.candidate_id == user.id)
    else:
        # by certification id (the certifier's few), so a state's candidacies are read in id order from
        # ix_candidacies_certification_state rather than joined and sorted
        certifier = user.certifier_id if user.role is Role.COORDINATOR else None
        ids = select(Certification.id).where(Certification.certifier_id == certifier if certifier is not None else sa.true())
        query = select(Candidacy).where(Candidacy.certification_id.in_(db.session.scalars(ids).all()))
        known = queries.state_counts(db.session, certifier)
    state = request.args.get("state")
    errors = {}
    if state:
        try:
            query = query.where(Candidacy.state == S(state))
        except ValueError:
            errors["state"] = f"attendu parmi : {', '.join(s.value for s in S)}"
    try:
        page_number = int(request.args.get("page", 1))
        if not 1 <= page_number < 10**9:
            raise ValueError
    except ValueError:
        errors["page"] = "entier de 1 à 999 999 999 attendu"
    if errors:
        raise InvalidData(errors, "Paramètres invalides.")
    per_page = current_app.config["VAE_PAGE_SIZE"]
    if known is not None:
        total = queries.counted_total(known, S(state) if state else None)
    else:
        total = db.session.scalar(query.with_only_columns(func.count()))
    # the page's ids first, from the index alone, then their rows: a deep page (OFFSET 15,000) reads no
    # skipped row (PostgreSQL otherwise walked the primary key through 100,000 candidacies)
    ids = db.session.scalars(query.with_only_columns(Candidacy.id).order_by(Candidacy.id)
                             .offset((page_number - 1) * per_page).limit(per_page)).all()
    items = db.session.scalars(select(Candidacy).where(Candidacy.id.in_(ids)).options(selectinload(Candidacy.certification))
                               .order_by(Candidacy.id)).all() if ids else []
    return jsonify({"items": [candidacy_json(c, user, full=False) for c in items], "page": page_number,
                    "pages": -(-total // per_page), "total": total, "per_page": per_page})


@bp.post("/eligibility")
@authenticated()
def eligibility():
    """The eligibility rules on an application document (the CLI's format), nothing stored:
    the verdict under the law and certification rules in force on ``received_on``."""
    rules = get_rules()
    application = parse_application(json_body(), rules=rules)
    return jsonify(evaluate_eligibility(application, rules).as_dict())


@bp.post("/juries/check")
@authenticated(Role.COORDINATOR, Role.ADMIN)
def check_jury():
    """The composition checker on a jury described in JSON (the CLI's format)."""
    from ..juries.composition import check_composition, parse_jury

    rules = get_rules()
    jury = parse_jury(json_body(), rules)
    return jsonify(check_composition(jury, rules).as_dict())


@bp.get("/openapi.json")
def openapi():
    return jsonify(spec())
