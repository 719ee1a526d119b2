"""Closed vocabularies of the domain (DOMAIN.md §2 and §6), as enums with French labels."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..database import LabelledEnum


class AccessRoute(LabelledEnum):
    """Voies d'accès à la certification (the six RNCP routes)."""

    INITIAL_EDUCATION = "initial_education", _l("Formation initiale (élève ou étudiant)")
    APPRENTICESHIP = "apprenticeship", _l("Contrat d'apprentissage")
    CONTINUING_EDUCATION = "continuing_education", _l("Formation continue")
    PROFESSIONALISATION_CONTRACT = "professionalisation_contract", _l("Contrat de professionnalisation")
    INDIVIDUAL_APPLICATION = "individual_application", _l("Candidature individuelle")
    VAE = "vae", _l("Validation des acquis de l'expérience (VAE)")


class ExperienceStatus(LabelledEnum):
    """Statut de la période d'expérience (CERFA 12818)."""

    SALARIED = "salaried", _l("Salarié")
    SELF_EMPLOYED = "self_employed", _l("Non salarié (indépendant)")
    VOLONTARIAT = "volontariat", _l("Volontariat")
    HIGH_LEVEL_ATHLETE = "high_level_athlete", _l("Sportif de haut niveau")
    VOLUNTEER = "volunteer", _l("Bénévole")
    UNION = "union", _l("Responsabilités syndicales")
    ELECTED_OFFICE = "elected_office", _l("Mandat électoral local")
    APPRENTICESHIP = "apprenticeship", _l("Apprentissage")
    PROFESSIONALISATION_CONTRACT = "professionalisation_contract", _l("Contrat de professionnalisation")
    SUBSIDISED_CONTRACT = "subsidised_contract", _l("Contrat aidé")
    PMSMP = "pmsmp", _l("Période de mise en situation en milieu professionnel (PMSMP)")
    POE = "poe", _l("Préparation opérationnelle à l'emploi (POE)")
    WORK_PLACEMENT = "work_placement", _l("Période de formation en milieu professionnel")
    INTERNSHIP = "internship", _l("Stage")


class Gender(LabelledEnum):
    FEMALE = "F", _l("Femme")
    MALE = "M", _l("Homme")
