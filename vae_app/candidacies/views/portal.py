"""The candidate's screens: starting an application, then filling it in — identity, experience
periods, supporting documents — and writing the validation file, part by part."""
from __future__ import annotations

from io import BytesIO

from flask import flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ... import clock
from ...auth.models import Role
from ...auth.permissions import role_required
from ...certifications.registry import get_rules
from ...certifications.vocabulary import AccessRoute, ExperienceStatus
from ...database import unit_of_work
from ...extensions import db
from ...web.confirm import confirmed_removal
from ...web.errors import form_page, on_refusal, upload_page
from ...web.i18n import current_language
from .. import documents, operations as ops, queries
from ..forms import (
    RELATED_VALUES, ApplicationForm, DocumentForm, ExperienceForm, NewCandidacyForm, SectionForm, feasibility_form_for, feasibility_values,
)
from ..models import DocumentKind
from . import editable, load
from .page import show_page


@role_required(Role.CANDIDATE)
def new():
    today, rules = clock.today(), get_rules()
    offers = queries.open_offers(today)
    form = NewCandidacyForm()
    form.offer.choices = [(f"{cert.code}|{route.value}", f"{cert.code} — {rules.certification(cert.code).title_on(today)} ({route.label})")
                          for cert, route in offers]
    page = form_page("candidacies/new.html", form, offers=offers, successors=_successors(offers))
    if form.validate_on_submit():
        code, route = form.offer.data.split("|")
        with unit_of_work():
            candidacy = ops.create_candidacy(current_user, code, AccessRoute(route))
        flash(_("Votre demande %(ref)s est créée : complétez-la puis déposez-la.", ref=candidacy.reference), "success")
        return redirect(url_for("candidacies.show", candidacy_id=candidacy.id))
    return page()


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


def _back(candidacy, anchor: str):
    return redirect(url_for("candidacies.show", candidacy_id=candidacy.id, _anchor=anchor))


def _on_page(candidacy_id: int, slot: str, form, change, done, anchor: str):
    """A change of the application posted from the candidacy page with ``form`` (shown there as ``slot``): the page
    is shown again with the form's errors, or with an operation's refusal; otherwise back to its section."""
    candidacy = editable(candidacy_id)
    on_refusal(lambda status: show_page(candidacy, status, **{slot: form}), form)
    if not form.validate():
        return show_page(candidacy, 422, **{slot: form})
    with unit_of_work():
        result = change(candidacy)
    flash(done(result) if callable(done) else done, "success")
    return _back(candidacy, anchor)


@login_required
def save_application(candidacy_id: int):
    form = ApplicationForm()
    return _on_page(candidacy_id, "application_form", form,
                    lambda candidacy: ops.save_application(candidacy, current_user, {n: form[n].data for n in ops.APPLICATION_FIELDS},
                                                           expected_version=form.version.data),
                    _("Informations enregistrées."), "demande")


@login_required
def save_feasibility(candidacy_id: int):
    candidacy = editable(candidacy_id)
    cert = get_rules().certification(candidacy.certification.code)
    form = feasibility_form_for(candidacy, cert, current_language(), posted=True)
    return _on_page(candidacy_id, "feasibility_form", form,
                    lambda candidacy: ops.save_feasibility(candidacy, current_user, feasibility_values(form, cert),
                                                           expected_version=form.version.data),
                    _("Dossier de faisabilité enregistré."), "faisabilite")


def _experience_values(form: ExperienceForm) -> dict:
    return {"status": ExperienceStatus(form.status.data), "job_title": form.job_title.data.strip(),
            "organisation": form.organisation.data.strip(), "start": form.start.data, "end_on": form.end_on.data,
            "hours": form.hours.data, "related": RELATED_VALUES[form.related.data], "activities": form.activities.data or None}


@login_required
def add_experience(candidacy_id: int):
    form = ExperienceForm()
    return _on_page(candidacy_id, "experience_form", form,
                    lambda candidacy: ops.add_experience(candidacy, current_user, _experience_values(form)),
                    _("Période d'expérience ajoutée."), "experiences")


@login_required
def edit_experience(candidacy_id: int, experience_id: int):
    candidacy = editable(candidacy_id)
    row = ops.experience_of(candidacy, experience_id)
    form = ExperienceForm(obj=row)
    if not form.is_submitted():
        form.related.data = {value: key for key, value in RELATED_VALUES.items()}[row.related]
        form.status.data = row.status.value
    page = form_page("candidacies/experience_edit.html", form, candidacy=candidacy, row=row)
    if form.validate_on_submit():
        with unit_of_work():
            ops.update_experience(candidacy, current_user, experience_id, _experience_values(form), expected_version=form.version.data)
        flash(_("Période d'expérience modifiée."), "success")
        return _back(candidacy, "experiences")
    return page()


@login_required
def delete_experience(candidacy_id: int, experience_id: int):
    candidacy = editable(candidacy_id)
    row = ops.experience_of(candidacy, experience_id)
    return confirmed_removal(_("Supprimer cette période d'expérience ?"), f"{row.job_title} — {row.organisation} ({row.start:%d/%m/%Y})",
                      url_for("candidacies.show", candidacy_id=candidacy.id, _anchor="experiences"),
                      lambda: ops.remove_experience(candidacy, current_user, experience_id), _("Période d'expérience supprimée."))


@login_required
def upload_document(candidacy_id: int):
    form = DocumentForm()
    editable(candidacy_id)  # whose file it is, before reading what they send
    upload = form.file.data
    data, checked, refusal = checked_upload(upload, documents.EVERY_TYPE)

    def attach(candidacy):
        if refusal is not None:
            raise refusal
        return ops.attach_document(candidacy, current_user, DocumentKind(form.kind.data), upload.filename, data, checked=checked)

    return _on_page(candidacy_id, "document_form", form, attach,
                    lambda document: _("Pièce « %(name)s » déposée.", name=document.original_name), "documents")


@upload_page("candidacies.upload_document", documents.MAX_BYTES)
def _document_form_page(candidacy_id: int):
    candidacy = editable(candidacy_id)
    form = DocumentForm(formdata=None)
    on_refusal(lambda status: show_page(candidacy, status, document_form=form), form)


def checked_upload(upload, accepted: tuple[str, ...]):
    """(bytes, what :func:`documents.check` said of them, its refusal) for a file posted to a form (nothing posted:
    empty, unchecked — the form's own check says so). The file is parsed outside any transaction: on SQLite a writing
    request holds the database's write lock from its first query, and a large PDF takes seconds to read. Nothing is
    pending here; the change begins afresh afterwards."""
    if not upload:
        return b"", None, None
    data, size = documents.read_upload(upload)
    db.session.commit()
    try:
        return data, documents.check(upload.filename, data, size=size, accepted=accepted), None
    except documents.DocumentRefused as refused:
        return data, None, refused


@login_required
def download_document(candidacy_id: int, document_id: int):
    return document_response(ops.document_of(load(candidacy_id), document_id))


def document_response(document):
    """A supporting document as a download under its own name, never shown inline nor kept by a cache."""
    response = send_file(BytesIO(document.content.data), mimetype=document.content_type, as_attachment=True,
                         download_name=document.original_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@login_required
def delete_document(candidacy_id: int, document_id: int):
    candidacy = editable(candidacy_id)
    document = ops.document_of(candidacy, document_id)
    return confirmed_removal(_("Supprimer cette pièce ?"), f"{document.kind.label} — {document.original_name}",
                      url_for("candidacies.show", candidacy_id=candidacy.id, _anchor="documents"),
                      lambda: ops.remove_document(candidacy, current_user, document_id), _("Pièce supprimée."))


@login_required
def save_validation_section(candidacy_id: int, code: str):
    """One component's part of the validation file. Refused (too long, an invisible character…): the page comes back
    with the text as typed in its box and the reason beside it — nothing saved, nothing lost."""
    candidacy = load(candidacy_id)
    form = SectionForm()
    form.code, form.text.id = code, f"text-{code}"  # the box of this component's part, which the error summary links to
    form.text.label.text = f"{form.text.label.text} ({code})"
    on_refusal(lambda status: show_page(candidacy, status, refused_section=form), form)
    ops.validation_component(candidacy, current_user, code)  # whose file, which part, before what they wrote
    if not form.validate():
        return show_page(candidacy, 422, refused_section=form)
    with unit_of_work():
        ops.save_section(candidacy, current_user, code, form.text.data or "")
    flash(_("Partie « %(code)s » enregistrée.", code=code), "success")
    return _back(candidacy, f"composante-{code}")
