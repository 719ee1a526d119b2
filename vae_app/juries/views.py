"""Every route of the jury domain: the member pool (with CSV/XLSX import and
export), sessions, the assembly screen with its live compliance panel,
decisions, convocations, invitations and minutes."""
from __future__ import annotations

import base64
import binascii
import functools
import json
from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
import sqlalchemy as sa
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from .. import clock
from ..audit.models import AuditEvent
from ..auth.models import Role, User
from ..auth.permissions import role_required
from ..candidacies.forms import ConfirmForm
from ..candidacies.models import Candidacy, CandidacyState as S, ComponentDecision
from ..candidacies.operations import InvalidData, PermissionDenied
from ..candidacies.workflow import MoveRefused
from ..certifications.models import Certification
from ..certifications.registry import get_rules
from ..certifications.vocabulary import AccessRoute, Gender
from ..database import unit_of_work
from ..extensions import db
from . import documents, operations as ops, pool_io
from .forms import (
    AvailabilityForm, ConfirmSessionForm, ImportConfirmForm, ImportForm, MemberForm, SeatForm, SessionCandidateForm,
    SessionForm, TieForm,
)
from .models import (
    JuryMember, JurySession, MemberAvailability, MemberTie, SessionSeat, SessionStatus, TieKind, member_certifications,
)

bp = Blueprint("juries", __name__, url_prefix="/jurys")
STAFF = (Role.COORDINATOR, Role.ADMIN)


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        abort(400, description="page : doit être un entier positif")


def _certifier_id() -> int:
    """The certifier whose pool and sessions the user manages (admins choose with ?certificateur=)."""
    if current_user.role is Role.COORDINATOR:
        return current_user.certifier_id
    from ..certifications.models import Certifier

    code = request.args.get("certificateur") or request.form.get("certificateur")
    certifier = db.session.scalar(select(Certifier).where(Certifier.code == code)) if code else db.session.scalar(
        select(Certifier).order_by(Certifier.code))
    if certifier is None:
        abort(404, description="certificateur inconnu")
    return certifier.id


def _certifications(certifier_id: int) -> list[Certification]:
    return db.session.scalars(select(Certification).where(Certification.certifier_id == certifier_id).order_by(Certification.code)).all()


def _failure_status(exc: Exception) -> int:
    return {PermissionDenied: 403, ops.JuryConflict: 409, InvalidData: 422}.get(type(exc), getattr(exc, "status", 409))


def _flash_error(exc: Exception) -> None:
    if isinstance(exc, InvalidData):
        for name, reason in exc.errors.items():
            flash(f"{name} : {reason}", "error")
    elif isinstance(exc, MoveRefused):
        for reason in exc.reasons:
            flash(reason, "error")
    else:
        flash(str(exc), "error")


# --------------------------------------------------------------------------- the pool


@bp.route("/membres")
@role_required(*STAFF)
def members():
    certifier_id = _certifier_id()
    query = select(JuryMember).where(JuryMember.certifier_id == certifier_id)
    q = (request.args.get("q") or "").strip().lower()
    if q:
        term = f"%{q}%"
        query = query.where(or_(func.lower(JuryMember.last_name).like(term), func.lower(JuryMember.first_name).like(term),
                                func.lower(JuryMember.email).like(term), func.lower(JuryMember.site).like(term)))
    qualification = request.args.get("qualification")
    page = db.paginate(query.options(selectinload(JuryMember.certifications)).order_by(JuryMember.last_name, JuryMember.first_name),
                       page=_page(), per_page=current_app.config["VAE_PAGE_SIZE"] if not qualification else 10_000, error_out=False)
    items = [m for m in page.items if not qualification or qualification in m.qualifications]
    return render_template("juries/members.html", page=page, items=items, q=q, qualification=qualification,
                           vocabulary=sorted(get_rules().all_qualification_names))


def _member_form(form: MemberForm, certifier_id: int) -> MemberForm:
    rules = get_rules()
    form.qualifications.choices = [(q, f"{rules.qualification_label(q)} ({q})") for q in sorted(rules.all_qualification_names)]
    form.certifications.choices = [(c.code, c.code) for c in _certifications(certifier_id)]
    return form


def _own(model, object_id: int):
    """A row of one certifier's (a member, a planning run): 404 when absent, 403 when another certifier's."""
    row = db.session.get(model, object_id)
    if row is None:
        abort(404)
    if not ops.can_manage_certifier(current_user, row.certifier_id):
        abort(403)
    return row


def _own_member(member_id: int) -> JuryMember:
    return _own(JuryMember, member_id)


def _save_member_from(form: MemberForm, member: JuryMember | None, certifier_id: int) -> JuryMember:
    return ops.save_member(current_user, member, certifier_id=certifier_id, first_name=form.first_name.data,
                           last_name=form.last_name.data, email=form.email.data, gender=Gender(form.gender.data),
                           qualifications=form.qualifications.data, certification_codes=form.certifications.data,
                           site=form.site.data, organisation=form.organisation.data, max_sessions=form.max_sessions.data)


@bp.route("/membres/nouveau", methods=["GET", "POST"])
@role_required(*STAFF)
def new_member():
    certifier_id = _certifier_id()
    form = _member_form(MemberForm(), certifier_id)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                member = _save_member_from(form, None, certifier_id)
        except (InvalidData, PermissionDenied) as exc:
            _flash_error(exc)
            return render_template("juries/member_form.html", form=form, member=None), _failure_status(exc)
        flash(_("Membre %(name)s ajouté au vivier.", name=member.full_name), "success")
        return redirect(url_for("juries.edit_member", member_id=member.id))
    return render_template("juries/member_form.html", form=form, member=None), 422 if form.is_submitted() else 200


@bp.route("/membres/<int:member_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_member(member_id: int):
    member = _own_member(member_id)
    form = _member_form(MemberForm(obj=member), member.certifier_id)
    if request.method == "GET":
        form.gender.data = member.gender.value
        form.certifications.data = [c.code for c in member.certifications]
    if form.validate_on_submit():
        try:
            with unit_of_work():
                _save_member_from(form, member, member.certifier_id)
        except (InvalidData, PermissionDenied) as exc:
            _flash_error(exc)
            return _member_page(member, form), _failure_status(exc)
        flash(_("Membre enregistré."), "success")
        return redirect(url_for("juries.edit_member", member_id=member.id))
    return _member_page(member, form), 422 if form.is_submitted() else 200


def _member_page(member: JuryMember, form: MemberForm, tie_form: TieForm | None = None, availability_form: AvailabilityForm | None = None):
    tie_form = tie_form or TieForm(formdata=None)
    candidates = db.session.execute(
        select(User.id, User.first_name, User.last_name, Candidacy.reference)
        .join(Candidacy, Candidacy.candidate_id == User.id).join(Certification)
        .where(Certification.certifier_id == member.certifier_id).order_by(User.last_name)
    ).all()
    tie_form.candidate.choices = [(str(uid), f"{last} {first} ({ref})") for uid, first, last, ref in candidates]
    seats = db.session.scalars(select(SessionSeat).where(SessionSeat.member_id == member.id)
                               .options(selectinload(SessionSeat.session)).order_by(SessionSeat.starts_at)).all()
    return render_template("juries/member_form.html", form=form, member=member, tie_form=tie_form,
                           availability_form=availability_form or AvailabilityForm(formdata=None), seats=seats,
                           confirm_form=ConfirmForm(formdata=None))


@bp.route("/membres/<int:member_id>/liens", methods=["POST"])
@role_required(*STAFF)
def add_tie(member_id: int):
    member = _own_member(member_id)
    tie_form = TieForm()
    page_form = _member_form(MemberForm(obj=member, formdata=None), member.certifier_id)
    _member_page(member, page_form, tie_form)  # fills the candidate choices
    if not tie_form.validate():
        return _member_page(member, page_form, tie_form), 422
    candidate = db.session.get(User, int(tie_form.candidate.data))
    try:
        with unit_of_work():
            ops.add_tie(current_user, member, candidate, TieKind(tie_form.kind.data), tie_form.note.data)
    except (InvalidData, ops.JuryConflict, PermissionDenied) as exc:
        _flash_error(exc)
        return _member_page(member, page_form, tie_form), _failure_status(exc)
    flash(_("Lien déclaré : ce membre ne siègera pas au jury de ce candidat quand la loi l'exclut."), "success")
    return redirect(url_for("juries.edit_member", member_id=member.id, _anchor="liens"))


@bp.route("/membres/<int:member_id>/liens/<int:tie_id>/supprimer", methods=["POST"])
@role_required(*STAFF)
def delete_tie(member_id: int, tie_id: int):
    member = _own_member(member_id)
    tie = db.session.get(MemberTie, tie_id)
    if tie is None or tie.member_id != member.id:
        abort(404)
    if not ConfirmForm().validate():
        abort(400, description="CSRF")
    with unit_of_work():
        member.ties.remove(tie)
    flash(_("Lien supprimé."), "success")
    return redirect(url_for("juries.edit_member", member_id=member.id, _anchor="liens"))


@bp.route("/membres/<int:member_id>/disponibilites", methods=["POST"])
@role_required(*STAFF)
def add_availability(member_id: int):
    member = _own_member(member_id)
    form = AvailabilityForm()
    if not form.validate():
        return _member_page(member, _member_form(MemberForm(obj=member, formdata=None), member.certifier_id),
                            availability_form=form), 422
    with unit_of_work():
        member.availabilities.append(MemberAvailability(starts_at=form.starts_at.data, ends_at=form.ends_at.data))
    flash(_("Disponibilité ajoutée."), "success")
    return redirect(url_for("juries.edit_member", member_id=member.id, _anchor="disponibilites"))


@bp.route("/membres/<int:member_id>/disponibilites/<int:availability_id>/supprimer", methods=["POST"])
@role_required(*STAFF)
def delete_availability(member_id: int, availability_id: int):
    member = _own_member(member_id)
    availability = db.session.get(MemberAvailability, availability_id)
    if availability is None or availability.member_id != member.id:
        abort(404)
    if not ConfirmForm().validate():
        abort(400, description="CSRF")
    with unit_of_work():
        member.availabilities.remove(availability)
    flash(_("Disponibilité supprimée."), "success")
    return redirect(url_for("juries.edit_member", member_id=member.id, _anchor="disponibilites"))


@bp.route("/membres/<int:member_id>/supprimer", methods=["GET", "POST"])
@role_required(*STAFF)
def delete_member(member_id: int):
    member = _own_member(member_id)
    form = ConfirmForm()
    back = url_for("juries.edit_member", member_id=member.id)
    if form.validate_on_submit():
        if db.session.scalar(select(func.count(SessionSeat.id)).where(SessionSeat.member_id == member.id)):
            flash(_("Ce membre a siégé ou siège dans des sessions : il ne peut pas être supprimé (l'historique des jurys doit rester complet)."), "error")
            return redirect(back)
        with unit_of_work():
            db.session.add(AuditEvent(at=clock.now(), actor_id=current_user.id, entity="jury_member", entity_id=member.id,
                                      event="delete_member", reason=member.full_name))
            db.session.delete(member)
        flash(_("Membre supprimé du vivier."), "success")
        return redirect(url_for("juries.members"))
    return render_template("confirm.html", form=form, what=f"{member.full_name} ({member.email})",
                           question=_("Supprimer ce membre du vivier ?"), back=back)


@bp.route("/membres/export.<fmt>")
@role_required(*STAFF)
def export_members(fmt: str):
    certifier_id = _certifier_id()
    pool = db.session.scalars(select(JuryMember).where(JuryMember.certifier_id == certifier_id)
                              .options(selectinload(JuryMember.certifications)).order_by(JuryMember.last_name)).all()
    stamp = clock.today().isoformat()
    if fmt == "csv":
        return Response(pool_io.to_csv(pool), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="vivier-{stamp}.csv"'})
    if fmt == "xlsx":
        return Response(pool_io.to_xlsx(pool), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="vivier-{stamp}.xlsx"'})
    abort(404)


@bp.route("/membres/import", methods=["GET", "POST"])
@role_required(*STAFF)
def import_members():
    """Upload → preview with row errors → confirm. Nothing is saved before the confirmation."""
    certifier_id = _certifier_id()
    form, confirm = ImportForm(), ImportConfirmForm()
    if request.method == "POST" and "payload" in request.form:
        if not confirm.validate():
            abort(400, description="CSRF")
        try:
            data = base64.b64decode(confirm.payload.data.encode(), validate=True)
        except (binascii.Error, ValueError):
            abort(400, description="payload : contenu du fichier illisible")
        return _import(confirm.filename.data, data, certifier_id, apply=True)
    if form.validate_on_submit():
        upload = form.file.data
        return _import(upload.filename, upload.read(2 * 1024 * 1024 + 1), certifier_id, apply=False)
    return render_template("juries/import.html", form=form, rows=None), 422 if form.is_submitted() else 200


def _import(filename: str, data: bytes, certifier_id: int, apply: bool):
    form = ImportForm(formdata=None)
    if len(data) > 2 * 1024 * 1024:
        flash(_("Fichier trop volumineux (2 Mo au plus)."), "error")
        return render_template("juries/import.html", form=form, rows=None), 422
    try:
        table = pool_io.read_table(filename, data)
    except pool_io.PoolFileError as exc:
        flash(str(exc), "error")
        return render_template("juries/import.html", form=form, rows=None), 422
    codes = {c.code for c in _certifications(certifier_id)}
    rows = pool_io.validate(table, get_rules().all_qualification_names, codes)
    errors = [r for r in rows if not r.ok]
    existing = {m.email: m for m in db.session.scalars(select(JuryMember).where(JuryMember.certifier_id == certifier_id))}
    if apply and not errors:
        created = updated = 0
        with unit_of_work():  # all rows or none
            for row in rows:
                values = dict(row.values)
                member = existing.get(values["email"])
                ops.save_member(current_user, member, certifier_id=certifier_id, **values)
                created, updated = (created + 1, updated) if member is None else (created, updated + 1)
        flash(_("Import terminé : %(created)s membre(s) créé(s), %(updated)s mis à jour.", created=created, updated=updated), "success")
        return redirect(url_for("juries.members"))
    confirm = ImportConfirmForm(formdata=None)
    confirm.filename.data = filename
    confirm.payload.data = base64.b64encode(data).decode()
    status = 422 if errors else 200
    return render_template("juries/import.html", form=form, rows=rows, errors=errors, confirm=confirm, existing=existing), status


# --------------------------------------------------------------------------- sessions


def _own_session(session_id: int, manage: bool = True) -> JurySession:
    session = db.session.get(JurySession, session_id)
    if session is None:
        abort(404)
    allowed = ops.can_manage_session(current_user, session) if manage else ops.can_view_session(current_user, session)
    if not allowed:
        abort(403)
    return session


@bp.route("/sessions")
@role_required(*STAFF)
def sessions():
    certifier_id = _certifier_id()
    query = (select(JurySession).join(Certification).where(Certification.certifier_id == certifier_id)
             .options(selectinload(JurySession.seats).selectinload(SessionSeat.member), selectinload(JurySession.candidacies),
                      selectinload(JurySession.certification)))
    status = request.args.get("statut")
    if status:
        try:
            query = query.where(JurySession.status == SessionStatus(status))
        except ValueError:
            abort(400, description=f"statut : valeur inconnue {status!r}")
    upcoming = request.args.get("periode", "a-venir")
    today_start = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    if upcoming == "a-venir":
        query = query.where(JurySession.starts_at >= today_start).order_by(JurySession.starts_at)
    else:
        query = query.order_by(JurySession.starts_at.desc())
    page = db.paginate(query, page=_page(), per_page=current_app.config["VAE_PAGE_SIZE"], error_out=False)
    reports = ops.compliance_of_many(page.items)
    return render_template("juries/sessions.html", page=page, reports=reports, status=status, periode=upcoming,
                           statuses=list(SessionStatus))


def _session_form(form: SessionForm, certifier_id: int) -> SessionForm:
    form.certification.choices = [(c.code, c.code) for c in _certifications(certifier_id)]
    return form


@bp.route("/sessions/nouvelle", methods=["GET", "POST"])
@role_required(*STAFF)
def new_session():
    certifier_id = _certifier_id()
    form = _session_form(SessionForm(), certifier_id)
    if form.validate_on_submit():
        cert = db.session.scalar(select(Certification).where(Certification.code == form.certification.data))
        try:
            with unit_of_work():
                session = ops.create_session(current_user, certification=cert, route=AccessRoute.VAE,
                                             starts_at=form.starts_at.data, ends_at=form.ends_at.data, site=form.site.data,
                                             room=form.room.data, capacity=form.capacity.data)
        except (InvalidData, PermissionDenied) as exc:
            _flash_error(exc)
            return render_template("juries/session_form.html", form=form, session=None), _failure_status(exc)
        flash(_("Session %(ref)s créée : composez le jury.", ref=session.reference), "success")
        return redirect(url_for("juries.session", session_id=session.id))
    return render_template("juries/session_form.html", form=form, session=None), 422 if form.is_submitted() else 200


@bp.route("/sessions/<int:session_id>/modifier", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_session(session_id: int):
    session = _own_session(session_id)
    form = _session_form(SessionForm(obj=session), session.certification.certifier_id)
    if request.method == "GET":
        form.certification.data = session.certification.code
    form.certification.data = session.certification.code  # the certification of a session does not change
    if form.validate_on_submit():
        try:
            with unit_of_work():
                ops.update_session(current_user, session, starts_at=form.starts_at.data, ends_at=form.ends_at.data,
                                   site=form.site.data, room=form.room.data, capacity=form.capacity.data or session.capacity)
        except (InvalidData, ops.JuryConflict, PermissionDenied) as exc:
            _flash_error(exc)
            return render_template("juries/session_form.html", form=form, session=session), _failure_status(exc)
        flash(_("Session modifiée."), "success")
        return redirect(url_for("juries.session", session_id=session.id))
    return render_template("juries/session_form.html", form=form, session=session), 422 if form.is_submitted() else 200


@bp.route("/sessions/<int:session_id>/supprimer", methods=["GET", "POST"])
@role_required(*STAFF)
def delete_session(session_id: int):
    session = _own_session(session_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                ops.delete_session(current_user, session)
        except ops.JuryConflict as exc:
            flash(str(exc), "error")
            return redirect(url_for("juries.session", session_id=session_id))
        flash(_("Session supprimée."), "success")
        return redirect(url_for("juries.sessions"))
    return render_template("confirm.html", form=form, what=f"{session.reference} — {session.starts_at:%d/%m/%Y %H:%M}",
                           question=_("Supprimer cette session ?"), back=url_for("juries.session", session_id=session.id))


@functools.lru_cache(maxsize=1024)
def _qualification_list(text: str | None) -> tuple[str, ...]:
    return tuple(json.loads(text)) if text else ()


def assembly_context(session: JurySession) -> dict:
    """Everything the assembly screen shows: compliance, who can be added."""
    report = ops.compliance(session)
    rules = get_rules()
    seat_quals = set()
    route = rules.certification(session.certification.code).route_on(session.route, session.starts_at.date())
    if route and route.jury:
        for seat in route.jury.seats:
            seat_quals |= seat.qualifications or set(rules.all_qualification_names)
    limit = current_app.config["VAE_PICKER_LIMIT"]
    member_search = request.args.get("membre", "").strip()[:100]
    file_search = request.args.get("dossier", "").strip()[:100]
    # Who can be offered a seat, filtered by the database so that only the listed members are read (a
    # national certifier's pool has thousands): in the certification's pool, not seated here nor anywhere
    # else at that time, holding a qualification some seat asks for, and available if they declared when.
    covers = sa.case((sa.and_(MemberAvailability.starts_at <= session.starts_at, MemberAvailability.ends_at >= session.ends_at), 1),
                     else_=0)
    declared = (select(MemberAvailability.member_id, func.max(covers).label("covers"))
                .group_by(MemberAvailability.member_id).subquery())
    taken = select(SessionSeat.member_id).where(or_(
        SessionSeat.session_id == session.id,
        sa.and_(SessionSeat.starts_at < session.ends_at, session.starts_at < SessionSeat.ends_at)))
    offered = (
        # qualifications as their JSON text: a pool of thousands shares a handful of qualification lists
        select(JuryMember.id, JuryMember.first_name, JuryMember.last_name, JuryMember.gender,
               sa.cast(JuryMember.qualifications, sa.Text), declared.c.covers, func.count().over())
        .join(member_certifications, member_certifications.c.member_id == JuryMember.id)
        .outerjoin(declared, declared.c.member_id == JuryMember.id)
        .where(JuryMember.certifier_id == session.certification.certifier_id,
               member_certifications.c.certification_id == session.certification_id,
               JuryMember.id.not_in(taken), or_(declared.c.covers.is_(None), declared.c.covers == 1)))
    if seat_quals:  # a JSON list holding one of the names: '"name"' in its text (the rules schema: [a-z][a-z0-9_]*)
        offered = offered.where(or_(*(sa.cast(JuryMember.qualifications, sa.Text).like(
            '%"' + name.replace("_", "\\_") + '"%', escape="\\") for name in sorted(seat_quals))))
    offered = offered.order_by(JuryMember.last_name, JuryMember.first_name, JuryMember.id)
    if member_search:  # narrowed by name, compared in Python (case and accents beyond SQLite's ASCII lower())
        wanted = member_search.casefold()
        rows = [row for row in db.session.execute(offered) if wanted in f"{row[2]} {row[1]}".casefold()]
        members_total, rows = len(rows), rows[:limit]
    else:  # the first ones, each row carrying the total (a window count): a long list is narrowed, not scrolled
        rows = db.session.execute(offered.limit(limit)).all()
        members_total = rows[0][-1] if rows else 0
    unknown_note = " — " + _("disponibilité non renseignée")
    label_of = {name: rules.qualification_label(name) for name in rules.all_qualification_names}
    candidates_for_seat = []
    for member_id, first_name, last_name, gender, qualifications_json, available, _total in rows:
        labels = ", ".join(label_of.get(q) or rules.qualification_label(q) for q in _qualification_list(qualifications_json))
        note = "" if available else unknown_note
        candidates_for_seat.append((str(member_id), f"{last_name} {first_name} ({gender.value}) — {labels}{note}"))
    seat_form = SeatForm(formdata=None)
    seat_form.member.choices = candidates_for_seat
    ready_for_this = (Candidacy.certification_id == session.certification_id, Candidacy.route == session.route,
                      Candidacy.state == S.READY_FOR_JURY, Candidacy.jury_session_id.is_(None))  # ix_candidacies_ready_for_jury
    waiting = (select(Candidacy.id, Candidacy.reference, User.first_name, User.last_name)
               .join(User, Candidacy.candidate_id == User.id).where(*ready_for_this))
    counting = select(func.count()).select_from(Candidacy).where(*ready_for_this)  # the index alone, no candidate read
    if file_search:
        term = f"%{file_search.lower()}%"
        found = or_(func.lower(Candidacy.reference).like(term), func.lower(User.last_name).like(term),
                    func.lower(User.first_name).like(term))
        waiting = waiting.where(found)
        counting = counting.join(User, Candidacy.candidate_id == User.id).where(found)
    files_total = db.session.scalar(counting)
    ready = db.session.execute(waiting.order_by(Candidacy.reference).limit(limit)).all()  # plain rows, the first ones
    candidate_form = SessionCandidateForm(formdata=None)
    candidate_form.candidacy.choices = [(str(i), f"{reference} — {first} {last}") for i, reference, first, last in ready]
    history = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "jury_session", AuditEvent.entity_id == session.id)
                                 .options(selectinload(AuditEvent.actor)).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).all()
    return {"session": session, "report": report, "seat_form": seat_form, "candidate_form": candidate_form,
            "confirm_form": ConfirmSessionForm(formdata=None), "remove_form": ConfirmForm(formdata=None),
            "title": rules.certification(session.certification.code).title_on(session.starts_at.date()),
            "history": history, "manage": ops.can_manage_session(current_user, session),
            "members_total": members_total, "files_total": files_total, "member_search": member_search,
            "file_search": file_search}


def _assembly(session: JurySession, status: int = 200):
    template = "juries/_assembly.html" if request.headers.get("HX-Request") else "juries/session.html"
    return render_template(template, **assembly_context(session)), status


@bp.route("/sessions/<int:session_id>")
@login_required
def session(session_id: int):
    session = _own_session(session_id, manage=False)
    if not ops.can_manage_session(current_user, session):
        return render_template("juries/session_member.html", session=session, report=ops.compliance(session))
    return _assembly(session)


def _mutate(session: JurySession, action, success: str):
    """Run one change on the session; answer with the assembly screen (or its fragment for htmx)."""
    try:
        with unit_of_work():
            action()
    except (InvalidData, ops.JuryConflict, PermissionDenied, MoveRefused) as exc:
        db.session.rollback()
        session = db.session.get(JurySession, session.id)
        _flash_error(exc)
        return _assembly(session, _failure_status(exc))
    flash(success, "success")
    if request.headers.get("HX-Request"):
        return _assembly(db.session.get(JurySession, session.id))
    return redirect(url_for("juries.session", session_id=session.id))


@bp.route("/sessions/<int:session_id>/membres", methods=["POST"])
@role_required(*STAFF)
def add_seat(session_id: int):
    session = _own_session(session_id)
    form = SeatForm()
    try:
        member_id = int(form.member.data or "")
    except ValueError:
        flash(_("Choisissez un membre."), "error")
        return _assembly(session, 422)
    if not ConfirmForm().validate():
        abort(400, description="CSRF")
    member = _own_member(member_id)
    return _mutate(session, lambda: ops.add_member(current_user, session, member), _("%(name)s ajouté(e) au jury.", name=member.full_name))


@bp.route("/sessions/<int:session_id>/membres/<int:member_id>/retirer", methods=["POST"])
@role_required(*STAFF)
def remove_seat(session_id: int, member_id: int):
    session = _own_session(session_id)
    if not ConfirmForm().validate():
        abort(400, description="CSRF")
    return _mutate(session, lambda: ops.remove_member(current_user, session, member_id), _("Membre retiré du jury."))


@bp.route("/sessions/<int:session_id>/candidats", methods=["POST"])
@role_required(*STAFF)
def add_session_candidate(session_id: int):
    session = _own_session(session_id)
    form = SessionCandidateForm()
    if not ConfirmForm().validate():
        abort(400, description="CSRF")
    try:
        candidacy = db.session.get(Candidacy, int(form.candidacy.data or ""))
    except ValueError:
        candidacy = None
    if candidacy is None:
        flash(_("Choisissez un dossier."), "error")
        return _assembly(session, 422)
    return _mutate(session, lambda: ops.add_candidate(current_user, session, candidacy),
                   _("%(ref)s ajouté à la session.", ref=candidacy.reference))


@bp.route("/sessions/<int:session_id>/candidats/<int:candidacy_id>/retirer", methods=["POST"])
@role_required(*STAFF)
def remove_session_candidate(session_id: int, candidacy_id: int):
    session = _own_session(session_id)
    if not ConfirmForm().validate():
        abort(400, description="CSRF")
    candidacy = db.session.get(Candidacy, candidacy_id)
    if candidacy is None:
        abort(404)
    return _mutate(session, lambda: ops.remove_candidate(current_user, session, candidacy), _("Dossier retiré de la session."))


@bp.route("/sessions/<int:session_id>/confirmer", methods=["POST"])
@role_required(*STAFF)
def confirm_session(session_id: int):
    session = _own_session(session_id)
    form = ConfirmSessionForm()
    if not form.validate():
        abort(400, description="; ".join(f"{k} : {', '.join(v)}" for k, v in form.errors.items()))
    return _mutate(session, lambda: ops.confirm_session(current_user, session, acknowledge_unknowns=form.acknowledge.data,
                                                        note=form.note.data),
                   _("Session confirmée : les candidats sont convoqués."))


# --------------------------------------------------------------------------- decisions


@bp.route("/sessions/<int:session_id>/decisions", methods=["GET", "POST"])
@role_required(*STAFF)
def decisions(session_id: int):
    session = _own_session(session_id)
    rules = get_rules()
    cert = rules.certification(session.certification.code)
    day = session.starts_at.date()
    if request.method == "POST":
        if not ConfirmForm().validate():
            abort(400, description="CSRF")
        decided = {}
        for candidacy in session.candidacies:
            presence = request.form.get(f"presence-{candidacy.id}")
            if presence is None:
                continue
            if presence not in ("present", "absent", "excused"):
                abort(400, description=f"presence-{candidacy.id} : present, absent ou excused")
            components = {}
            for component in cert.components:
                value = request.form.get(f"c-{candidacy.id}-{component.code}")
                if value in ("yes", "no"):
                    components[component.code] = value == "yes"
            decided[candidacy.id] = {"presence": presence, "components": components,
                                     "note": (request.form.get(f"note-{candidacy.id}") or "").strip() or None}
        try:
            with unit_of_work():
                ops.record_session_decisions(current_user, session, decided)
        except (MoveRefused, ops.JuryConflict, PermissionDenied) as exc:
            db.session.rollback()
            _flash_error(exc)
            session = db.session.get(JurySession, session_id)
            return _decisions_page(session, cert, day), _failure_status(exc)
        flash(_("Décisions enregistrées."), "success")
        return redirect(url_for("juries.decisions", session_id=session.id))
    return _decisions_page(session, cert, day)


def _decisions_page(session, cert, day):
    recorded = _recorded_decisions(session)
    carried = {c.id: {a.component_code for a in c.acquired_components if a.is_valid_on(day)} for c in session.candidacies}
    return render_template("juries/decisions.html", session=session, components=cert.components, day=day, recorded=recorded,
                           carried=carried, form=ConfirmForm(formdata=None), title=cert.title_on(day))


def _recorded_decisions(session) -> dict[int, dict[str, bool]]:
    rows = db.session.scalars(select(ComponentDecision).where(ComponentDecision.jury_session_id == session.id)).all()
    out: dict[int, dict[str, bool]] = {}
    for row in rows:
        out.setdefault(row.candidacy_id, {})[row.component_code] = row.validated
    return out


# --------------------------------------------------------------------------- documents


def _pdf(data_factory, filename: str):
    try:
        data = data_factory()
    except documents.PdfUnavailable as exc:
        abort(503, description=str(exc))
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


@bp.route("/sessions/<int:session_id>/convocations/candidats/<int:candidacy_id>.pdf")
@login_required
def convocation_candidate(session_id: int, candidacy_id: int):
    session = db.session.get(JurySession, session_id)
    candidacy = db.session.get(Candidacy, candidacy_id)
    if session is None or candidacy is None or candidacy.jury_session_id != session.id:
        abort(404)
    if not (ops.can_manage_session(current_user, session) or current_user.id == candidacy.candidate_id):
        abort(403)
    return _pdf(lambda: documents.convocation_candidate(session, candidacy), f"convocation-{candidacy.reference}.pdf")


@bp.route("/sessions/<int:session_id>/convocations/membres/<int:member_id>.pdf")
@login_required
def convocation_member(session_id: int, member_id: int):
    session = _own_session(session_id, manage=False)
    seat = next((s for s in session.seats if s.member_id == member_id), None)
    if seat is None:
        abort(404)
    if not (ops.can_manage_session(current_user, session) or seat.member.user_id == current_user.id):
        abort(403)
    return _pdf(lambda: documents.convocation_member(session, seat), f"convocation-{session.reference}-{member_id}.pdf")


@bp.route("/sessions/<int:session_id>/invitation.ics")
@login_required
def invitation(session_id: int):
    session = _own_session(session_id, manage=False)
    return Response(documents.invitation_ics(session), mimetype="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{session.reference}.ics"'})


@bp.route("/sessions/<int:session_id>/proces-verbal.pdf")
@login_required
def minutes(session_id: int):
    session = _own_session(session_id, manage=False)
    return _pdf(lambda: documents.minutes(session, _recorded_decisions(session), ops.compliance(session)),
                f"proces-verbal-{session.reference}.pdf")


# --------------------------------------------------------------------------- planning campaigns


@bp.route("/campagnes", methods=["GET", "POST"])
@role_required(*STAFF)
def campaigns():
    from .forms import CampaignForm
    from .models import PlanningRun
    from .planning import campaign

    certifier_id = _certifier_id()
    form = CampaignForm()
    form.certifications.choices = [(c.code, c.code) for c in _certifications(certifier_id)]
    if request.method == "GET":
        today = clock.today()
        form.start.data = today + timedelta(days=7)
        form.end.data = today + timedelta(days=35)
        form.certifications.data = [code for code, _ in form.certifications.choices]
        sites = sorted({s for s in db.session.scalars(select(JuryMember.site).where(JuryMember.certifier_id == certifier_id)) if s})
        form.sites.data = ", ".join(sites[:3])
    if form.validate_on_submit():
        sites = [s.strip() for s in form.sites.data.split(",") if s.strip()]
        params = {"start": form.start.data.isoformat(), "end": form.end.data.isoformat(), "certifications": form.certifications.data,
                  "sites": sites, "rooms": form.rooms.data, "time_limit": form.time_limit.data}
        with unit_of_work():
            problem = campaign.build_problem(certifier_id, form.start.data, form.end.data, form.certifications.data, sites, form.rooms.data)
            run = campaign.start_run(current_user, certifier_id, params, problem)
        if not problem["candidates"]:
            flash(_("Aucun dossier prêt pour le jury dans ces certifications : le plan sera vide."), "info")
        campaign.enqueue(run.id)
        return redirect(url_for("juries.campaign_run", run_id=run.id))
    runs = db.session.scalars(select(PlanningRun).where(PlanningRun.certifier_id == certifier_id)
                              .order_by(PlanningRun.created_at.desc()).limit(20)).all()
    return render_template("juries/campaigns.html", form=form, runs=runs), 422 if form.is_submitted() else 200


def _own_run(run_id: int):
    from .models import PlanningRun

    return _own(PlanningRun, run_id)


@bp.route("/campagnes/<int:run_id>")
@role_required(*STAFF)
def campaign_run(run_id: int):
    run = _own_run(run_id)
    template = "juries/_campaign_progress.html" if request.headers.get("HX-Request") else "juries/campaign.html"
    members = {m["id"]: m for m in run.problem["members"]}
    slots = {s["id"]: s for s in run.problem["slots"]}
    return render_template(template, run=run, members=members, slots=slots, confirm_form=ConfirmForm(formdata=None))


@bp.route("/campagnes/<int:run_id>/annuler", methods=["POST"])
@role_required(*STAFF)
def cancel_campaign(run_id: int):
    from .models import RunStatus

    run = _own_run(run_id)
    if run.status in (RunStatus.QUEUED, RunStatus.RUNNING):
        with unit_of_work():
            run.cancel_requested = True
            if run.status is RunStatus.QUEUED:
                run.status, run.step = RunStatus.CANCELLED, "annulé avant de commencer"
        flash(_("Annulation demandée : le meilleur plan trouvé jusque-là est conservé."), "info")
    return redirect(url_for("juries.campaign_run", run_id=run.id))


@bp.route("/campagnes/<int:run_id>/appliquer", methods=["POST"])
@role_required(*STAFF)
def apply_campaign(run_id: int):
    from .planning import campaign

    run = _own_run(run_id)
    try:
        with unit_of_work():
            created = campaign.apply_plan(current_user, run)
    except (ops.JuryConflict, InvalidData, PermissionDenied, MoveRefused) as exc:
        db.session.rollback()
        _flash_error(exc)
        flash(_("Rien n'a été créé : le plan est appliqué entièrement ou pas du tout."), "error")
        return redirect(url_for("juries.campaign_run", run_id=run_id))
    flash(_("%(n)s session(s) créée(s) en préparation : vérifiez-les puis confirmez-les.", n=len(created)), "success")
    return redirect(url_for("juries.sessions"))


@bp.route("/campagnes/<int:run_id>/<kind>.json")
@role_required(*STAFF)
def campaign_export(run_id: int, kind: str):
    import json

    run = _own_run(run_id)
    body = {"probleme": run.problem, "plan": run.plan}.get(kind)
    if body is None:
        abort(404)
    return Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="campagne-{run.id}-{kind}.json"'})
