"""A jury member's own pages on a confirmed session of theirs: declaring their ties with its candidates, reading
the files they judge (read-only, every reading journalled)."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import format_decimal, gettext as _
from flask_login import current_user

from ...auth.models import Role
from ...auth.permissions import role_required
from ...candidacies.models import Candidacy
from ...candidacies.views.portal import document_response
from ...database import unit_of_work
from ...errors import InvalidData, NotFound, Reason
from ...extensions import db
from ...web.errors import invalid_form, on_refusal
from ...web.forms import ConfirmForm
from .. import member_space
from ..member_space import TOO_LONG_NOTE
from ..models import DayPart, JurySession, SessionStatus, TieKind


def member_session_page(session: JurySession, status: int = 200, typed: dict | None = None):
    """The session as its member sees it: jury, candidates, the declaration of ties, the files to read."""
    from .. import queries

    member = member_space.member_of(current_user)
    report = queries.compliance(session)  # once for the page
    heard = {c.candidate_id: c for c in session.candidacies}
    my_ties = [f"{t.kind.label} : {heard[t.candidate_id].candidate.full_name}" for t in (member.ties if member else [])
               if t.candidate_id in heard]
    return render_template("juries/session_member.html", session=session, report=report, member=member,
                           my_ties=my_ties,
                           declaration=member_space.declaration_of(member, session) if member else None,
                           due=member_space.declaration_due(member, session) if member else False,
                           readable={c.id: member_space.reading(member, session, c, report) for c in session.candidacies} if member else {},
                           tie_kinds=list(TieKind), typed=typed or {}, max_note=member_space.MAX_NOTE,
                           refused=_refused_by_field(),
                           confirm_form=ConfirmForm(formdata=None)), status


def _refused_by_field() -> dict[str, list[str]]:
    """The reasons of a refused declaration by the field they are about (``note-5``), said beside it."""
    by_field: dict[str, list[str]] = {}
    for name, reason in getattr(g, "refused_reasons", []):
        by_field.setdefault(name, []).append(reason)
    return by_field


def _session(session_id: int) -> JurySession:
    session = db.session.get(JurySession, session_id)
    if session is None:
        raise NotFound(_("Session introuvable."))
    return session


@role_required(Role.JURY_MEMBER)
def declare_ties(session_id: int):
    """Each candidate: no tie, or its kind (and a note)."""
    session = _session(session_id)
    member_space.sitting_member(current_user, session)  # a session that is not theirs does not exist for them
    typed = request.form.to_dict()
    on_refusal(lambda status: member_session_page(session, status, typed=typed))  # the reasons come as messages above
    if not ConfirmForm().validate():
        raise InvalidData({"answers": _("La page a expiré : rechargez-la et recommencez.")})
    answers, missing = {}, []
    kinds = {k.value: k for k in TieKind}
    for candidacy in session.candidacies:
        said = request.form.get(f"tie-{candidacy.id}", "")
        if said not in kinds and said != "none":
            missing.append(candidacy.candidate.full_name)
            continue
        answers[candidacy.id] = (kinds.get(said), request.form.get(f"note-{candidacy.id}"))
    if missing:
        raise InvalidData({"answers": _("Répondez pour chaque candidat (aucun lien, ou sa nature) : %(names)s.",
                                        names=", ".join(missing))})
    _check_notes(session, answers)
    with unit_of_work():
        member_space.declare_ties(current_user, session, answers)
    flash(_("Déclaration enregistrée : merci. Le service voit aussitôt vos liens et en tient compte selon la loi qui s'applique."),
          "success")
    return redirect(url_for("juries.session", session_id=session.id))


def _check_notes(session: JurySession, answers: dict) -> None:
    """Every note too long, each said with the file it is about (the summary lists them apart), its limit and what
    was typed, numbers as the reader writes them: nothing is recorded, what was typed comes back."""
    too_long = {candidacy.id: len((answers[candidacy.id][1] or "").strip()) for candidacy in session.candidacies}
    refused = {f"note-{candidacy.id}": Reason(TOO_LONG_NOTE, ref=candidacy.reference, max=format_decimal(member_space.MAX_NOTE),
                                              count=format_decimal(too_long[candidacy.id]))
               for candidacy in session.candidacies if too_long[candidacy.id] > member_space.MAX_NOTE}
    if refused:
        raise InvalidData(refused)


@role_required(Role.JURY_MEMBER)
def read_file(session_id: int, candidacy_id: int):
    """A candidate's validation file and documents, read-only."""
    session, candidacy = _session(session_id), _candidacy(candidacy_id)
    from ...certifications.registry import get_rules

    with unit_of_work():
        access = member_space.open_file(current_user, session, candidacy, "dossier de validation")
    return file_page(session, candidacy, access)


def file_page(session: JurySession, candidacy: Candidacy, access, status: int = 200, typed: dict | None = None):
    """The file as its member reads it, with their notes (and, for the president, everyone's)."""
    from ...certifications.registry import get_rules

    rules = get_rules().certification(candidacy.certification.code)
    member = member_space.member_of(current_user)
    mine = {n.component_code: n.text for n in member_space.notes_for(session, member).get(candidacy.id, [])}
    presiding = member_space.presides(member, session)
    everyone = member_space.notes_for(session).get(candidacy.id, []) if presiding else []
    return render_template("juries/member_file.html", session=session, candidacy=candidacy, access=access,
                           components=rules.components, sections={s.component_code: s for s in candidacy.validation_sections},
                           mine={**mine, **(typed or {})}, everyone=everyone, writable=session.status is SessionStatus.CONFIRMED,
                           confirm_form=ConfirmForm(formdata=None)), status


@role_required(Role.JURY_MEMBER)
def save_notes(session_id: int, candidacy_id: int):
    session, candidacy = _session(session_id), _candidacy(candidacy_id)
    member = member_space.sitting_member(current_user, session)
    access = member_space.reading(member, session, candidacy)
    if not access.allowed:
        raise NotFound(_("Dossier introuvable."))
    from ...certifications.registry import get_rules

    codes = [c.code for c in get_rules().certification(candidacy.certification.code).components]
    notes = {code: request.form.get(f"note-{code}") for code in codes if f"note-{code}" in request.form}
    if "note-general" in request.form:
        notes[None] = request.form.get("note-general")
    on_refusal(lambda status: file_page(session, candidacy, access, status, typed=notes))
    if not ConfirmForm().validate():
        raise InvalidData({"answers": _("La page a expiré : rechargez-la et recommencez.")})
    with unit_of_work():
        changed = member_space.save_notes(current_user, session, candidacy, notes)
    flash(_("Notes enregistrées.") if changed else _("Aucune note n'a changé."), "success")
    return redirect(url_for("juries.member_file", session_id=session.id, candidacy_id=candidacy.id))


@role_required(Role.JURY_MEMBER)
def read_document(session_id: int, candidacy_id: int, document_id: int):
    session, candidacy = _session(session_id), _candidacy(candidacy_id)
    document = next((d for d in candidacy.documents if d.id == document_id), None)
    if document is None or (document.component_code is not None and document.filed_on is None):
        raise NotFound(_("Pièce introuvable."))  # the jury reads the validation file as it was filed
    with unit_of_work():
        member_space.open_file(current_user, session, candidacy, member_space.document_read(candidacy, document))
    return document_response(document)


def _candidacy(candidacy_id: int) -> Candidacy:
    candidacy = db.session.get(Candidacy, candidacy_id)
    if candidacy is None:
        raise NotFound(_("Dossier introuvable."))
    return candidacy


def own_space_page(status: int = 200, availability_form=None, preferences_form=None):
    """The member's availabilities, reachable sites and load."""
    from ..forms import OwnAvailabilityForm, PreferencesForm

    member = member_space.member_of(current_user)
    if member is None:
        raise NotFound(_("Votre compte n'est rattaché à aucun membre de jury : écrivez à la coordination."))
    availability_form = availability_form or OwnAvailabilityForm(formdata=None)
    preferences_form = preferences_form or PreferencesForm(formdata=None, data={
        "sites": ", ".join(member.reachable_sites or []), "max_sessions": member.max_sessions})
    return render_template("juries/own_space.html", member=member, availability_form=availability_form,
                           preferences_form=preferences_form, confirm_form=ConfirmForm(formdata=None)), status


@role_required(Role.JURY_MEMBER)
def own_space():
    return own_space_page()


@role_required(Role.JURY_MEMBER)
def declare_availability():
    from ..forms import OwnAvailabilityForm

    form = OwnAvailabilityForm()
    on_refusal(lambda status: own_space_page(status, availability_form=form), form)
    if not form.validate():
        raise invalid_form(form)
    with unit_of_work():
        member_space.declare_availability(current_user, form.day.data, DayPart(form.part.data))
    flash(_("Disponibilité déclarée : merci."), "success")
    return redirect(url_for("juries.own_space"))


@role_required(Role.JURY_MEMBER)
def withdraw_availability(availability_id: int):
    on_refusal(lambda status: own_space_page(status))
    if not ConfirmForm().validate():
        raise InvalidData({"answers": _("La page a expiré : rechargez-la et recommencez.")})
    with unit_of_work():
        member_space.withdraw_availability(current_user, availability_id)
    flash(_("Disponibilité retirée."), "success")
    return redirect(url_for("juries.own_space"))


@role_required(Role.JURY_MEMBER)
def save_preferences():
    from ..forms import PreferencesForm

    form = PreferencesForm()
    on_refusal(lambda status: own_space_page(status, preferences_form=form), form)
    if not form.validate():
        raise invalid_form(form)
    with unit_of_work():
        member_space.set_preferences(current_user, (form.sites.data or "").split(","), form.max_sessions.data)
    flash(_("Préférences enregistrées : la planification en tient compte."), "success")
    return redirect(url_for("juries.own_space"))
