"""What a person is told about a candidacy, in plain words and in their language: the candidate's pre-check (what is
fine, what is missing, what to do next — the legal detail with its sources kept apart) and the coordinator's next step.

The engine's verdict names rules and articles; this module turns each of its checks into a sentence for someone who
is not a lawyer, by the kind of rule and its outcome. Rule names come from the rules' own labels (``rules/``); the
sentences are the app's texts, marked for translation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _, ngettext

from ..certifications.eligibility import Check, Verdict
from ..certifications.rules import RuleBook
from ..certifications.vocabulary import ExperienceStatus, Outcome
from ..dates import long_date
from ..enums import N_
from ..said import translated
from ..web.i18n import current_language
from .eligibility import answer_deadline_of
from .models import Candidacy, CandidacyState as S
from .pathway import jury_deadline_of, lapse_of, result_notice_of

# The checks the engine makes that are not a rule of the law file: named here.
OWN_CHECKS = {"REG": N_("Enregistrement de la certification au RNCP"), "ROUTE": N_("Voie d'accès par la VAE"),
              "PLAUS": N_("Vraisemblance des périodes déclarées"), "E?": N_("Règle applicable à cette date")}

# What the candidate reads for a check, by the law rule it applies (its name in rules/law/vae.yaml) and its outcome.
PLAIN = {
    ("REG", Outcome.PASS): N_("La certification peut être demandée à cette date."),
    ("REG", Outcome.FAIL): N_("Cette certification ne peut pas être demandée à cette date : elle n'est pas enregistrée au "
                              "RNCP. Renseignez-vous auprès du certificateur sur la certification qui lui succède."),
    ("ROUTE", Outcome.PASS): N_("La VAE est ouverte pour cette certification."),
    ("ROUTE", Outcome.FAIL): N_("La VAE n'est pas ouverte pour cette certification à cette date."),
    ("ROUTE", Outcome.UNKNOWN): N_("On ne sait pas si la VAE est ouverte pour cette certification à cette date : le "
                                   "certificateur vous le dira."),
    ("minimum_experience", Outcome.PASS): N_("Votre expérience en rapport avec la certification est suffisante."),
    ("minimum_experience", Outcome.UNKNOWN): N_("Votre expérience pourrait suffire : précisez, pour chaque période, si elle "
                                                "est en rapport direct avec la certification."),
    ("minimum_experience", Outcome.FAIL): N_("Aucune activité en rapport avec la certification n'est établie : ajoutez vos "
                                             "activités (%(kinds)s) en rapport avec elle."),
    ("counted_activities", Outcome.PASS): N_("Les activités que vous déclarez sont d'un type pris en compte."),
    ("counted_activities", Outcome.FAIL): N_("Aucune activité d'un type pris en compte n'est déclarée : ajoutez vos "
                                             "activités (%(kinds)s)."),
    ("direct_relation", Outcome.PASS): N_("Vos activités sont déclarées en rapport direct avec la certification."),
    ("direct_relation", Outcome.FAIL): N_("Aucune de vos activités n'est déclarée en rapport direct avec la certification : "
                                          "ajoutez celles qui le sont, ou corrigez vos périodes."),
    ("direct_relation", Outcome.UNKNOWN): N_("Précisez, pour chaque période, si elle est en rapport direct avec la "
                                             "certification."),
    ("training_periods_count", Outcome.PASS): N_("Les périodes de formation (stages, apprentissage…) suivent une règle à part : "
                                                 "le détail dit comment elles sont comptées."),
    ("experience_plausibility", Outcome.UNKNOWN): N_("Des dates de vos périodes sont impossibles : corrigez-les, elles ne "
                                                     "sont pas comptées."),
    ("filing_limits", Outcome.PASS): N_("Vous ne dépassez pas le nombre de demandes permis dans l'année."),
    ("filing_limits", Outcome.FAIL): N_("Vous avez déjà déposé cette année le nombre de demandes permis : une seule par "
                                        "certification, trois au plus par année civile."),
    ("filing_limits", Outcome.UNKNOWN): N_("Dites si vos autres demandes de l'année comptent : le détail les nomme."),
    ("pathway_target", Outcome.PASS): N_("Votre demande dit ce qu'elle vise."),
    ("pathway_target", Outcome.UNKNOWN): N_("Choisissez ce que vous visez : la certification entière, avec son option, ou "
                                            "des blocs de compétences."),
    ("concurrent_initial_training", Outcome.PASS): N_("Vous ne préparez pas cette certification en formation initiale."),
    ("concurrent_initial_training", Outcome.FAIL): N_("La VAE n'est pas ouverte pour une certification que vous préparez en "
                                                      "formation initiale."),
    ("concurrent_initial_training", Outcome.UNKNOWN): N_("Précisez si vous préparez cette certification en formation "
                                                         "initiale."),
}
MISSING_EXPERIENCE = N_("Il vous manque %(missing)s d'expérience en rapport avec la certification : ajoutez vos activités "
                        "(%(kinds)s) que vous n'avez pas encore déclarées.")
NO_PERIOD = N_("Vous n'avez déclaré aucune période d'expérience : ajoutez vos activités (%(kinds)s).")
ANY_KIND = N_("salariées, non salariées, bénévoles…")
BY_OUTCOME = {Outcome.PASS: N_("Ce point est en ordre."), Outcome.FAIL: N_("Ce point n'est pas rempli : le détail dit pourquoi."),
              Outcome.UNKNOWN: N_("Une information manque pour ce point : le détail dit laquelle.")}
HEADLINES = {True: N_("D'après ce que vous avez déclaré, votre demande remplit les conditions vérifiées ici."),
             False: N_("En l'état, votre demande ne remplit pas toutes les conditions : voici ce qui manque et quoi faire."),
             None: N_("Il manque des informations pour conclure : voici ce qu'il faut préciser.")}


@dataclass(frozen=True)
class Point:
    """One check, said for people: its plain sentence, and the legal detail (rule id with its label, explanation,
    source) shown behind « Détail »."""

    outcome: Outcome
    sentence: str
    rule: str
    rule_label: str
    outcome_label: str
    detail: str
    source: str


@dataclass(frozen=True)
class PlainVerdict:
    headline: str
    missing: tuple[Point, ...]  # what fails or is not known, each with what to do
    fine: tuple[Point, ...]
    points: tuple[Point, ...]  # every check, in the engine's order (the detail)


def rule_names(rules: RuleBook) -> dict[str, str]:
    """Each rule id of the law file (E1, R1, N3…) → the name of its rule in rules/law/vae.yaml; the engine's own checks
    (« REG »: the certification is registered on the day) keep their own name."""
    return {entry.id: name for name, rule in rules.law.rules.items() for entry in rule.history.entries
            if entry.id and entry.id not in OWN_CHECKS}


def _in_words(day) -> str:
    """A day inside a sentence: « 15 mars 2016 », « 1er avril 2016 » (« 15 March 2016 »)."""
    return long_date(day, current_language())


def rule_label(rules: RuleBook, rule_id: str, lang: str) -> str:
    """« Durée minimale d'expérience » for E1: the rule's own label, in ``lang``."""
    name = rule_names(rules).get(rule_id)
    if name is not None:
        label = rules.law[name].label
        return label.get(lang) or label["fr"]
    return _(OWN_CHECKS[rule_id]) if rule_id in OWN_CHECKS else rule_id


def duration(years: int, months: int, days: int) -> str:
    """« 1 an, 8 mois et 3 jours » in the reader's language."""
    parts = [text for n, text in ((years, ngettext("%(num)d an", "%(num)d ans", years)),
                                  (months, ngettext("%(num)d mois", "%(num)d mois", months)),
                                  (days, ngettext("%(num)d jour", "%(num)d jours", days))) if n]
    if not parts:
        return _("moins d'un jour")
    return parts[0] if len(parts) == 1 else _("%(first)s et %(last)s", first=", ".join(parts[:-1]), last=parts[-1])


def counted_kinds(rules: RuleBook, day: date) -> str:
    """The kinds of activity the law counts on ``day``, as the candidate declares them (« salarié, bénévole… »)."""
    entry = rules.law["counted_activities"].at(day)
    if entry is None or entry.value.get("any_status"):
        return _(ANY_KIND)
    return ", ".join(str(ExperienceStatus(s).label).lower() for s in entry.value["statuses"])


def _sentence(check: Check, name: str | None, kinds: str, declared: bool) -> str:
    key = name or check.rule
    if name in ("minimum_experience", "counted_activities") and check.outcome is Outcome.FAIL and not declared:
        return _(NO_PERIOD, kinds=kinds)
    if name == "minimum_experience" and check.outcome is Outcome.FAIL and check.shortfall:
        return _(MISSING_EXPERIENCE, missing=duration(*check.shortfall), kinds=kinds)
    text = PLAIN.get((key, check.outcome))
    if text is None:
        return _(BY_OUTCOME[check.outcome])
    return _(text, kinds=kinds) if "%(kinds)s" in text else _(text)


def plain_verdict(verdict: Verdict, candidacy: Candidacy, rules: RuleBook) -> PlainVerdict:
    """The verdict said for the candidate: a headline, what is missing with what to do, what is fine."""
    names, lang = rule_names(rules), current_language()
    kinds = counted_kinds(rules, candidacy.pathway_started_on or verdict.received_on)
    declared = bool(candidacy.experiences)
    points = tuple(Point(check.outcome, _sentence(check, names.get(check.rule), kinds, declared), check.rule,
                         rule_label(rules, check.rule, lang), str(check.outcome.label), translated(check.detail, _, lang),
                         check.source)
                   for check in verdict.checks)
    missing = tuple(p for p in points if p.outcome is not Outcome.PASS)
    fine = tuple(p for p in points if p.outcome is Outcome.PASS)
    return PlainVerdict(_(HEADLINES[verdict.eligible]), _unique(missing), _unique(fine), points)


def _unique(points) -> tuple[Point, ...]:
    """One sentence said once (two checks of one rule may say the same thing)."""
    seen, kept = set(), []
    for point in points:
        if point.sentence not in seen:
            seen.add(point.sentence)
            kept.append(point)
    return tuple(kept)


def staff_next_step(candidacy: Candidacy, rules: RuleBook, today: date) -> str:
    """What the certifier does next on this file, with its date when the law sets one (« Décider de la recevabilité
    avant le 15 mars 2016 »), in the reader's language."""
    state = candidacy.state
    if state is S.SUBMITTED:
        deadline = answer_deadline_of(candidacy, rules)
        return _("Décider de la recevabilité avant le %(day)s.", day=_in_words(deadline.due_on)) if deadline else \
            _("Décider de la recevabilité.")
    if state is S.READY_FOR_JURY:
        deadline = jury_deadline_of(candidacy, rules)
        return _("Convoquer le candidat à une session de jury avant le %(day)s.", day=_in_words(deadline.on)) if deadline else \
            _("Convoquer le candidat à une session de jury.")
    if state is S.JURY_SCHEDULED and candidacy.jury_session is not None:
        day = _in_words(candidacy.jury_session.starts_at)
        if candidacy.jury_session.starts_at.date() > today:
            return _("Tenir le jury du %(day)s, puis enregistrer sa décision.", day=day)
        return _("Enregistrer la décision du jury du %(day)s.", day=day)
    if state in (S.CERTIFIED, S.PARTIALLY_VALIDATED, S.REFUSED) and candidacy.decided_on:
        notice = result_notice_of(candidacy, rules)
        if notice is not None and today <= notice.due_on:
            return _("Notifier le résultat au candidat avant le %(day)s.", day=_in_words(notice.due_on))
    if state in (S.ELIGIBLE, S.VALIDATION_FILE):
        lapse = lapse_of(candidacy, rules)
        if lapse is not None and lapse.governs:
            return _("Attendre le dossier de validation du candidat ; sans démarche de sa part, la recevabilité devient "
                     "caduque le %(day)s.", day=_in_words(lapse.lapses_on))
    return _(STAFF_STEPS[state])


STAFF_STEPS = {
    S.DRAFT: N_("Rien à faire : le candidat complète sa demande avant de la déposer."),
    S.SUBMITTED: N_("Décider de la recevabilité."),
    S.INCOMPLETE: N_("Attendre les pièces demandées au candidat ; vous pouvez le relancer."),
    S.ELIGIBLE: N_("Attendre que le candidat commence son dossier de validation."),
    S.INELIGIBLE: N_("Rien à faire : la demande n'est pas recevable."),
    S.VALIDATION_FILE: N_("Attendre le dossier de validation du candidat."),
    S.UNDER_ASSESSMENT: N_("Évaluer chaque composante, puis clore l'évaluation."),
    S.READY_FOR_JURY: N_("Convoquer le candidat à une session de jury."),
    S.JURY_SCHEDULED: N_("Enregistrer la décision du jury."),
    S.CERTIFIED: N_("Rien à faire : la certification est délivrée."),
    S.PARTIALLY_VALIDATED: N_("Attendre que le candidat reprenne son parcours pour les composantes restantes."),
    S.REFUSED: N_("Rien à faire : le dossier est clos."),
    S.WITHDRAWN: N_("Rien à faire : le candidat a abandonné son parcours."),
    S.LAPSED: N_("Rien à faire : le parcours est caduc."),
}
