"""Every route of the candidacy domain, in one place: the candidate portal, the
candidacy page with its workflow moves, the coordinator's desk, the workflow diagram."""
from __future__ import annotations

from flask import Blueprint

from .views import desk, exports, page, portal, validation_file

bp = Blueprint("candidacies", __name__)
GET_POST = ("GET", "POST")

# the candidate's application (livret 1) and validation file (livret 2)
bp.add_url_rule("/candidatures/nouvelle", "new", portal.new, methods=GET_POST)
bp.add_url_rule("/candidatures/<int:candidacy_id>/demande", "save_application", portal.save_application, methods=("POST",))
bp.add_url_rule("/candidatures/<int:candidacy_id>/faisabilite", "save_feasibility", portal.save_feasibility, methods=("POST",))
bp.add_url_rule("/candidatures/<int:candidacy_id>/ecarts", "save_feasibility_review", page.save_feasibility_review, methods=("POST",))
bp.add_url_rule("/candidatures/<int:candidacy_id>/experiences", "add_experience", portal.add_experience, methods=("POST",))
bp.add_url_rule("/candidatures/<int:candidacy_id>/experiences/<int:experience_id>", "edit_experience", portal.edit_experience,
                methods=GET_POST)
bp.add_url_rule("/candidatures/<int:candidacy_id>/experiences/<int:experience_id>/supprimer", "delete_experience",
                portal.delete_experience, methods=GET_POST)
bp.add_url_rule("/candidatures/<int:candidacy_id>/documents", "upload_document", portal.upload_document, methods=("POST",))
bp.add_url_rule("/candidatures/<int:candidacy_id>/documents/<int:document_id>", "download_document", portal.download_document)
bp.add_url_rule("/candidatures/<int:candidacy_id>/documents/<int:document_id>/supprimer", "delete_document",
                portal.delete_document, methods=GET_POST)
bp.add_url_rule("/candidatures/<int:candidacy_id>/dossier/<code>", "save_validation_section", portal.save_validation_section,
                methods=("POST",))
bp.add_url_rule("/candidatures/<int:candidacy_id>/dossier/<code>/documents", "upload_validation_document",
                validation_file.upload_validation_document, methods=("POST",))
bp.add_url_rule("/candidatures/<int:candidacy_id>/dossier/documents/<int:document_id>/supprimer", "delete_validation_document",
                validation_file.delete_validation_document, methods=GET_POST)

# the candidacy page and its moves
bp.add_url_rule("/candidatures/<int:candidacy_id>", "show", page.show)
bp.add_url_rule("/candidatures/<int:candidacy_id>/precontrole.json", "precheck", page.precheck)
bp.add_url_rule("/candidatures/<int:candidacy_id>/decision-recevabilite.pdf", "eligibility_letter", page.eligibility_letter)
bp.add_url_rule("/candidatures/<int:candidacy_id>/attestation.pdf", "attestation", page.attestation)
bp.add_url_rule("/candidatures/<int:candidacy_id>/retrait.pdf", "withdrawal_letter", page.withdrawal_letter)
bp.add_url_rule("/candidatures/<int:candidacy_id>/actions/<move>", "move", page.move, methods=("POST",))
bp.add_url_rule("/candidatures/<int:candidacy_id>/relance", "remind_documents", page.remind_documents, methods=("POST",))

# the coordinator's desk, the workflow for everyone
bp.add_url_rule("/coordination/candidatures", "queue", desk.queue)
bp.add_url_rule("/coordination/candidatures.<any(csv, xlsx):fmt>", "queue_export", exports.queue_export)
bp.add_url_rule("/workflow", "workflow_diagram", desk.workflow_diagram)
