"""Every route of the jury domain, in one place: the member pool, sessions and the assembly
screen, decisions, documents, planning campaigns (views by screen in :mod:`.views`)."""
from __future__ import annotations

from flask import Blueprint

from .views import campaign_repair, campaigns, decisions, documents, exports, invitations, member_space, pool, sessions

bp = Blueprint("juries", __name__, url_prefix="/jurys")
GET_POST, POST = ("GET", "POST"), ("POST",)

# the member pool
bp.add_url_rule("/membres", "members", pool.members)
bp.add_url_rule("/membres/nouveau", "new_member", pool.new_member, methods=GET_POST)
bp.add_url_rule("/membres/<int:member_id>", "edit_member", pool.edit_member, methods=GET_POST)
bp.add_url_rule("/membres/<int:member_id>/inviter", "invite_member", pool.invite_member, methods=POST)
bp.add_url_rule("/membres/<int:member_id>/liens", "add_tie", pool.add_tie, methods=POST)
bp.add_url_rule("/membres/<int:member_id>/liens/<int:tie_id>/supprimer", "delete_tie", pool.delete_tie, methods=POST)
bp.add_url_rule("/membres/<int:member_id>/disponibilites", "add_availability", pool.add_availability, methods=POST)
bp.add_url_rule("/membres/<int:member_id>/retrait", "withdraw_member", pool.withdraw_member, methods=POST)
bp.add_url_rule("/membres/<int:member_id>/disponibilites/<int:availability_id>/supprimer", "delete_availability",
                pool.delete_availability, methods=POST)
bp.add_url_rule("/membres/<int:member_id>/indisponibilites/<int:unavailability_id>/lever", "lift_unavailability",
                pool.lift_unavailability, methods=POST)
bp.add_url_rule("/membres/<int:member_id>/supprimer", "delete_member", pool.delete_member, methods=GET_POST)
bp.add_url_rule("/membres/export.<fmt>", "export_members", pool.export_members)
bp.add_url_rule("/membres/import", "import_members", pool.import_members, methods=GET_POST)

# sessions and the assembly screen
bp.add_url_rule("/sessions", "sessions", sessions.sessions)
bp.add_url_rule("/sessions.<any(csv, xlsx):fmt>", "sessions_export", exports.sessions_export)
bp.add_url_rule("/sessions/<int:session_id>/<any(membres, candidats):kind>.<any(csv, xlsx):fmt>", "session_export",
                exports.session_export)
bp.add_url_rule("/sessions/nouvelle", "new_session", sessions.new_session, methods=GET_POST)
bp.add_url_rule("/sessions/<int:session_id>/modifier", "edit_session", sessions.edit_session, methods=GET_POST)
bp.add_url_rule("/sessions/<int:session_id>/supprimer", "delete_session", sessions.delete_session, methods=GET_POST)
bp.add_url_rule("/sessions/<int:session_id>", "session", sessions.session)
bp.add_url_rule("/sessions/<int:session_id>/membres", "add_seat", sessions.add_seat, methods=POST)
bp.add_url_rule("/sessions/<int:session_id>/membres/<int:member_id>/retirer", "remove_seat", sessions.remove_seat, methods=POST)
bp.add_url_rule("/sessions/<int:session_id>/membres/<int:member_id>/remplacer", "replace_seat", sessions.replace_seat, methods=GET_POST)
bp.add_url_rule("/sessions/<int:session_id>/candidats", "add_session_candidate", sessions.add_session_candidate, methods=POST)
bp.add_url_rule("/sessions/<int:session_id>/candidats/<int:candidacy_id>/retirer", "remove_session_candidate",
                sessions.remove_session_candidate, methods=POST)
bp.add_url_rule("/sessions/<int:session_id>/confirmer", "confirm_session", sessions.confirm_session, methods=POST)
bp.add_url_rule("/sessions/<int:session_id>/rouvrir", "reopen_session", sessions.reopen_session, methods=POST)
bp.add_url_rule("/sessions/<int:session_id>/inviter", "invite_session", invitations.invite_session, methods=POST)
bp.add_url_rule("/sessions/<int:session_id>/parite", "record_gender_exception", sessions.record_gender_exception, methods=POST)

# decisions and documents
bp.add_url_rule("/sessions/<int:session_id>/decisions", "decisions", decisions.decisions, methods=GET_POST)
bp.add_url_rule("/sessions/<int:session_id>/convocations/candidats/<int:candidacy_id>.pdf", "convocation_candidate",
                documents.convocation_candidate)
bp.add_url_rule("/sessions/<int:session_id>/convocations/membres/<int:member_id>.pdf", "convocation_member",
                documents.convocation_member)
bp.add_url_rule("/sessions/<int:session_id>/invitation.ics", "invitation", documents.invitation)
bp.add_url_rule("/sessions/<int:session_id>/proces-verbal.pdf", "minutes", documents.minutes)

# planning campaigns
bp.add_url_rule("/campagnes", "campaigns", campaigns.campaigns, methods=GET_POST)
bp.add_url_rule("/campagnes/<int:run_id>", "campaign_run", campaigns.campaign_run)
bp.add_url_rule("/campagnes/<int:run_id>/annuler", "cancel_campaign", campaigns.cancel_campaign, methods=POST)
bp.add_url_rule("/campagnes/<int:run_id>/appliquer", "apply_campaign", campaigns.apply_campaign, methods=POST)
bp.add_url_rule("/campagnes/<int:run_id>/reparer", "repair_campaign", campaign_repair.repair_campaign, methods=GET_POST)
bp.add_url_rule("/campagnes/<int:run_id>/inviter", "invite_campaign", invitations.invite_campaign, methods=POST)
bp.add_url_rule("/campagnes/<int:run_id>/<kind>.json", "campaign_export", campaigns.campaign_export)

# invitations to sit: the e-mail's link (no password), the member's space
bp.add_url_rule("/invitation/<token>", "answer_by_link", invitations.answer_by_link, methods=GET_POST)
bp.add_url_rule("/mes-invitations/<int:invitation_id>", "answer_in_space", invitations.answer_in_space, methods=POST)

# a member's own pages on a confirmed session of theirs
bp.add_url_rule("/sessions/<int:session_id>/liens", "declare_ties", member_space.declare_ties, methods=POST)
bp.add_url_rule("/sessions/<int:session_id>/dossiers/<int:candidacy_id>", "member_file", member_space.read_file)
bp.add_url_rule("/sessions/<int:session_id>/dossiers/<int:candidacy_id>/pieces/<int:document_id>", "member_document",
                member_space.read_document)
bp.add_url_rule("/sessions/<int:session_id>/dossiers/<int:candidacy_id>/notes", "save_notes", member_space.save_notes, methods=POST)
bp.add_url_rule("/mon-espace", "own_space", member_space.own_space)
bp.add_url_rule("/mon-espace/disponibilites", "declare_availability", member_space.declare_availability, methods=POST)
bp.add_url_rule("/mon-espace/disponibilites/<int:availability_id>/retirer", "withdraw_availability",
                member_space.withdraw_availability, methods=POST)
bp.add_url_rule("/mon-espace/preferences", "save_preferences", member_space.save_preferences, methods=POST)
