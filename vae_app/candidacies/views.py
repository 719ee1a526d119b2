"""Every route of the candidacy domain: the candidate portal, the coordinator desk,
the workflow diagram. Views parse input, call one operation, commit once."""
from __future__ import annotations

from datetime import datetime
from io import BytesIO

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from .. import clock
from ..audit.models import AuditEvent
from ..auth.models import Role, User
from ..auth.permissions import can_fire_move, role_required
from ..certifications.models import Certification
from ..certifications.registry import get_rules
from ..certifications.vocabulary import AccessRoute, ExperienceStatus
from ..database import unit_of_work
from ..extensions import db
from . import documents as document_store
from . import queries
from .forms import (
    ApplicationForm, ConfirmForm, DocumentForm, ExperienceForm, MoveForm, NewCandidacyForm, QueueForm, SectionForm,
)
from .models import Candidacy, CandidacyState as S, Document, DocumentKind, ExperiencePeriod
from .operations import (
    Conflict, InvalidData, PermissionDenied, create_candidacy, ensure_editable, fire, open_offers, save_section, touch,
    visible_or_403,
)
from .services import NEXT_STEPS, answer_deadline, components_to_assess, section_texts, verdict_for
from .workflow import DECISION_OUTCOMES, MOVES, MoveContext, MoveRefused, mermaid, static_refusals

bp = Blueprint("candidacies", __name__)

RELATED_TO_BOOL = {"yes": True, "no": False, "unsaid": None}
BOOL_TO_RELATED = {True: "yes", False: "no", None: "unsaid"}
OUTCOME_LABELS = {"full": "Validation totale", "partial": "Validation partielle", "refused": "Refus",
                  "absent": "Absent", "excused": "Excusé"}


def load(candidacy_id: int) -> Candidacy:
    candidacy = db.session.get(Candidacy, candidacy_id)
    return visible_or_403(current_user, candidacy)


# --------------------------------------------------------------------------- candidate: start


@bp.route("/candidatures/nouvelle", methods=["GET", "POST"])
@role_required(Role.CANDIDATE)
def new():
    offers = open_offers(clock.today())
    rules = get_rules()
    form = NewCandidacyForm()
    form.offer.choices = [
        (f"{cert.code}|{route.value}", f"{cert.code} — {rules.certification(cert.code).title_on(clock.today())} ({route.label})")
        for cert, route in offers
    ]
    if form.validate_on_submit():
        code, route = form.offer.data.split("|")
        try:
            with unit_of_work():
                candidacy = create_candidacy(current_user, code, AccessRoute(route))
        except InvalidData as exc:
            flash("; ".join(exc.errors.values()), "error")
            return render_template("candidacies/new.html", form=form, offers=offers, successors=_successors(offers)), 422
        flash(_("Votre demande %(ref)s est créée : complétez-la puis déposez-la.", ref=candidacy.reference), "success")
        return redirect(url_for("candidacies.show", candidacy_id=candidacy.id))
    status = 422 if form.is_submitted() else 200
    return render_template("candidacies/new.html", form=form, offers=offers, successors=_successors(offers)), status


def _successors(offers) -> list[dict]:
    """Closed certifications whose successor is in the catalogue: offered to new applicants instead."""
    rules, today = get_rules(), clock.today()
    offered = {cert.code for cert, _route in offers}
    found = []
    for code, cert in sorted(rules.certifications.items()):
        successor = ((cert.raw.get("successor") or {}).get("value") or {}).get("code")
        if cert.is_registered_on(today) or not successor or successor not in rules.certifications:
            continue
        found.append({"code": code, "title": cert.current_title, "end": cert.registration_end, "successor": successor,
                      "successor_title": rules.certification(successor).current_title, "offered": successor in offered})
    return found


# --------------------------------------------------------------------------- the candidacy page


def page_context(candidacy: Candidacy, **forms) -> dict:
    rules = get_rules()
    today = clock.today()
    available = []
    for name, move in MOVES.items():
        if not can_fire_move(current_user, candidacy, move):
            continue
        refusals = static_refusals(name, candidacy, MoveContext(actor=current_user, today=today, rules=rules))
        if refusals is None:
            continue
        available.append((move, refusals))
    timeline = db.session.scalars(
        select(AuditEvent).where(AuditEvent.candidacy_id == candidacy.id).options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    cert_rules = rules.certification(candidacy.certification.code)
    due, meaning, silence_rule_id, silence_source = answer_deadline(candidacy, rules)
    editing = candidacy.state in (S.DRAFT, S.INCOMPLETE) and current_user.id == candidacy.candidate_id
    move_form = forms.pop("move_form", None) or MoveForm(formdata=None)
    move_form.version.data = str(candidacy.version)
    if candidacy.state is S.READY_FOR_JURY:
        move_form.session_id.choices = _session_choices(candidacy, today)
    to_assess = components_to_assess(candidacy, rules, today)
    move_form.component.choices = [(c.code, f"{c.code} — {c.title}") for c in to_assess]
    move_form.outcome.choices = [(o, OUTCOME_LABELS[o]) for o in DECISION_OUTCOMES]
    return {
        "candidacy": candidacy,
        "cert_rules": cert_rules,
        "title": cert_rules.title_on(candidacy.received_on or today),
        "verdict": verdict_for(candidacy, rules, today),
        "available": available,
        "timeline": timeline,
        "answer_due_on": due,
        "silence_means": meaning,
        "silence_rule": silence_rule_id,
        "next_step": NEXT_STEPS[candidacy.state],
        "editing": editing,
        "application_form": forms.pop("application_form", None) or ApplicationForm(obj=candidacy, formdata=None),
        "experience_form": forms.pop("experience_form", None) or ExperienceForm(formdata=None),
        "document_form": forms.pop("document_form", None) or DocumentForm(formdata=None),
        "section_texts": section_texts(candidacy),
        "section_form": SectionForm(formdata=None),
        "to_assess": to_assess,
        "move_form": move_form,
        "confirm_form": ConfirmForm(formdata=None),
        "related_label": {True: _("oui"), False: _("non"), None: _("non précisé")},
        "is_candidate": current_user.id == candidacy.candidate_id,
        "is_staff": current_user.role in (Role.COORDINATOR, Role.ADMIN),
        "outcome_labels": OUTCOME_LABELS,
        "registration_end": cert_rules.registration_end,
        **forms,
    }


def _session_choices(candidacy: Candidacy, today) -> list[tuple[str, str]]:
    from ..juries.models import JurySession, SessionStatus

    sessions = db.session.scalars(
        select(JurySession).where(JurySession.certification_id == candidacy.certification_id,
                                  JurySession.route == candidacy.route, JurySession.status != SessionStatus.HELD,
                                  JurySession.starts_at >= datetime.combine(today, datetime.min.time()))
        .order_by(JurySession.starts_at)
    ).all()
    return [(str(s.id), f"{s.reference} — {s.starts_at:%d/%m/%Y %H:%M}, {s.site}") for s in sessions]


@bp.route("/candidatures/<int:candidacy_id>")
@login_required
def show(candidacy_id: int):
    candidacy = load(candidacy_id)
    return render_template("candidacies/show.html", **page_context(candidacy))


@bp.route("/candidatures/<int:candidacy_id>/precontrole.json")
@login_required
def precheck(candidacy_id: int):
    """The eligibility verdict as the engine gives it now (as if received today for a draft)."""
    candidacy = load(candidacy_id)
    return jsonify(verdict_for(candidacy, get_rules(), clock.today()).as_dict())


def rerender(candidacy: Candidacy, status: int = 422, **forms):
    db.session.rollback()
    candidacy = db.session.get(Candidacy, candidacy.id)
    return render_template("candidacies/show.html", **page_context(candidacy, **forms)), status


# --------------------------------------------------------------------------- candidate: the application


@bp.route("/candidatures/<int:candidacy_id>/demande", methods=["POST"])
@login_required
def save_application(candidacy_id: int):
    candidacy = load(candidacy_id)
    _editable_or_refuse(candidacy)
    form = ApplicationForm()
    if not form.validate():
        return rerender(candidacy, application_form=form)
    with unit_of_work():
        form.populate_obj(candidacy)
        touch(candidacy)
    flash(_("Informations enregistrées."), "success")
    return redirect(url_for("candidacies.show", candidacy_id=candidacy.id, _anchor="demande"))


def _editable_or_refuse(candidacy: Candidacy) -> None:
    try:
        ensure_editable(candidacy, current_user)
    except PermissionDenied:
        abort(403)
    except MoveRefused as exc:
        abort(409, description=exc.reasons[0])


def _experience_from_form(form: ExperienceForm, row: ExperiencePeriod) -> None:
    row.status = ExperienceStatus(form.status.data)
    row.job_title = form.job_title.data.strip()
    row.organisation = form.organisation.data.strip()
    row.start = form.start.data
    row.end_on = form.end_on.data
    row.hours = form.hours.data
    row.related = RELATED_TO_BOOL[form.related.data]
    row.activities = form.activities.data or None


@bp.route("/candidatures/<int:candidacy_id>/experiences", methods=["POST"])
@login_required
def add_experience(candidacy_id: int):
    candidacy = load(candidacy_id)
    _editable_or_refuse(candidacy)
    form = ExperienceForm()
    if not form.validate():
        return rerender(candidacy, experience_form=form)
    with unit_of_work():
        row = ExperiencePeriod()
        _experience_from_form(form, row)
        candidacy.experiences.append(row)
        touch(candidacy)
    flash(_("Période d'expérience ajoutée."), "success")
    return redirect(url_for("candidacies.show", candidacy_id=candidacy.id, _anchor="experiences"))


def _own_experience(candidacy: Candidacy, experience_id: int) -> ExperiencePeriod:
    row = db.session.get(ExperiencePeriod, experience_id)
    if row is None or row.candidacy_id != candidacy.id:
        abort(404)
    return row


@bp.route("/candidatures/<int:candidacy_id>/experiences/<int:experience_id>", methods=["GET", "POST"])
@login_required
def edit_experience(candidacy_id: int, experience_id: int):
    candidacy = load(candidacy_id)
    _editable_or_refuse(candidacy)
    row = _own_experience(candidacy, experience_id)
    form = ExperienceForm(obj=row)
    if request.method == "GET":
        form.related.data = BOOL_TO_RELATED[row.related]
        form.status.data = row.status.value
    if form.validate_on_submit():
        with unit_of_work():
            _experience_from_form(form, row)
            touch(candidacy)
        flash(_("Période d'expérience modifiée."), "success")
        return redirect(url_for("candidacies.show", candidacy_id=candidacy.id, _anchor="experiences"))
    status = 422 if form.is_submitted() else 200
    return render_template("candidacies/experience_edit.html", candidacy=candidacy, row=row, form=form), status


@bp.route("/candidatures/<int:candidacy_id>/experiences/<int:experience_id>/supprimer", methods=["GET", "POST"])
@login_required
def delete_experience(candidacy_id: int, experience_id: int):
    candidacy = load(candidacy_id)
    _editable_or_refuse(candidacy)
    row = _own_experience(candidacy, experience_id)
    return _confirmed_removal(
        candidacy, candidacy.experiences, row, f"{row.job_title} — {row.organisation} ({row.start:%d/%m/%Y})",
        _("Supprimer cette période d'expérience ?"), _("Période d'expérience supprimée."), "experiences",
    )


def _confirmed_removal(candidacy: Candidacy, collection: list, item, what: str, question: str, done: str, anchor: str):
    """GET asks for confirmation; the confirmed POST removes ``item`` and commits."""
    form = ConfirmForm()
    back = url_for("candidacies.show", candidacy_id=candidacy.id, _anchor=anchor)
    if form.validate_on_submit():
        with unit_of_work():
            collection.remove(item)
            touch(candidacy)
        flash(done, "success")
        return redirect(back)
    return render_template("confirm.html", form=form, what=what, question=question, back=back)


# --------------------------------------------------------------------------- documents


@bp.route("/candidatures/<int:candidacy_id>/documents", methods=["POST"])
@login_required
def upload_document(candidacy_id: int):
    candidacy = load(candidacy_id)
    _editable_or_refuse(candidacy)
    form = DocumentForm()
    if not form.validate():
        return rerender(candidacy, document_form=form)
    upload = form.file.data
    data = upload.read(document_store.MAX_BYTES + 1)
    try:
        with unit_of_work():
            document = document_store.attach(candidacy, current_user, DocumentKind(form.kind.data), upload.filename, data)
            touch(candidacy)
    except document_store.DocumentRefused as exc:
        form.file.errors = [str(exc)]
        return rerender(candidacy, document_form=form)
    flash(_("Pièce « %(name)s » déposée.", name=document.original_name), "success")
    return redirect(url_for("candidacies.show", candidacy_id=candidacy.id, _anchor="documents"))


def _own_document(candidacy: Candidacy, document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None or document.candidacy_id != candidacy.id:
        abort(404)
    return document


@bp.route("/candidatures/<int:candidacy_id>/documents/<int:document_id>")
@login_required
def download_document(candidacy_id: int, document_id: int):
    candidacy = load(candidacy_id)
    document = _own_document(candidacy, document_id)
    response = send_file(BytesIO(document.content.data), mimetype=document.content_type, as_attachment=True,
                         download_name=document.original_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/candidatures/<int:candidacy_id>/documents/<int:document_id>/supprimer", methods=["GET", "POST"])
@login_required
def delete_document(candidacy_id: int, document_id: int):
    candidacy = load(candidacy_id)
    _editable_or_refuse(candidacy)
    document = _own_document(candidacy, document_id)
    return _confirmed_removal(candidacy, candidacy.documents, document, f"{document.kind.label} — {document.original_name}",
                              _("Supprimer cette pièce ?"), _("Pièce supprimée."), "documents")


# --------------------------------------------------------------------------- validation file


@bp.route("/candidatures/<int:candidacy_id>/dossier/<code>", methods=["POST"])
@login_required
def save_validation_section(candidacy_id: int, code: str):
    candidacy = load(candidacy_id)
    form = SectionForm()
    if not form.validate():
        flash(_("Texte trop long (50 000 caractères au plus)."), "error")
        return rerender(candidacy)
    try:
        with unit_of_work():
            save_section(candidacy, current_user, code, form.text.data or "")
    except PermissionDenied:
        abort(403)
    except MoveRefused as exc:
        abort(409, description=exc.reasons[0])
    except InvalidData as exc:
        abort(404, description="; ".join(exc.errors.values()))
    flash(_("Partie « %(code)s » enregistrée.", code=code), "success")
    return redirect(url_for("candidacies.show", candidacy_id=candidacy.id, _anchor=f"composante-{code}"))


# --------------------------------------------------------------------------- moves


def move_data(move: str, form: MoveForm) -> dict:
    if move == "record_assessment":
        return {"component": form.component.data, "result": form.result.data, "note": form.note.data}
    if move == "schedule":
        return {"session_id": form.session_id.data}
    if move == "record_decision":
        components = {}
        for key, value in request.form.items():
            if key.startswith("component-") and value in ("yes", "no"):
                components[key[len("component-"):]] = value == "yes"
        return {"outcome": form.outcome.data, "components": components}
    return {}


@bp.route("/candidatures/<int:candidacy_id>/actions/<move>", methods=["POST"])
@login_required
def move(candidacy_id: int, move: str):
    candidacy = load(candidacy_id)
    if move not in MOVES:
        abort(404)
    form = MoveForm()
    if not form.validate():
        return rerender(candidacy, move_form=form)
    if move == "withdraw" and not form.confirm.data:
        flash(_("Cochez « Je confirme » pour abandonner le parcours : cette action est définitive."), "error")
        return rerender(candidacy, move_form=form)
    try:
        version = int(form.version.data) if form.version.data else None
    except ValueError:
        abort(400, description="version : entier attendu")
    try:
        with unit_of_work():
            new_state = fire(candidacy, move, current_user, reason=form.reason.data, data=move_data(move, form),
                             expected_version=version)
    except PermissionDenied:
        abort(403)
    except Conflict as exc:
        flash(str(exc), "error")
        return rerender(candidacy, status=409)
    except MoveRefused as exc:
        for reason in exc.reasons:
            flash(reason, "error")
        return rerender(candidacy, status=exc.status, move_form=form)
    flash(_("« %(move)s » : le dossier est maintenant « %(state)s ».", move=MOVES[move].label, state=new_state.label), "success")
    return redirect(url_for("candidacies.show", candidacy_id=candidacy.id))


# --------------------------------------------------------------------------- coordinator desk


@bp.route("/coordination/candidatures")
@role_required(Role.COORDINATOR, Role.ADMIN)
def queue():
    form = QueueForm(request.args)
    certifications = db.session.scalars(
        select(Certification).where(
            Certification.certifier_id == current_user.certifier_id if current_user.role is Role.COORDINATOR else True
        ).order_by(Certification.code)
    ).all()
    form.etat.choices = [("", _("Tous les états"))] + [(s.value, str(s.label)) for s in S]
    form.certification.choices = [("", _("Toutes"))] + [(c.code, c.code) for c in certifications]
    if not form.validate():
        abort(400, description="; ".join(f"{name} : {', '.join(errors)}" for name, errors in form.errors.items()))
    # by certification id, not through a join on the certifier: the planner then reads one certification's
    # files of one state in order of last change from ix_candidacies_certification_state_updated
    ids = {c.code: c.id for c in certifications}
    chosen = [ids[form.certification.data]] if form.certification.data else list(ids.values())
    query = select(Candidacy).where(Candidacy.certification_id.in_(chosen))
    certifier = current_user.certifier_id if current_user.role is Role.COORDINATOR else None
    counts = queries.state_counts(db.session, certifier)
    if form.etat.data:
        query = query.where(Candidacy.state == S(form.etat.data))
    if form.q.data:
        term = f"%{form.q.data.strip().lower()}%"
        query = query.join(User, Candidacy.candidate_id == User.id).where(or_(
            db.func.lower(Candidacy.reference).like(term), db.func.lower(User.last_name).like(term),
            db.func.lower(User.first_name).like(term), db.func.lower(User.email).like(term),
        ))
    order = {
        "recent": (Candidacy.updated_at.desc(), Candidacy.id.desc()),
        "reception": (Candidacy.received_on.desc(), Candidacy.id.desc()),
        "echeance": (Candidacy.complete_on.asc(), Candidacy.id.asc()),
        "dossier": (Candidacy.reference.asc(),),
    }[form.tri.data or "recent"]
    # without a search, the total is known from the counters: no COUNT over the certifier's files
    known = None
    if not form.q.data:
        known = queries.state_counts(db.session, certifier, form.certification.data) if form.certification.data else counts
    page = db.paginate(
        query.options(*_queue_loads(S(form.etat.data) if form.etat.data else None)).order_by(*order),
        page=_page_number(), per_page=current_app.config["VAE_PAGE_SIZE"], error_out=False, count=known is None,
    )
    if known is not None:
        page.total = queries.counted_total(known, S(form.etat.data) if form.etat.data else None)
    rules = get_rules()
    deadlines = {c.id: queries.deadline_of(c, rules, clock.today()) for c in page.items}
    return render_template("candidacies/queue.html", form=form, page=page, counts=counts, deadlines=deadlines)


def _queue_loads(state: S | None) -> list:
    """What a page of the queue reads with its files: the deadline column needs a scheduled file's session
    and a partially validated file's components, and nothing of the others."""
    loads = [selectinload(Candidacy.candidate), selectinload(Candidacy.certification)]
    if state in (None, S.PARTIALLY_VALIDATED):
        loads.append(selectinload(Candidacy.acquired_components))
    if state in (None, S.JURY_SCHEDULED):
        loads.append(selectinload(Candidacy.jury_session))
    return loads


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        abort(400, description="page : doit être un entier positif")


@bp.route("/workflow")
def workflow_diagram():
    """The workflow as a diagram (the machine's own Mermaid output)."""
    return render_template("candidacies/workflow.html", diagram=mermaid(), moves=MOVES, states=list(S))
