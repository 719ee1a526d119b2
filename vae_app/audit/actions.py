"""What an audit row records: the kind of record changed (:class:`Entity`) and the change
(:class:`Action`, or a workflow move's name for a candidacy's moves), each with its
label for the history pages."""
from __future__ import annotations

from ..enums import N_, LabelledEnum


class Entity(LabelledEnum):
    CANDIDACY = "candidacy", N_("Dossier")
    USER = "user", N_("Compte")
    JURY_MEMBER = "jury_member", N_("Membre du vivier")
    JURY_SESSION = "jury_session", N_("Session de jury")
    PLANNING_RUN = "planning_run", N_("Campagne de planification")
    ACQUIRED_COMPONENT = "acquired_component", N_("Composante acquise")
    EMAIL = "email", N_("Courriel")


class Action(LabelledEnum):
    """Every change that is not a workflow move (those are recorded under the move's name)."""

    # candidacies
    CREATE = "create", N_("Création du dossier")
    UPDATE_APPLICATION = "update_application", N_("Demande modifiée")
    UPDATE_FEASIBILITY = "update_feasibility", N_("Dossier de faisabilité modifié")
    REVIEW_FEASIBILITY = "review_feasibility", N_("Écarts et recommandations du certificateur consignés")
    FRANCEVAE_PULLED = "francevae_pulled", N_("Reçu de France VAE")
    FRANCEVAE_CONFLICT = "francevae_conflict", N_("Modifié à la fois ici et sur France VAE")
    FRANCEVAE_QUEUED = "francevae_queued", N_("Envoi à France VAE préparé")
    FRANCEVAE_SENT = "francevae_sent", N_("Reçu par France VAE")
    FRANCEVAE_RETRY = "francevae_retry", N_("Envoi à France VAE à reprendre")
    FRANCEVAE_FAILED = "francevae_failed", N_("Envoi à France VAE en échec")
    ADD_EXPERIENCE = "add_experience", N_("Période d'expérience ajoutée")
    UPDATE_EXPERIENCE = "update_experience", N_("Période d'expérience modifiée")
    REMOVE_EXPERIENCE = "remove_experience", N_("Période d'expérience supprimée")
    ATTACH_DOCUMENT = "attach_document", N_("Pièce déposée")
    REMOVE_DOCUMENT = "remove_document", N_("Pièce supprimée")
    SAVE_SECTION = "save_section", N_("Dossier de validation modifié")
    ATTACH_VALIDATION_DOCUMENT = "attach_validation_document", N_("Document joint au dossier de validation")
    REMOVE_VALIDATION_DOCUMENT = "remove_validation_document", N_("Document retiré du dossier de validation")
    REMIND_DOCUMENTS = "remind_documents", N_("Relance : pièces demandées")
    DECISION_NOTIFIED = "decision_notified", N_("Décision du jury notifiée au candidat (courriel remis)")
    PRIVACY_PURGE = "privacy_purge", N_("Données personnelles effacées")
    # accounts
    REGISTER = "register", N_("Inscription")
    SIGN_OUT = "sign_out", N_("Déconnexion (toutes les sessions)")
    CHANGE_PASSWORD = "change_password", N_("Mot de passe changé")
    EMAIL_BOUNCED = "email_bounced", N_("Adresse électronique refusée définitivement par le serveur de messagerie")
    EMAIL_RESENT = "email_resent", N_("Courriel renvoyé")
    CHANGE_LANGUAGE = "change_language", N_("Langue des messages changée")
    CONFIRM_EMAIL = "confirm_email", N_("Adresse électronique confirmée")
    REQUEST_EMAIL_CONFIRMATION = "request_email_confirmation", N_("Lien de confirmation de l'adresse demandé à nouveau")
    CREATE_ACCOUNT = "create_account", N_("Compte ouvert (lien envoyé pour choisir le mot de passe)")
    UPDATE_ACCOUNT = "update_account", N_("Compte modifié")
    DEACTIVATE_ACCOUNT = "deactivate_account", N_("Compte désactivé")
    REACTIVATE_ACCOUNT = "reactivate_account", N_("Compte réactivé")
    # the member pool
    CREATE_MEMBER = "create_member", N_("Membre créé")
    UPDATE_MEMBER = "update_member", N_("Membre modifié")
    DELETE_MEMBER = "delete_member", N_("Membre supprimé")
    INVITE_MEMBER = "invite_member", N_("Membre invité à créer son compte")
    LINK_MEMBER = "link_member", N_("Membre relié à son compte existant")
    ADD_TIE = "add_tie", N_("Lien déclaré")
    REMOVE_TIE = "remove_tie", N_("Lien supprimé")
    ADD_AVAILABILITY = "add_availability", N_("Disponibilité ajoutée")
    REMOVE_AVAILABILITY = "remove_availability", N_("Disponibilité supprimée")
    RECORD_UNAVAILABILITY = "record_unavailability", N_("Indisponibilité enregistrée")
    LIFT_UNAVAILABILITY = "lift_unavailability", N_("Indisponibilité levée")
    # sessions
    CREATE_SESSION = "create_session", N_("Session créée")
    UPDATE_SESSION = "update_session", N_("Session modifiée")
    DELETE_SESSION = "delete_session", N_("Session supprimée")
    ADD_MEMBER = "add_member", N_("Membre ajouté au jury")
    REMOVE_MEMBER = "remove_member", N_("Membre retiré du jury")
    WITHDRAW_MEMBER = "withdraw_member", N_("Membre retiré de ses sessions à partir d'une date")
    INVITE_TO_JURY = "invite_to_jury", N_("Membre invité à siéger")
    ANSWER_INVITATION = "answer_invitation", N_("Réponse à une invitation à siéger")
    REMIND_INVITATION = "remind_invitation", N_("Invitation à siéger rappelée")
    DECLARE_TIES = "declare_ties", N_("Liens avec les candidats déclarés par un membre")
    READ_BY_JURY = "read_by_jury", N_("Dossier consulté par un membre du jury")
    SAVE_NOTES = "save_notes", N_("Notes d'évaluation d'un membre du jury")
    REPLACE_MEMBER = "replace_member", N_("Membre du jury remplacé (session confirmée)")
    REOPEN_SESSION = "reopen_session", N_("Session à confirmer de nouveau")
    RECORD_GENDER_EXCEPTION = "record_gender_exception", N_("Motif d'un jury d'un seul genre consigné")
    CLEAR_GENDER_EXCEPTION = "clear_gender_exception", N_("Motif d'un jury d'un seul genre retiré")
    ADD_CANDIDATE = "add_candidate", N_("Dossier ajouté à la session")
    REMOVE_CANDIDATE = "remove_candidate", N_("Dossier retiré de la session")
    CONFIRM_SESSION = "confirm_session", N_("Session confirmée")
    HOLD_SESSION = "hold_session", N_("Session tenue (décisions enregistrées)")
    # planning campaigns
    START_PLANNING = "start_planning", N_("Planification lancée")
    CANCEL_PLANNING = "cancel_planning", N_("Planification annulée")
    FAIL_PLANNING = "fail_planning", N_("Planification interrompue")
    APPLY_PLANNING = "apply_planning", N_("Plan appliqué")
    REPAIR_PLANNING = "repair_planning", N_("Campagne réparée")
    # components
    RECOMPUTE_EXPIRY = "recompute_expiry", N_("Date d'expiration recalculée")
