"""The member pool: the list, a member's page (with ties and availabilities), deletion,
CSV/XLSX export, and import with a preview before anything is saved."""
from __future__ import annotations

import base64
import binascii

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import clock
from ...auth.models import User
from ...auth.permissions import role_required
from ...candidacies import documents
from ...certifications.registry import get_rules
from ...certifications.vocabulary import Gender
from ...database import unit_of_work
from ...dates import de
from ...errors import PermissionDenied
from ...extensions import db
from ...web.confirm import confirmed_removal
from ...web.errors import form_page, upload_page
from ...web.forms import ConfirmForm
from ...web.i18n import current_language
from ...web.pagination import page_number
from ...web.spreadsheets import download
from .. import operations as ops, pool_io, queries
from ..forms import AvailabilityForm, ImportConfirmForm, ImportForm, MemberForm, TieForm, WithdrawMemberForm
from ..models import JuryMember, TieKind
from . import STAFF, certifier_in_scope, own

MAX_IMPORT_BYTES = 2 * 1024 * 1024


@role_required(*STAFF)
def members():
    certifier_id = certifier_in_scope()
    q = (request.args.get("q") or "").strip().lower()[:100]
    qualification = request.args.get("qualification") or None
    page = db.paginate(queries.pool(certifier_id, q, qualification), page=page_number(),
                       per_page=current_app.config["VAE_PAGE_SIZE"], error_out=False)
    return render_template("juries/members.html", page=page, items=page.items, q=q, qualification=qualification,
                           vocabulary=sorted(get_rules().all_qualification_names))


def _member_form(form: MemberForm, certifier_id: int) -> MemberForm:
    rules = get_rules()
    form.qualifications.choices = [(q, rules.qualification_label(q, current_language())) for q in sorted(rules.all_qualification_names)]
    form.certifications.choices = [(c.code, c.code) for c in queries.certifications_of(certifier_id)]
    return form


def _member_values(form: MemberForm) -> dict:
    return {"first_name": form.first_name.data, "last_name": form.last_name.data, "email": form.email.data,
            "gender": Gender(form.gender.data), "qualifications": form.qualifications.data,
            "certification_codes": form.certifications.data, "site": form.site.data, "organisation": form.organisation.data,
            "max_sessions": form.max_sessions.data}


def _member_page(member: JuryMember, form: MemberForm | None = None, tie_form: TieForm | None = None,
                 availability_form: AvailabilityForm | None = None, withdraw_form: WithdrawMemberForm | None = None):
    """A member's page: the member form, ties, availabilities and sessions. The form that was posted
    (the one given) shows its errors, and refusals are tied to its fields."""
    submitted = next((f for f in (form, tie_form, availability_form, withdraw_form) if f is not None), None)
    form = form or _member_form(MemberForm(obj=member, formdata=None), member.certifier_id)
    tie_form = tie_form or TieForm(formdata=None)
    tie_form.candidate.choices = [(str(uid), f"{last} {first} ({ref})") for uid, first, last, ref in queries.tie_candidates(member.certifier_id)]
    return form_page("juries/member_form.html", form, submitted, member=member, tie_form=tie_form, confirm_form=ConfirmForm(formdata=None),
                     availability_form=availability_form or AvailabilityForm(formdata=None),
                     withdraw_form=withdraw_form or WithdrawMemberForm(formdata=None), sittings=queries.sittings_of(member))


def _back_to(member: JuryMember, anchor: str | None = None):
    return redirect(url_for("juries.edit_member", member_id=member.id, _anchor=anchor))


@role_required(*STAFF)
def new_member():
    certifier_id = certifier_in_scope()
    form = _member_form(MemberForm(), certifier_id)
    page = form_page("juries/member_form.html", form, member=None)
    if form.validate_on_submit():
        with unit_of_work():
            member = ops.save_member(current_user, None, certifier_id=certifier_id, **_member_values(form))
        flash(_("Membre %(name)s ajouté au vivier.", name=member.full_name), "success")
        return _back_to(member)
    return page()


@role_required(*STAFF)
def edit_member(member_id: int):
    member = own(JuryMember, member_id)
    form = _member_form(MemberForm(obj=member), member.certifier_id)
    if not form.is_submitted():
        form.gender.data = member.gender.value
        form.certifications.data = [c.code for c in member.certifications]
    page = _member_page(member, form)
    if form.validate_on_submit():
        with unit_of_work():
            ops.save_member(current_user, member, certifier_id=member.certifier_id, expected_version=form.version.data,
                            **_member_values(form))
        flash(_("Membre enregistré."), "success")
        return _back_to(member)
    return page()


def _on_member(member_id: int, change, done: str, anchor: str, slot: str | None = None, form=None):
    """A change posted from a member's page (with ``form``, shown there as ``slot``); back to its section."""
    member = own(JuryMember, member_id)
    if form is not None:
        page = _member_page(member, **{slot: form})  # also fills the form's choices before validation
        if not form.validate():
            return page(422)
    with unit_of_work():
        change(member)
    flash(done, "success")
    return _back_to(member, anchor)


@role_required(*STAFF)
def invite_member(member_id: int):
    """« Inviter à créer son compte »: a refusal (an address another account has) is said on the member's page, beside
    the address."""
    member = own(JuryMember, member_id)
    _member_page(member)
    with unit_of_work():
        invitation = ops.invite_member(current_user, member)
    flash(_("Compte %(de)s%(name)s ouvert : un lien pour choisir son mot de passe est envoyé à %(email)s.", de=de(member.full_name), name=member.full_name,
            email=invitation.account.email) if invitation.opened else _("%(name)s est relié à son compte existant.", name=member.full_name),
          "success")
    return _back_to(member)


@role_required(*STAFF)
def add_tie(member_id: int):
    form = TieForm()
    return _on_member(member_id, lambda member: ops.add_tie(current_user, member, db.session.get(User, int(form.candidate.data)),
                                                            TieKind(form.kind.data), form.note.data),
                      _("Lien déclaré : ce membre ne siègera pas au jury de ce candidat quand la loi l'exclut."), "liens", "tie_form", form)


@role_required(*STAFF)
def delete_tie(member_id: int, tie_id: int):
    return _on_member(member_id, lambda member: ops.remove_tie(current_user, member, tie_id), _("Lien supprimé."), "liens")


@role_required(*STAFF)
def add_availability(member_id: int):
    form = AvailabilityForm()
    return _on_member(member_id, lambda member: ops.add_availability(current_user, member, form.starts_at.data, form.ends_at.data),
                      _("Disponibilité ajoutée."), "disponibilites", "availability_form", form)


@role_required(*STAFF)
def withdraw_member(member_id: int):
    """The member can no longer sit from a date: each of their sessions from then gets the best replacement."""
    member = own(JuryMember, member_id)
    form = WithdrawMemberForm()
    page = _member_page(member, withdraw_form=form)
    if not form.validate():
        return page(422)
    with unit_of_work():
        done = ops.withdraw_member(current_user, member, form.from_day.data, form.reason.data)
    for reference, name in done.replaced:
        flash(_("Session %(reference)s : %(name)s prend sa place.", reference=reference, name=name), "success")
    for reference in done.unresolved:
        flash(_("Session %(reference)s : aucun membre du vivier ne garde le jury conforme ; rouvrez-la pour la recomposer.",
                reference=reference), "error")
    for reference in done.emptied:
        flash(_("Session %(reference)s (en préparation) : aucun remplaçant ne garde le jury conforme ; le siège est laissé à pourvoir.",
                reference=reference), "error")
    if not done.replaced and not done.unresolved and not done.emptied:
        flash(_("Ce membre ne siège dans aucune session à venir à partir de cette date : rien à remplacer."), "info")
    return _back_to(member, "retrait")


@role_required(*STAFF)
def delete_availability(member_id: int, availability_id: int):
    return _on_member(member_id, lambda member: ops.remove_availability(current_user, member, availability_id),
                      _("Disponibilité supprimée."), "disponibilites")


@role_required(*STAFF)
def lift_unavailability(member_id: int, unavailability_id: int):
    return _on_member(member_id, lambda member: ops.lift_unavailability(current_user, member, unavailability_id),
                      _("Indisponibilité levée : le membre peut de nouveau être proposé à ces dates."), "retrait")


@role_required(*STAFF)
def delete_member(member_id: int):
    member = own(JuryMember, member_id)
    return confirmed_removal(_("Supprimer ce membre du vivier ?"), f"{member.full_name} ({member.email})",
                             url_for("juries.edit_member", member_id=member.id), lambda: ops.delete_member(current_user, member),
                             _("Membre supprimé du vivier."), url_for("juries.members"))


@role_required(*STAFF)
def export_members(fmt: str):
    """The pool the filters keep, with the headings the import reads back (« Nom », « Prénom »…)."""
    q, qualification = (request.args.get("q") or "").strip().lower()[:100], request.args.get("qualification") or None
    pool = db.session.scalars(queries.pool(certifier_in_scope(), q, qualification)).all()
    rules, lang = get_rules(), current_language()
    return download(fmt, f"vivier-{clock.today().isoformat()}", [pool_io.HEADERS[lang][c] for c in pool_io.COLUMNS],
                    pool_io.export_rows(pool, lambda q: rules.qualification_label(q, lang)), _("Vivier"), pool_io.WIDTHS)


@role_required(*STAFF)
def import_members():
    """Upload → preview with row errors → confirm. Nothing is saved before the confirmation."""
    certifier_id = certifier_in_scope()
    form, confirm = ImportForm(), ImportConfirmForm()
    page = form_page("juries/import.html", form, rows=None)
    if request.method == "POST" and "payload" in request.form:
        try:
            data = base64.b64decode(confirm.payload.data.encode(), validate=True)
        except (binascii.Error, ValueError):
            abort(400, description="payload : contenu du fichier illisible")
        return _import(confirm.filename.data, data, certifier_id, apply=True)
    if form.validate_on_submit():
        upload = form.file.data
        data, size = documents.read_upload(upload, MAX_IMPORT_BYTES)
        if size > MAX_IMPORT_BYTES:
            raise pool_io.PoolFileError(documents.too_large(size, MAX_IMPORT_BYTES))
        return _import(upload.filename, data, certifier_id, apply=False)
    return page()


@upload_page("juries.import_members", MAX_IMPORT_BYTES)
def _import_form_page():
    if current_user.role not in STAFF:
        raise PermissionDenied(_("Cette page est réservée à la coordination."))
    form_page("juries/import.html", ImportForm(formdata=None), rows=None)


def _import(filename: str, data: bytes, certifier_id: int, apply: bool):
    if len(data) > MAX_IMPORT_BYTES:
        raise pool_io.PoolFileError(documents.too_large(len(data), MAX_IMPORT_BYTES))
    rows = pool_io.validate(pool_io.read_table(filename, data), get_rules().all_qualification_names,
                            {c.code for c in queries.certifications_of(certifier_id)}, pool_io.qualification_words(get_rules()))
    errors = [r for r in rows if not r.ok]
    if apply and not errors:
        with unit_of_work():  # all rows or none
            created, updated = ops.import_members(current_user, certifier_id, [dict(r.values) for r in rows])
        flash(_("Import terminé : membres créés : %(created)s ; mis à jour : %(updated)s.", created=created, updated=updated), "success")
        return redirect(url_for("juries.members"))
    confirm = ImportConfirmForm(formdata=None)
    confirm.filename.data, confirm.payload.data = filename, base64.b64encode(data).decode()
    return render_template("juries/import.html", form=ImportForm(formdata=None), rows=rows, errors=errors, confirm=confirm,
                           existing=queries.members_by_email(certifier_id)), 422 if errors else 200
