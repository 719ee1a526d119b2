"""Jury sessions: the list, creating and editing one, and the assembly screen — the jury's
members and candidates with the live compliance panel (htmx; plain forms work too) and
the confirmation that summons the candidates."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...auth.permissions import can_manage_session, role_required
from ...candidacies.models import Candidacy
from ...certifications.registry import get_rules
from ...certifications.vocabulary import AccessRoute
from ...database import unit_of_work
from ...errors import InvalidData, NotFound
from ...extensions import db
from ...web.confirm import confirmed_removal
from ...web.errors import form_page, invalid_form, on_refusal
from ...web.forms import ConfirmForm
from ...web.i18n import current_language
from ...web.pagination import page_number
from .. import invitations, operations as ops, queries
from ..forms import (
    ConfirmSessionForm, GenderExceptionForm, InviteForm, ReopenSessionForm, ReplaceMemberForm, SeatForm, SessionCandidateForm, SessionForm)
from ..models import JuryMember, JurySession, SessionStatus
from . import STAFF, certifier_in_scope, own, own_session
from .exports import listed_sessions


@role_required(*STAFF)
def sessions():
    status, upcoming, query = listed_sessions()
    page = db.paginate(query, page=page_number(), per_page=current_app.config["VAE_PAGE_SIZE"], error_out=False)
    return render_template("juries/sessions.html", page=page, reports=queries.compliance_of_many(page.items), status=status,
                           periode=upcoming, statuses=list(SessionStatus))


def _session_form(form: SessionForm, certifier_id: int) -> SessionForm:
    form.certification.choices = [(c.code, c.code) for c in queries.certifications_of(certifier_id)]
    return form


@role_required(*STAFF)
def new_session():
    certifier_id = certifier_in_scope()
    form = _session_form(SessionForm(), certifier_id)
    page = form_page("juries/session_form.html", form, session=None)
    if form.validate_on_submit():
        certification = next(c for c in queries.certifications_of(certifier_id) if c.code == form.certification.data)
        with unit_of_work():
            session = ops.create_session(current_user, certification=certification, route=AccessRoute.VAE, starts_at=form.starts_at.data,
                                         ends_at=form.ends_at.data, site=form.site.data, room=form.room.data, capacity=form.capacity.data)
        flash(_("Session %(ref)s créée : composez le jury.", ref=session.reference), "success")
        return redirect(url_for("juries.session", session_id=session.id))
    return page()


@role_required(*STAFF)
def edit_session(session_id: int):
    session = own_session(session_id)
    if request.method == "GET" and session.status is not SessionStatus.DRAFT:
        flash(_("La session n'est plus en préparation : rouvrez-la, avec le motif, pour la modifier.")
              if session.status is SessionStatus.CONFIRMED else _("La session a déjà eu lieu : elle ne se modifie plus."), "error")
        return redirect(url_for("juries.session", session_id=session.id))
    form = _session_form(SessionForm(obj=session), session.certification.certifier_id)
    form.certification.data = session.certification.code  # the certification of a session does not change
    page = form_page("juries/session_form.html", form, session=session)
    if form.validate_on_submit():
        with unit_of_work():
            ops.update_session(current_user, session, starts_at=form.starts_at.data, ends_at=form.ends_at.data, site=form.site.data,
                               room=form.room.data, capacity=form.capacity.data or session.capacity, expected_version=form.version.data)
        flash(_("Session modifiée."), "success")
        return redirect(url_for("juries.session", session_id=session.id))
    return page()


@role_required(*STAFF)
def delete_session(session_id: int):
    session = own_session(session_id)
    refusal = None if session.status is SessionStatus.DRAFT else _("Seule une session en préparation peut être supprimée.")
    return confirmed_removal(_("Supprimer cette session ?"), f"{session.reference} — {session.starts_at:%d/%m/%Y %H:%M}",
                             url_for("juries.session", session_id=session_id), lambda: ops.delete_session(current_user, session),
                             _("Session supprimée."), url_for("juries.sessions"), refusal=refusal)


# --------------------------------------------------------------------------- the assembly screen


def assembly_context(session: JurySession, reopen_form: ReopenSessionForm | None = None,
                     gender_form: GenderExceptionForm | None = None, invite_form: InviteForm | None = None) -> dict:
    """Everything the assembly screen shows: compliance, who and which candidacies can be added, the invitations."""
    rules, limit = get_rules(), current_app.config["VAE_PICKER_LIMIT"]
    member_search = request.args.get("membre", "").strip()[:100]
    candidacy_search = request.args.get("dossier", "").strip()[:100]
    offered, members_total = queries.offered_members(session, member_search, limit)
    seat_form = SeatForm(formdata=None)
    unknown_note = " — " + _("disponibilité non renseignée")
    seat_form.member.choices = [
        (str(m.id), f"{m.last_name} {m.first_name} ({m.gender.label}) — "
                    f"{', '.join(rules.qualification_label(q, current_language()) for q in m.qualifications)}{'' if m.availability_declared else unknown_note}")
        for m in offered]
    waiting, candidacies_total = queries.waiting_candidacies(session, candidacy_search, limit)
    candidate_form = SessionCandidateForm(formdata=None)
    candidate_form.candidacy.choices = [(str(i), f"{reference} — {first} {last}") for i, reference, first, last in waiting]
    return {"session": session, "report": queries.compliance(session), "seat_form": seat_form, "candidate_form": candidate_form,
            "confirm_form": ConfirmSessionForm(formdata=None), "remove_form": ConfirmForm(formdata=None),
            "reopen_form": reopen_form or ReopenSessionForm(formdata=None),
            "gender_form": gender_form or GenderExceptionForm(formdata=None, data={"reason": session.gender_exception or "", "version": session.version}),
            "title": rules.certification(session.certification.code).title_on(session.starts_at.date()),
            "history": queries.session_history(session.id), "manage": can_manage_session(current_user, session),
            "members_total": members_total, "candidacies_total": candidacies_total, "member_search": member_search,
            "candidacy_search": candidacy_search,
            "invite_form": invite_form or InviteForm(formdata=None, data={"answer_by": invitations.default_answer_by(session)}),
            **invitations.on_the_assembly_screen(session)}



def _assembly(session_id: int, status: int = 200, **forms):
    """The assembly screen as the database now holds the session (its fragment alone for htmx)."""
    template = "juries/_assembly.html" if request.headers.get("HX-Request") else "juries/session.html"
    return render_template(template, **assembly_context(db.session.get(JurySession, session_id), **forms)), status


@login_required
def session(session_id: int):
    session = own_session(session_id, manage=False)
    if not can_manage_session(current_user, session):
        from .member_space import member_session_page

        return member_session_page(session)
    return _assembly(session.id)


def _managed(session_id: int) -> JurySession:
    """The session its manager is changing: a refusal shows the assembly screen again, with the reason."""
    session = own_session(session_id)
    on_refusal(lambda status: _assembly(session.id, status))
    return session


def _change(session: JurySession, change, success: str):
    """Run one change on the session and answer with the assembly screen (its fragment for htmx)."""
    with unit_of_work():
        change()
    flash(success, "success")
    if request.headers.get("HX-Request"):
        return _assembly(session.id)
    return redirect(url_for("juries.session", session_id=session.id))


def _chosen_id(raw: str | None, field: str, message: str) -> int:
    if not ((raw or "").isascii() and (raw or "").isdigit()) or len(raw) > 18:
        raise InvalidData({field: message})
    return int(raw)


@role_required(*STAFF)
def add_seat(session_id: int):
    session = _managed(session_id)
    member = own(JuryMember, _chosen_id(SeatForm().member.data, "member", _("Choisissez un membre.")))
    return _change(session, lambda: ops.add_member(current_user, session, member), _("%(name)s ajouté(e) au jury.", name=member.full_name))


@role_required(*STAFF)
def replace_seat(session_id: int, member_id: int):
    """A member of a confirmed session withdraws or declines: the replacements, the least change first, each with the
    compliance it would give; the one chosen takes the seat, the session stays confirmed."""
    session = own_session(session_id)
    leaving = next((s for s in session.members if s.member_id == member_id), None)
    if leaving is None:
        raise NotFound(_("Ce membre ne siège pas dans cette session."))
    options = queries.replacements(session, member_id)
    form = ReplaceMemberForm(data={"version": session.version})
    form.replacement.choices = [(str(o.member.id), o.member.full_name) for o in options]
    page = form_page("juries/replace_member.html", form, session=session, leaving=leaving, options=options,
                     rules=get_rules(), confirmed=session.status is SessionStatus.CONFIRMED)
    if form.validate_on_submit():
        replacement = own(JuryMember, _chosen_id(form.replacement.data, "replacement", _("Choisissez le membre qui remplace.")))
        with unit_of_work():
            ops.replace_member(current_user, session, member_id, replacement, form.reason.data, expected_version=form.version.data)
        flash(_("%(joined)s remplace %(left)s : la convocation et le message de retrait sont envoyés ; les candidats gardent leur "
                "convocation.", joined=replacement.full_name, left=leaving.member.full_name), "success")
        return redirect(url_for("juries.session", session_id=session.id))
    return page()


@role_required(*STAFF)
def remove_seat(session_id: int, member_id: int):
    session = _managed(session_id)
    return _change(session, lambda: ops.remove_member(current_user, session, member_id), _("Membre retiré du jury."))


@role_required(*STAFF)
def add_session_candidate(session_id: int):
    session = _managed(session_id)
    candidacy = db.session.get(Candidacy, _chosen_id(SessionCandidateForm().candidacy.data, "candidacy", _("Choisissez un dossier.")))
    if candidacy is None:
        raise InvalidData({"candidacy": _("Choisissez un dossier.")})
    return _change(session, lambda: ops.add_candidate(current_user, session, candidacy),
                   _("%(ref)s ajouté à la session.", ref=candidacy.reference))


@role_required(*STAFF)
def remove_session_candidate(session_id: int, candidacy_id: int):
    session = _managed(session_id)
    candidacy = db.session.get(Candidacy, candidacy_id)
    if candidacy is None:
        raise NotFound("Ce dossier n'existe pas.")
    return _change(session, lambda: ops.remove_candidate(current_user, session, candidacy), _("Dossier retiré de la session."))


@role_required(*STAFF)
def reopen_session(session_id: int):
    session = _managed(session_id)
    form = ReopenSessionForm()
    on_refusal(lambda status: _assembly(session.id, status, reopen_form=form), form)  # what was typed, each reason by its field
    if not form.validate():
        raise invalid_form(form)
    return _change(session, lambda: ops.reopen_session(current_user, session, form.reason.data),
                   _("Session rouverte : les convocations sont annulées et les personnes concernées prévenues. "
                     "Modifiez-la puis confirmez-la à nouveau."))


@role_required(*STAFF)
def record_gender_exception(session_id: int):
    session = _managed(session_id)
    form = GenderExceptionForm()
    on_refusal(lambda status: _assembly(session.id, status, gender_form=form), form)
    if not form.validate():
        raise invalid_form(form)
    said = (form.reason.data or "").strip()
    return _change(session, lambda: ops.record_gender_exception(current_user, session, said, expected_version=form.version.data),
                   _("Motif consigné : il figure au procès-verbal.") if said else _("Motif retiré."))


@role_required(*STAFF)
def confirm_session(session_id: int):
    session = _managed(session_id)
    form = ConfirmSessionForm()
    if not form.validate():
        raise invalid_form(form)
    return _change(session, lambda: ops.confirm_session(current_user, session, acknowledge_unknowns=form.acknowledge.data,
                                                        note=form.note.data),
                   _("Session confirmée : les candidats sont convoqués."))
