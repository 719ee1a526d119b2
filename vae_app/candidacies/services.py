"""What the workflow and the pages need to know about a candidacy, computed from
its rows and the rules: the eligibility verdict, the answer deadline, the
components still to assess, what is missing from the application."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..certifications.eligibility import (
    Application, Experience, OtherApplication, Verdict, add_months, evaluate_eligibility, silence_rule,
)
from ..certifications.rules import Component, RuleBook
from ..extensions import db
from .models import Candidacy, CandidacyState as S


def application_for(candidacy: Candidacy, today: date) -> Application:
    """The candidacy as the eligibility engine's input.

    Before submission the receipt date is taken as today (a pre-check of
    what the rules would say if it were received now).
    """
    received = candidacy.received_on or today
    others = db.session.execute(
        select(Candidacy.received_on, Candidacy.certification_id)
        .where(Candidacy.candidate_id == candidacy.candidate_id, Candidacy.id != candidacy.id,
               Candidacy.received_on.is_not(None))
    ).all()
    codes = _certification_codes({cert_id for _, cert_id in others})
    return Application(
        certification=candidacy.certification.code,
        route=candidacy.route,
        received_on=received,
        experiences=tuple(
            Experience(e.status, e.start, e.end_on, e.hours, e.related) for e in candidacy.experiences
        ),
        other_applications=tuple(OtherApplication(codes[cert_id], day) for day, cert_id in others),
        certifier_code=candidacy.certification.certifier.code,
    )


def _certification_codes(ids: set[int]) -> dict[int, str]:
    from ..certifications.models import Certification

    if not ids:
        return {}
    return dict(db.session.execute(select(Certification.id, Certification.code).where(Certification.id.in_(ids))).all())


def verdict_for(candidacy: Candidacy, rules: RuleBook, today: date) -> Verdict:
    return evaluate_eligibility(application_for(candidacy, today), rules)


def answer_deadline(candidacy: Candidacy, rules: RuleBook):
    """(due date, silence meaning, rule id, source): 2 months after the complete application (R3)."""
    if candidacy.received_on is None:
        return None, None, None, None
    law = rules.law
    entry = law["answer_deadline"].at(candidacy.received_on)
    if entry is None:
        return None, None, None, None
    due = add_months(candidacy.complete_on or candidacy.received_on, entry.value["months"])
    meaning, rule, source = silence_rule(law, candidacy.received_on, candidacy.certification.certifier.code)
    return due, meaning, rule, source


def components_to_assess(candidacy: Candidacy, rules: RuleBook, today: date) -> list[Component]:
    """The certification's components not already acquired and still valid (those are carried over)."""
    acquired = {a.component_code for a in candidacy.acquired_components if a.is_valid_on(today)}
    return [c for c in rules.certification(candidacy.certification.code).components if c.code not in acquired]


def section_texts(candidacy: Candidacy) -> dict[str, str]:
    return {s.component_code: s.text for s in candidacy.validation_sections}


REQUIRED_FIELDS = {
    "birth_date": "date de naissance",
    "birth_place": "lieu de naissance",
    "nationality": "nationalité",
    "address": "adresse",
}


def application_gaps(candidacy: Candidacy, rules: RuleBook, today: date) -> list[str]:
    """What the application still lacks before it can be filed (CERFA 12818)."""
    gaps = [f"Champ obligatoire non renseigné : {label}." for name, label in REQUIRED_FIELDS.items()
            if not getattr(candidacy, name)]
    if not candidacy.experiences:
        gaps.append("Déclarez au moins une période d'expérience.")
    if not candidacy.sworn_statement:
        gaps.append("Cochez la déclaration sur l'honneur (une seule demande pour cette certification cette année civile, trois au plus).")
    cert = rules.certification(candidacy.certification.code)
    day = candidacy.received_on or today
    if not cert.is_registered_on(day):
        gaps.append(f"{cert.code} n'est pas enregistrée au RNCP le {day.strftime('%d/%m/%Y')} : elle ne peut pas être demandée.")
    else:
        route = cert.route_on(candidacy.route, day)
        if route is None or not route.open:
            gaps.append(f"La voie « {candidacy.route.label} » n'est pas ouverte pour {cert.code} le {day.strftime('%d/%m/%Y')}.")
    return gaps


def session_problems(candidacy: Candidacy, session_id, today: date):
    """(session, problems) for scheduling ``candidacy`` into session ``session_id``."""
    from ..juries.models import JurySession, SessionStatus

    try:
        session = db.session.get(JurySession, int(session_id)) if session_id is not None else None
    except (TypeError, ValueError):
        session = None
    if session is None:
        return None, [f"session_id : session de jury introuvable {session_id!r}."]
    problems = []
    if session.certification_id != candidacy.certification_id:
        problems.append(f"La session {session.reference} est pour {session.certification.code}, pas pour {candidacy.certification.code}.")
    if session.route != candidacy.route:
        problems.append(f"La session {session.reference} est pour la voie « {session.route.label} ».")
    if session.status is SessionStatus.HELD:
        problems.append(f"La session {session.reference} a déjà eu lieu.")
    if session.starts_at.date() < today:
        problems.append(f"La session {session.reference} est passée ({session.starts_at.strftime('%d/%m/%Y')}).")
    if session.status is SessionStatus.DRAFT:
        problems.append(f"La session {session.reference} n'est pas encore confirmée : composez et confirmez le jury d'abord.")
    heard = [c for c in session.candidacies if c.id != candidacy.id and c.state is S.JURY_SCHEDULED]
    if len(heard) >= session.capacity:
        problems.append(f"La session {session.reference} est complète ({session.capacity} candidats au plus).")
    if not problems:
        from ..juries.operations import compliance

        report = compliance(session) if candidacy in session.candidacies else compliance(session, [candidacy])
        mine = [f for f in report.failures() if f.candidate in (None, candidacy.reference)]
        problems += [f"Jury non conforme : {f.message}" for f in mine]
    return session, problems


def decision_problems(candidacy: Candidacy, data: dict, rules: RuleBook):
    """(outcome, problems): the jury's decision is consistent with its per-component results.

    ``data``: ``{"outcome": "full"|"partial"|"refused"|"absent"|"excused",
    "components": {"CODE": true|false, …}}`` for the components being assessed;
    components still validly acquired from an earlier jury are carried over.
    An expired component never counts.
    """
    from .workflow import DECISION_OUTCOMES

    outcome = data.get("outcome")
    problems: list[str] = []
    if outcome not in DECISION_OUTCOMES:
        return outcome, [f"outcome : valeur attendue parmi {', '.join(DECISION_OUTCOMES)}, reçu {outcome!r}."]
    if outcome in ("absent", "excused"):
        return outcome, []
    session = candidacy.jury_session
    day = session.starts_at.date() if session else None
    if day is None:
        return outcome, ["Aucune session de jury : la décision ne peut pas être datée."]
    cert = rules.certification(candidacy.certification.code)
    all_codes = [c.code for c in cert.components]
    carried = {a.component_code for a in candidacy.acquired_components if a.is_valid_on(day)}
    expired = [a for a in candidacy.acquired_components if not a.is_valid_on(day)]
    results = data.get("components") or {}
    if not isinstance(results, dict):
        return outcome, ["components : un objet {code: true|false} est attendu."]
    to_decide = [code for code in all_codes if code not in carried]
    unknown = sorted(set(results) - set(all_codes))
    if unknown:
        problems.append(f"components : composante inconnue {', '.join(unknown)}.")
    expired_on = {a.component_code: a.expires_on for a in expired}
    for code in to_decide:
        if isinstance(results.get(code), bool):
            continue
        if code in expired_on:
            problems.append(
                f"La composante {code} a expiré le {expired_on[code].strftime('%d/%m/%Y')} : elle ne peut pas être "
                "comptée ; le jury doit se prononcer à nouveau sur elle."
            )
        else:
            problems.append(f"components : décision manquante pour {code}.")
    if problems:
        return outcome, problems
    validated = carried | {code for code in to_decide if results.get(code)}
    newly = [code for code in to_decide if results.get(code)]
    if outcome == "full" and set(all_codes) - validated:
        problems.append(f"Validation totale impossible : composantes non validées {', '.join(sorted(set(all_codes) - validated))}.")
    if outcome == "partial" and (not validated or validated == set(all_codes)):
        problems.append("Validation partielle : au moins une composante validée et au moins une non validée.")
    if outcome == "refused" and newly:
        problems.append(f"Refus incompatible avec les composantes validées : {', '.join(newly)}.")
    return outcome, problems


NEXT_STEPS = {
    S.DRAFT: "Complétez votre demande (identité, expériences, pièces) puis déposez-la.",
    S.SUBMITTED: "Le certificateur examine la recevabilité de votre demande.",
    S.INCOMPLETE: "Des pièces vous sont demandées : complétez votre demande puis déposez-la à nouveau.",
    S.ELIGIBLE: "Votre demande est recevable : commencez votre dossier de validation.",
    S.INELIGIBLE: "Votre demande n'est pas recevable. Le motif figure dans l'historique.",
    S.VALIDATION_FILE: "Rédigez votre dossier de validation, composante par composante, puis déposez-le.",
    S.UNDER_ASSESSMENT: "Vos composantes sont en cours d'évaluation.",
    S.READY_FOR_JURY: "Votre dossier est prêt : vous serez convoqué(e) à une session de jury.",
    S.JURY_SCHEDULED: "Vous êtes convoqué(e) devant le jury.",
    S.CERTIFIED: "Félicitations : la certification vous est délivrée.",
    S.PARTIALLY_VALIDATED: "Certaines composantes sont acquises : complétez les autres avant leur expiration.",
    S.REFUSED: "Le jury n'a validé aucune composante.",
    S.WITHDRAWN: "Vous avez abandonné ce parcours.",
    S.LAPSED: "Les composantes acquises ont expiré : ce parcours est caduc.",
}
