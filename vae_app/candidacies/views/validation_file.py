"""The validation file's documents (livret 2): the candidate attaches PDFs to each component's part — a « mémoire »,
a report — with the checks of every upload, and takes back those not yet filed. Reading them is the candidacy's own
document download (:func:`.portal.download_document`)."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...certifications.registry import get_rules
from ...database import unit_of_work
from ...web.confirm import confirmed_removal
from ...web.errors import on_refusal, upload_page
from .. import documents, operations as ops
from ..forms import validation_document_form
from . import load
from .page import show_page
from .portal import checked_upload


def component_name(candidacy, code: str) -> str:
    """« PILOTAGE — Pilotage stratégique… »: a component as people read it, never its code alone."""
    component = get_rules().certification(candidacy.certification.code).component(code)
    return f"{component.code} — {component.title}" if component else code


@login_required
def upload_validation_document(candidacy_id: int, code: str):
    candidacy = load(candidacy_id)
    ops.validation_component(candidacy, current_user, code)  # whose file, which part, before reading what they send
    form = validation_document_form(code, posted=True)
    on_refusal(lambda status: show_page(candidacy, status, validation_document_forms={code: form}), form)
    if not form.validate():
        return show_page(candidacy, 422, validation_document_forms={code: form})
    data, checked, refusal = checked_upload(form.file.data, documents.PDF_ONLY)
    if refusal is not None:
        raise refusal
    with unit_of_work():
        document = ops.attach_validation_document(candidacy, current_user, code, form.file.data.filename, data, checked=checked)
    flash(_("Document « %(name)s » joint à la partie « %(component)s ».", name=document.original_name,
            component=component_name(candidacy, code)), "success")
    return redirect(url_for("candidacies.show", candidacy_id=candidacy.id, _anchor=f"composante-{code}"))


@upload_page("candidacies.upload_validation_document", documents.MAX_BYTES)
def _upload_form_page(candidacy_id: int, code: str):
    candidacy = load(candidacy_id)
    ops.validation_component(candidacy, current_user, code)
    form = validation_document_form(code)
    on_refusal(lambda status: show_page(candidacy, status, validation_document_forms={code: form}), form)


@login_required
def delete_validation_document(candidacy_id: int, document_id: int):
    candidacy = load(candidacy_id)
    document = ops.validation_document_of(candidacy, current_user, document_id)
    code = document.component_code
    return confirmed_removal(_("Retirer ce document du dossier de validation ?"), f"{component_name(candidacy, code)} — {document.original_name}",
                             url_for("candidacies.show", candidacy_id=candidacy.id, _anchor=f"composante-{code}"),
                             lambda: ops.remove_validation_document(candidacy, current_user, document_id),
                             _("Document retiré du dossier de validation."),
                             refusal=_("Ce document a été déposé avec le dossier de validation le %(day)s : il y reste. Joignez-en une "
                                       "nouvelle version si besoin.", day=f"{document.filed_on:%d/%m/%Y}") if document.filed_on else None)
