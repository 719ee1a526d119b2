"""Invitations to sit: the coordinator invites a session's jury or a campaign's juries; a member answers from the
e-mail's signed link (no password) or from their space."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user

from ...auth.models import Role
from ...auth.permissions import role_required
from ...database import unit_of_work
from ...web.errors import form_page, invalid_form, on_refusal
from .. import invitations
from ..forms import AnswerForm, InviteForm
from ..models import AnswerChannel, JuryInvitation, PlanningRun
from . import STAFF, own, own_session
from .sessions import _assembly


@role_required(*STAFF)
def invite_session(session_id: int):
    session = own_session(session_id)
    form = InviteForm()
    on_refusal(lambda status: _assembly(session.id, status, invite_form=form), form)
    if not form.validate():
        raise invalid_form(form)
    with unit_of_work():
        invited = invitations.invite(current_user, session, form.answer_by.data)
    flash(ngettext("%(num)s membre invité : il reçoit un courriel pour répondre.",
                   "%(num)s membres invités : chacun reçoit un courriel pour répondre.", len(invited)), "success")
    return redirect(url_for("juries.session", session_id=session.id, _anchor="membres"))


@role_required(*STAFF)
def invite_campaign(run_id: int):
    from .campaigns import campaign_page

    run = own(PlanningRun, run_id)
    form = InviteForm()
    on_refusal(lambda status: campaign_page(run, status, invite_form=form), form)
    if not form.validate():
        raise invalid_form(form)
    with unit_of_work():
        members, sessions = invitations.invite_campaign(current_user, run, form.answer_by.data)
    flash(ngettext("%(num)s membre invité", "%(num)s membres invités", members) + " — "
          + ngettext("%(num)s session.", "%(num)s sessions.", sessions), "success")
    return redirect(url_for("juries.campaign_run", run_id=run.id))


def answer_by_link(token: str):
    """The link of the invitation e-mail: the invitation, and its answer form (a GET never answers: mail scanners
    follow links)."""
    invitation = invitations.invitation_for_token(token) if len(token) <= 500 else None
    if invitation is None:
        return render_template("juries/invitation.html", invitation=None, form=None,
                               gone=len(token) <= 500 and invitations.gone(token)), 410
    form = AnswerForm()
    page = form_page("juries/invitation.html", form, invitation=invitation, token=token, seated=invitations.seated(invitation))
    if not form.validate_on_submit():
        return page()
    with unit_of_work():
        invitations.answer(invitation, form.answer.data == "yes", form.reason.data, channel=AnswerChannel.LINK, actor=None)
    return render_template("juries/invitation.html", invitation=invitation, form=None, answered=True, seated=True)


@role_required(Role.JURY_MEMBER)
def answer_in_space(invitation_id: int):
    """A member answers from their space: only their own invitations."""
    from ...web.views import jury_member_home

    invitation = own_invitation(invitation_id)
    form = AnswerForm(prefix=f"i{invitation.id}")
    on_refusal(lambda status: jury_member_home(status, answer_forms={invitation.id: form}), form)
    if not form.validate():
        raise invalid_form(form)
    with unit_of_work():
        invitations.answer(invitation, form.answer.data == "yes", form.reason.data, channel=AnswerChannel.SPACE, actor=current_user)
    flash(_("Réponse enregistrée : merci."), "success")
    return redirect(url_for("web.home"))


def own_invitation(invitation_id: int) -> JuryInvitation:
    """The signed-in member's invitation, or 404 (another member's invitation does not exist for them)."""
    from ...extensions import db

    invitation = db.session.get(JuryInvitation, invitation_id)
    if invitation is None or invitation.member.user_id != current_user.id:
        abort(404)
    return invitation
