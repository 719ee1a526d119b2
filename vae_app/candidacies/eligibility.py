"""A candidacy as the law's rule functions see it: the eligibility engine's input and verdict,
the answer deadline (R3) and what silence means, what the application still lacks."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..certifications.deadlines import AnswerDeadline, answer_deadline, feasibility_deadline
from ..certifications.eligibility import Application, Experience, OtherApplication, Verdict, evaluate_eligibility, implausible
from ..certifications.models import Certification
from ..certifications.rules import RuleBook
from ..audit.models import AuditEvent
from ..dates import short_date
from ..enums import N_
from ..extensions import db
from ..said import translated
from ..web.i18n import current_language
from .models import Candidacy, CandidacyState, FeasibilityModel
from .pathway import governs


def application_for(candidacy: Candidacy, today: date, rules: RuleBook) -> Application:
    """The candidacy as the eligibility engine's input.

    Before submission the receipt date is taken as today (a pre-check of
    what the rules would say if it were received now).
    """
    received = candidacy.received_on or today
    filed = (select(func.min(AuditEvent.id)).where(AuditEvent.candidacy_id == Candidacy.id, AuditEvent.event == "submit")
             .correlate(Candidacy).scalar_subquery())  # the order of filing, for applications received the same day
    rows = db.session.execute(  # the candidate's applications, this one included (for its own order of filing)
        select(Candidacy.id, Candidacy.received_on, Certification.code, filed.label("filed"), Candidacy.target_components, Candidacy.state,
               Candidacy.decided_on).join(Certification)
        .where(Candidacy.candidate_id == candidacy.candidate_id,
               (Candidacy.id == candidacy.id) | Candidacy.received_on.is_not(None))
    ).all()
    own = next((row.filed for row in rows if row.id == candidacy.id), None)
    others = [row for row in rows if row.id != candidacy.id]

    def filed_earlier(day: date, order: int | None) -> bool | None:
        if day != received:
            return None
        if own is None:  # not filed yet: every application already received that day came first
            return True
        return None if order is None else order < own
    return Application(
        certification=candidacy.certification.code,
        route=candidacy.route,
        received_on=received,
        experiences=tuple(Experience(e.status, e.start, e.end_on, e.hours, e.related) for e in candidacy.experiences),
        other_applications=tuple(OtherApplication(row.code, row.received_on, blocs_only=_blocs_only(row, rules),
                                                  refiling_after_lapse=_represented(row, candidacy),
                                                  filed_earlier=filed_earlier(row.received_on, row.filed)) for row in others),
        certifier_code=candidacy.certification.certifier.code,
        complete_on=candidacy.complete_on if candidacy.received_on else None,
        birth_date=candidacy.birth_date,
        pathway_started_on=candidacy.pathway_started_on,
        target_components=tuple(candidacy.target_components) if candidacy.target_components is not None else None,
        component_gaps=dict(candidacy.component_gaps) if candidacy.component_gaps is not None else None,
        in_initial_training_for=None if candidacy.in_initial_training is None
        else ((candidacy.certification.code,) if candidacy.in_initial_training else ()),
    )


def _blocs_only(row, rules: RuleBook) -> bool:
    """Whether another application targeted blocs only (R6412-3 al. 3): its target as recorded (none: the whole
    certification, the only target before the reform)."""
    return row.target_components is not None and rules.certification(row.code).option_targeted(row.target_components) is None


def _represented(row, candidacy: Candidacy) -> bool:
    """Whether ``candidacy`` presents again, for the same certification (the same référentiel: a new référentiel is a
    new RNCP code), an application whose admissibility lapsed before any jury (R6412-4: the filing limit cannot be
    opposed to it)."""
    return row.code == candidacy.certification.code and row.state is CandidacyState.LAPSED and row.decided_on is None


def verdict_for(candidacy: Candidacy, rules: RuleBook, today: date) -> Verdict:
    return evaluate_eligibility(application_for(candidacy, today, rules), rules)


def answer_deadline_of(candidacy: Candidacy, rules: RuleBook) -> AnswerDeadline | None:
    """R3 for a received application: 2 months after it became complete; None before receipt."""
    if candidacy.received_on is None:
        return None
    cert = rules.certification(candidacy.certification.code)
    started = candidacy.pathway_started_on or candidacy.received_on
    feasibility = rules.law["feasibility_answer"].at(started)
    if cert.reform_governs(feasibility, started):  # N5: France VAE notifies the file admissible when the certifier is silent
        return feasibility_deadline(feasibility, candidacy.received_on, candidacy.complete_on)
    return answer_deadline(rules.law, candidacy.received_on, candidacy.complete_on, candidacy.certification.certifier.code,
                           cert.certifier_kind)


REQUIRED_FIELDS = {
    "birth_date": N_("date de naissance"),
    "birth_place": N_("lieu de naissance"),
    "nationality": N_("nationalité"),
    "address": N_("adresse"),
}


def application_gaps(candidacy: Candidacy, rules: RuleBook, today: date) -> list[str]:
    """What the application still lacks before it can be filed (CERFA 12818), in the reader's language."""
    gaps = [_("Champ obligatoire non renseigné : %(field)s.", field=_(label)) for name, label in REQUIRED_FIELDS.items()
            if not getattr(candidacy, name)]
    if not candidacy.experiences:
        gaps.append(_("Déclarez au moins une période d'expérience."))
    for index, period in enumerate(candidacy.experiences, 1):
        engine_period = Experience(period.status, period.start, period.end_on, period.hours, period.related)
        for _field, reason in implausible(engine_period, candidacy.received_on or today, candidacy.birth_date, rules.law):
            gaps.append(_("Période %(index)s (%(title)s) : %(reason)s.", index=index, title=period.job_title or period.status.label,
                          reason=translated(reason, _, current_language())))
    if not candidacy.sworn_statement:
        gaps.append(_("Cochez la déclaration sur l'honneur (une seule demande pour cette certification cette année civile, "
                      "trois au plus)."))
    cert = rules.certification(candidacy.certification.code)
    day = candidacy.received_on or today
    gaps += feasibility_gaps(candidacy, rules, today)
    if not cert.is_registered_on(day):
        gaps.append(_("%(code)s n'est pas enregistrée au RNCP le %(day)s : elle ne peut pas être demandée.", code=cert.code,
                      day=short_date(day)))
    else:
        route = cert.route_on(candidacy.route, day)
        if route is None or not route.open:
            gaps.append(_("La voie « %(route)s » n'est pas ouverte pour %(code)s le %(day)s.", route=candidacy.route.label,
                          code=cert.code, day=short_date(day)))
    return gaps


def feasibility_gaps(candidacy: Candidacy, rules: RuleBook, today: date) -> list[str]:
    """What the feasibility file still lacks, on a pathway that follows R6412-3 (N4): its model, and the accompanier and
    their opinion when there is one."""
    if governs(candidacy, rules, "feasibility_file", today) is not True:
        return []
    gaps = []
    if candidacy.feasibility_model is None:
        gaps.append(_("Dossier de faisabilité : indiquez s'il est établi avec ou sans accompagnement."))
    elif candidacy.feasibility_model is FeasibilityModel.WITH_ACCOMPANIER:
        if not (candidacy.accompanier or "").strip():
            gaps.append(_("Dossier de faisabilité : indiquez l'accompagnateur (organisme ou personne)."))
        if not (candidacy.accompanier_opinion or "").strip():
            gaps.append("Dossier de faisabilité : l'avis de l'accompagnateur sur le dossier y figure (C. trav. R6412-2).")
    return gaps  # the option of a whole certification with options is the pre-check's question (N1)
