"""Closed vocabularies of the domain (DOMAIN.md §2 and §6), as enums with French labels.

Pure: the rule engines import them (see :mod:`vae_app.enums`)."""
from __future__ import annotations

from ..enums import N_, LabelledEnum


class AccessRoute(LabelledEnum):
    """Voies d'accès à la certification (the six RNCP routes)."""

    INITIAL_EDUCATION = "initial_education", N_("Formation initiale (élève ou étudiant)"), N_("formation initiale")
    APPRENTICESHIP = "apprenticeship", N_("Contrat d'apprentissage"), N_("apprentissage")
    CONTINUING_EDUCATION = "continuing_education", N_("Formation continue"), N_("formation continue")
    PROFESSIONALISATION_CONTRACT = ("professionalisation_contract", N_("Contrat de professionnalisation"),
                                    N_("contrat de professionnalisation"))
    INDIVIDUAL_APPLICATION = "individual_application", N_("Candidature individuelle"), N_("candidature individuelle")
    VAE = "vae", N_("Validation des acquis de l'expérience (VAE)"), N_("VAE")


class ExperienceStatus(LabelledEnum):
    """Statut de la période d'expérience (CERFA 12818)."""

    SALARIED = "salaried", N_("Salarié")
    SELF_EMPLOYED = "self_employed", N_("Non salarié (indépendant)")
    VOLONTARIAT = "volontariat", N_("Volontariat")
    HIGH_LEVEL_ATHLETE = "high_level_athlete", N_("Sportif de haut niveau")
    VOLUNTEER = "volunteer", N_("Bénévole")
    UNION = "union", N_("Responsabilités syndicales")
    ELECTED_OFFICE = "elected_office", N_("Mandat électoral local")
    APPRENTICESHIP = "apprenticeship", N_("Apprentissage")
    PROFESSIONALISATION_CONTRACT = "professionalisation_contract", N_("Contrat de professionnalisation")
    SUBSIDISED_CONTRACT = "subsidised_contract", N_("Contrat aidé")
    PMSMP = "pmsmp", N_("Période de mise en situation en milieu professionnel (PMSMP)")
    POE = "poe", N_("Préparation opérationnelle à l'emploi (POE)")
    WORK_PLACEMENT = "work_placement", N_("Période de formation en milieu professionnel")
    INTERNSHIP = "internship", N_("Stage")


class Gender(LabelledEnum):
    FEMALE = "F", N_("Femme")
    MALE = "M", N_("Homme")


class Outcome(LabelledEnum):
    """The result of one rule check, for eligibility and jury composition alike: a fact missing
    gives ``unknown`` — never a silent pass or fail."""

    PASS = "pass", N_("conforme")
    FAIL = "fail", N_("non conforme")
    UNKNOWN = "unknown", N_("indéterminé")

    @staticmethod
    def overall(outcomes) -> bool | None:
        """False when any check fails, None when none fails but one is unknown, True when all pass."""
        found = set(outcomes)
        return False if Outcome.FAIL in found else None if Outcome.UNKNOWN in found else True


class DecisionOutcome(LabelledEnum):
    """What the jury records for a candidate (D1): a decision on the candidacy — total validation, partial
    validation (the jury says what remains), refusal — or the candidate's absence, which decides nothing."""

    FULL = "full", N_("Validation totale")
    PARTIAL = "partial", N_("Validation partielle")
    REFUSED = "refused", N_("Refus")
    ABSENT = "absent", N_("Absent")
    EXCUSED = "excused", N_("Excusé")

    @property
    def decides(self) -> bool:
        """True for a decision on the candidacy; False for an absence (it waits for another session)."""
        return self in (DecisionOutcome.FULL, DecisionOutcome.PARTIAL, DecisionOutcome.REFUSED)
