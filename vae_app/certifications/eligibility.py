"""The eligibility engine: is a VAE application admissible under the rules in force
on the day it was received?

Pure functions only: :func:`parse_application` turns the JSON document
(``flask eligibility check``, the API) into an :class:`Application`, and
:func:`evaluate_eligibility` returns a :class:`Verdict` whose every check
names the rule (E1, R1…), its outcome (pass, fail, unknown — never a silent
pass when a fact is missing), a French explanation and the rule's source.
"""
from __future__ import annotations

import bisect
import json
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable, Sequence

from dateutil.relativedelta import relativedelta
from jsonschema import Draft202012Validator

from ..dates import out_of_range, short_date
from ..enums import N_
from ..errors import InvalidData
from ..said import Joined, Labelled, Said
from .deadlines import add_years, answer_deadline, feasibility_deadline
from .rules import CertificationRules, RuleBook
from .rules_check import format_path
from .vocabulary import AccessRoute, ExperienceStatus, Outcome

SCHEMA_PATH = Path(__file__).with_name("schemas") / "application.json"
ONE_DAY = timedelta(days=1)


# --------------------------------------------------------------------------- input


@dataclass(frozen=True)
class Experience:
    """One experience period; ``end`` None means ongoing, ``related`` None means not said (never a default)."""

    status: ExperienceStatus
    start: date
    end: date | None = None
    hours: float | None = None
    related: bool | None = None


@dataclass(frozen=True)
class OtherApplication:
    certification: str
    received_on: date
    blocs_only: bool | None = None  # it targeted blocs of competences only (R2); None: not said
    refiling_after_lapse: bool | None = None  # it lapsed and this application presents it again, the référentiel unchanged (R2)
    filed_earlier: bool | None = None  # received the same day as the application judged: filed before it? None: not said


@dataclass(frozen=True)
class Application:
    certification: str
    route: AccessRoute
    received_on: date
    experiences: tuple[Experience, ...] = ()
    other_applications: tuple[OtherApplication, ...] | None = ()
    certifier_code: str | None = None
    complete_on: date | None = None  # when the application became complete (R3 counts from it); None: on receipt
    pathway_started_on: date | None = None  # when the VAE pathway was initiated (the reform's rules key on it); None: on receipt
    target_components: tuple[str, ...] | None = None  # the blocs targeted (N1); None: the whole certification
    in_initial_training_for: tuple[str, ...] | None = None  # certifications prepared in initial training meanwhile (N2); None: not said
    component_gaps: dict[str, str] | None = None  # per component, what the declared experience does not cover, as the certifier wrote it
    birth_date: date | None = None  # the applicant's, for the plausibility of the periods (None: not said)
    blocs_only: bool | None = None  # this application targets blocs of competences only (R2); None: not said


class InvalidApplication(InvalidData):
    """The document is not a valid application (422); ``errors`` map each field path to its reason."""


_validator: Draft202012Validator | None = None


def application_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _schema_validator() -> Draft202012Validator:
    global _validator
    if _validator is None:
        _validator = Draft202012Validator(application_schema())
    return _validator


def _reason(error) -> str:
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        return f"champ obligatoire manquant « {missing[0]} »" if missing else error.message
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"champ inconnu « {extra[0]} »" if extra else error.message
    if error.validator == "enum":
        return f"valeur inconnue {error.instance!r} (attendu : {', '.join(map(str, error.validator_value))})"
    if error.validator == "pattern" and "[0-9]{4}" in str(error.validator_value):
        return f"date attendue au format AAAA-MM-JJ (reçu {error.instance!r})"
    if error.validator == "pattern":
        return f"format invalide {error.instance!r} (attendu : {error.validator_value})"
    if error.validator == "type":
        return f"type invalide (attendu : {error.validator_value})"
    if error.validator == "minimum":
        return f"doit être ≥ {error.validator_value}"
    if error.validator == "exclusiveMinimum":
        return f"doit être > {error.validator_value}"
    if error.validator == "maximum":
        return f"doit être ≤ {error.validator_value}"
    return error.message


def _parse_date(value: str, path: str, errors: list, bounded: bool = True) -> date | None:
    """The date, or None with the reason in ``errors``; ``bounded``: a date out of any typing range is refused
    (a period's start is judged by the plausibility rule instead, which says more)."""
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        errors.append((path, f"date inexistante {value!r}"))
        return None
    if bounded and out_of_range(day):
        errors.append((path, out_of_range(day)))
        return None
    return day


def parse_application(document: Any, *, require_other_applications: bool = False, rules: RuleBook | None = None) -> Application:
    """Validate and convert an application document; raise :class:`InvalidApplication`.
    With ``rules``, a certification they do not know is an error too."""
    if not isinstance(document, dict):
        raise InvalidApplication([("(racine)", "un objet JSON est attendu")])
    errors = [
        (format_path(error.absolute_path), _reason(error))
        for error in sorted(_schema_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    ]
    if errors:
        raise InvalidApplication(errors)
    received_on = _parse_date(document["received_on"], "received_on", errors)
    birth_date = _parse_date(document["birth_date"], "birth_date", errors) if document.get("birth_date") else None
    if birth_date and received_on:
        problem = implausible_birth_date(birth_date, received_on, rules.law if rules else None)
        if problem:
            errors.append(("birth_date", problem))
            birth_date = None  # the periods are not judged against a date that cannot be
    experiences = []
    for index, raw in enumerate(document["experiences"]):
        start = _parse_date(raw["start"], f"experiences[{index}].start", errors, bounded=False)
        end = _parse_date(raw["end"], f"experiences[{index}].end", errors) if raw.get("end") else None
        experience = Experience(ExperienceStatus(raw["status"]), start, end, raw.get("hours"), raw.get("related"))
        if start and received_on and (not end or end >= start):
            errors += [(f"experiences[{index}].{field}", reason)
                       for field, reason in implausible(experience, received_on, birth_date, rules.law if rules else None)]
        elif start and end and end < start:
            errors.append((f"experiences[{index}].end", f"la fin ({_fmt(end)}) précède le début ({_fmt(start)})"))
        experiences.append(experience)
    others = None
    if "other_applications" in document:
        others = []
        for index, raw in enumerate(document["other_applications"]):
            day = _parse_date(raw["received_on"], f"other_applications[{index}].received_on", errors)
            others.append(OtherApplication(raw["certification"], day, raw.get("blocs_only"), raw.get("refiling_after_lapse"),
                                           raw.get("filed_earlier")))
    elif require_other_applications:
        errors.append(("other_applications", "champ obligatoire manquant « other_applications »"))
    if rules is not None and document["certification"] not in rules.certifications:
        errors.append(("certification", f"certification inconnue {document['certification']!r} "
                                        f"(connues : {', '.join(sorted(rules.certifications))})"))
    started = _parse_date(document["pathway_started_on"], "pathway_started_on", errors) if document.get("pathway_started_on") else None
    if started and received_on and started > received_on:
        errors.append(("pathway_started_on", f"le parcours ({_fmt(started)}) ne peut commencer après la réception de la demande "
                                             f"({_fmt(received_on)})"))
    complete = _parse_date(document["complete_on"], "complete_on", errors) if document.get("complete_on") else None
    if complete and received_on and complete < received_on:
        errors.append(("complete_on", f"le dossier ({_fmt(complete)}) ne peut être complet avant sa réception ({_fmt(received_on)})"))
    targets = document.get("target_components")
    if rules is not None and document["certification"] in rules.certifications:
        known = {c.code for c in rules.certification(document["certification"]).components}
        errors += [(f"target_components[{i}]", f"bloc inconnu de {document['certification']} {code!r}")
                   for i, code in enumerate(targets or ()) if code not in known]
        errors += [(f"component_gaps.{code}", f"bloc inconnu de {document['certification']} {code!r}")
                   for code in (document.get("component_gaps") or {}) if code not in known]
    if errors:
        raise InvalidApplication(errors)
    return Application(
        certification=document["certification"],
        route=AccessRoute(document["route"]),
        received_on=received_on,
        experiences=tuple(experiences),
        other_applications=tuple(others) if others is not None else None,
        birth_date=birth_date,
        blocs_only=document.get("blocs_only"),
        pathway_started_on=started,
        complete_on=complete,
        target_components=tuple(targets) if targets is not None else None,
        in_initial_training_for=tuple(document["in_initial_training_for"]) if document.get("in_initial_training_for") is not None else None,
        component_gaps=document.get("component_gaps"),
    )


def implausible_birth_date(birth_date: date, received_on: date, law) -> str | None:
    """Why a declared birth date cannot be an applicant's on the receipt date (None: it can): after the receipt,
    or too recent for the applicant to have worked at the plausibility policy's minimum age."""
    if birth_date >= received_on:
        return f"la date de naissance ({_fmt(birth_date)}) doit précéder la réception de la demande ({_fmt(received_on)})"
    entry = law["experience_plausibility"].at(received_on) if law is not None else None
    if entry is not None and add_years(birth_date, entry.value["min_age"]) > received_on:
        return (f"vous auriez moins de {entry.value['min_age']} ans à la réception de la demande ({_fmt(received_on)}) : "
                "vérifiez la date de naissance")
    return None


def implausible(experience: Experience, received_on: date, birth_date: date | None, law) -> list[tuple[str, str]]:
    """Why a declared period cannot be true, field by field (``start``, ``end``, ``hours``), under the
    plausibility policy in force on the receipt date: none when it can. Such a period is refused, never counted."""
    entry = law["experience_plausibility"].at(received_on) if law is not None else None
    problems = []
    if experience.end is not None and experience.end < experience.start:
        problems.append(("end", Said(N_("la fin (%(end)s) précède le début (%(start)s)"), end=_fmt(experience.end),
                                     start=_fmt(experience.start))))
    if experience.start > received_on:
        problems.append(("start", Said(N_("commence après la réception de la demande (%(day)s) : seule l'expérience déjà "
                                          "acquise est déclarée"), day=_fmt(received_on))))
    if entry is None:
        return problems
    value = entry.value
    if birth_date is not None:
        earliest = add_years(birth_date, value["min_age"])
        if experience.start < earliest:
            problems.append(("start", Said(N_("commence avant vos %(age)s ans (le %(day)s) : vérifiez la date"), age=value["min_age"],
                                           day=_fmt(earliest))))
    else:
        earliest = add_years(received_on, -value["max_years_before_receipt"])
        if experience.start < earliest:
            problems.append(("start", Said(N_("commence plus de %(years)s ans avant la réception de la demande (avant le %(day)s) : "
                                              "vérifiez la date"), years=value["max_years_before_receipt"], day=_fmt(earliest))))
    if experience.hours is not None and experience.start <= received_on:
        last = experience.end or received_on
        if last >= experience.start:
            most = Fraction(value["max_hours_per_week"]) * ((last - experience.start).days + 1) / 7
            if Fraction(experience.hours) > most:
                problems.append(("hours", Said(N_("%(hours)s heures sur %(days)s jours dépassent %(week)s heures par semaine "
                                                  "(%(most)s heures au plus)"), hours=f"{experience.hours:g}",
                                               days=(last - experience.start).days + 1, week=value["max_hours_per_week"],
                                               most=int(most))))
    return problems


# --------------------------------------------------------------------------- output


@dataclass(frozen=True)
class Check:
    rule: str
    outcome: Outcome
    detail: str
    source: str
    question: str | None = None  # what the applicant must answer for the check to decide (an application is not filed before)
    shortfall: tuple[int, int, int] | None = None  # the experience still missing, in calendar (years, months, days)

    def as_dict(self) -> dict:
        body = {"rule": self.rule, "outcome": self.outcome.value, "detail": self.detail, "source": self.source}
        if self.question:
            body["question"] = self.question
        return body


@dataclass(frozen=True)
class Verdict:
    """``eligible`` is None when the data cannot decide (some check is unknown, none fails)."""

    eligible: bool | None
    checks: tuple[Check, ...]
    answer_due_on: date | None
    silence_means: str | None
    received_on: date
    counted_years: float | None = None
    # N3, from 2024: per targeted component, what the declared experience does not cover as the certifier entered it
    # (None: not entered yet, « unknown »); None before the reform
    gaps: tuple[tuple[str, str | None], ...] | None = None

    def as_dict(self) -> dict:
        return {
            "eligible": self.eligible,
            "checks": [c.as_dict() for c in self.checks],
            "answer_due_on": self.answer_due_on.isoformat() if self.answer_due_on else None,
            "silence_means": self.silence_means,
            "gaps": None if self.gaps is None else [{"component": code, "gap": said if said is not None else "unknown"}
                                                    for code, said in self.gaps],
        }

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.outcome is Outcome.FAIL]


# --------------------------------------------------------------------------- duration


@dataclass(frozen=True)
class Span:
    """A period to count: inclusive days, and its hours when given."""

    start: date
    end: date
    hours: float | None = None


def counted_days(spans: Iterable[Span], full_time_hours: float, days_per_year: Fraction | float) -> Fraction:
    """Full-time-equivalent days of experience, overlaps counted once, in exact arithmetic (a duration at its
    legal minimum is never a rounding error away from it).

    A calendar period counts each of its days in full; a period with hours
    spreads them evenly over its days (``hours / full_time_hours`` years).
    Where periods overlap, a day counts at most once, and never more than full
    time. The result is independent of the order and never exceeds the number
    of days covered by the periods.
    """
    events: dict[date, Fraction] = {}
    for span in spans:
        if span.end < span.start:
            continue
        length = (span.end - span.start).days + 1
        if span.hours is None:
            rate = Fraction(1)  # equivalent mutant: "1 → 2" (a day's level is capped at full time below)
        else:
            rate = Fraction(span.hours) / Fraction(full_time_hours) * Fraction(days_per_year) / length
        events[span.start] = events.get(span.start, Fraction(0)) + rate
        after = span.end + ONE_DAY
        events[after] = events.get(after, Fraction(0)) - rate
    days = sorted(events)
    total, level = Fraction(0), Fraction(0)
    for day, following in zip(days, days[1:]):
        level += events[day]
        total += min(Fraction(1), level) * (following - day).days
    return total


def year_days(anchor: date, years: int = 1) -> int:
    """Days in ``years`` calendar years from ``anchor``: a year runs from a day to the day before its anniversary
    (2013-03-05 → 2014-03-04), leap days included where they fall — never 365-day blocks."""
    return (add_years(anchor, years) - anchor).days


def describe_duration(anchor: date, days: Fraction | float = 0, until: date | None = None) -> str:
    """A duration in calendar words, « 2 ans, 3 mois et 4 jours »: ``days`` full days from ``anchor`` (a fraction of
    a day is left out: a duration is never said longer than it is), or, with ``until``, from ``anchor`` to it."""
    end = until if until is not None else anchor + timedelta(days=math.floor(days))
    if end <= anchor:
        return Said(N_("aucune")) if days <= 0 else Said(N_("moins d'un jour"))
    span = relativedelta(end, anchor)
    parts = [Said(template, n=n) for n, template in (
        (span.years, N_("%(n)s an") if span.years == 1 else N_("%(n)s ans")),
        (span.months, N_("1 mois") if span.months == 1 else N_("%(n)s mois")),
        (span.days, N_("%(n)s jour") if span.days == 1 else N_("%(n)s jours"))) if n]
    return parts[0] if len(parts) == 1 else Said(N_("%(first)s et %(last)s"), first=Joined(parts[:-1], ", "), last=parts[-1])


# --------------------------------------------------------------------------- the engine


_fmt = short_date


@dataclass
class _Periods:
    """The periods that count (``maybe``: their relation to the certification is not said), the training
    periods apart (they count under conditions, E6T), and the labels of those set aside."""

    counted: list[tuple[int, Experience]] = field(default_factory=list)
    maybe: list[tuple[int, Experience]] = field(default_factory=list)
    training: list[tuple[int, Experience]] = field(default_factory=list)
    training_maybe: list[tuple[int, Experience]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


def evaluate_eligibility(application: Application, rules: RuleBook, on: date | None = None) -> Verdict:
    """Evaluate ``application`` against the law and its certification's rules.

    The rules are those in force on ``on`` — by default the day the
    application was received, which is what the law keys eligibility on.
    """
    day = on or application.received_on
    law = rules.law
    cert = rules.certification(application.certification)
    checks: list[Check] = []

    # The reform's rules key on the day the pathway was initiated (the receipt date when not said): a pathway started
    # in 2023 keeps the rules of 2023 to its end (décret 2023-1275 art. 5, décret 2024-332 art. 2).
    started = on or application.pathway_started_on or application.received_on

    checks.append(_registration_check(cert, day))
    checks.append(_route_check(cert, application.route, day))
    checks.extend(_pathway_checks(application, cert, law, started))
    periods, activity_checks = _sort_periods(application, law, started)
    checks.extend(activity_checks)
    duration_check, years = _duration_check(periods, law, started)
    checks.append(duration_check)
    training_check = _training_check(periods, law, started)
    if training_check is not None:
        checks.append(training_check)
    checks.append(_filing_check(application, law, day))

    feasibility = law["feasibility_answer"].at(started)
    if cert.reform_governs(feasibility, started):  # N5: the feasibility file's answer, France VAE's notice on silence
        deadline = feasibility_deadline(feasibility, application.received_on, application.complete_on)
    else:
        deadline = answer_deadline(law, application.received_on, application.complete_on,
                                   application.certifier_code or cert.certifier_code, cert.certifier_kind)
    gaps = None
    if law["admissibility"].at(started) is not None:  # N3: the gaps to the référentiel, per targeted component
        said = application.component_gaps or {}
        targeted = application.target_components or tuple(c.code for c in cert.components)
        gaps = tuple((code, said.get(code)) for code in targeted)
    return Verdict(Outcome.overall(c.outcome for c in checks), tuple(checks), deadline.due_on if deadline else None,
                   deadline.silence.means if deadline else None, application.received_on, years, gaps)


def _pathway_checks(application: Application, cert: CertificationRules, law, started: date) -> list[Check]:
    """What the application targets (N1) and the initial training it may not be prepared in (N2)."""
    checks = []
    target, training = law["pathway_target"].at(started), law["concurrent_initial_training"].at(started)
    known, since = cert.france_vae
    on_france_vae = (Said(N_("%(code)s a rejoint France VAE le %(day)s"), code=cert.code, day=_fmt(since)) if since else
                     Said(N_("%(code)s n'a jamais rejoint France VAE"), code=cert.code) if known else
                     Said(N_("les règles de %(code)s ne disent pas quand elle a rejoint France VAE"), code=cert.code))
    applies = cert.reform_governs(target, started)
    if applies is None:
        checks.append(Check(target.id, Outcome.UNKNOWN, Said(N_("Parcours engagé le %(day)s : %(france_vae)s ; impossible de dire si "
                                                                "le nouveau parcours (dossier de faisabilité) s'applique."),
                                                             day=_fmt(started), france_vae=on_france_vae), target.source))
    elif applies:
        blocs = application.target_components
        option = cert.option_targeted(blocs)
        if option is None and blocs is None:  # the whole certification, with options: which one?
            names = Joined((Labelled(o.label, o.id) for o in cert.award_options), N_(" ou "))
            checks.append(Check(target.id, Outcome.UNKNOWN, Said(N_("La certification s'obtient avec le bloc commun et les blocs "
                                                                    "d'une option (%(names)s) : laquelle la demande vise-t-elle ?"),
                                                                 names=names), target.source,
                                question=Said(N_("Choisissez l'option de la certification visée, ou les blocs visés."))))
        else:
            named = {c.code: Said(N_("%(code)s « %(title)s »"), code=c.code, title=c.title) for c in cert.components}
            if option is None:
                said = Said(N_("La demande vise les blocs %(blocs)s."), blocs=Joined((named.get(code, code) for code in blocs), ", "))
            elif option.id:
                said = Said(N_("La demande vise la certification entière, %(option)s."), option=Labelled(option.label, option.id))
            else:
                said = Said(N_("La demande vise la certification entière."))
            checks.append(Check(target.id, Outcome.PASS, said, target.source))
    if cert.reform_governs(training, started):
        if application.in_initial_training_for is None:
            checks.append(Check(training.id, Outcome.UNKNOWN, Said(N_("Non précisé : le candidat prépare-t-il %(code)s en formation "
                                                                      "initiale ?"), code=cert.code),
                                training.source, question=Said(N_("Précisez si vous préparez %(code)s en formation initiale."),
                                                                code=cert.code)))
        elif cert.code in application.in_initial_training_for:
            checks.append(Check(training.id, Outcome.FAIL, Said(N_("Le candidat prépare %(code)s en formation initiale : la VAE "
                                                                   "n'est pas ouverte pour la même certification."), code=cert.code),
                                training.source))
        else:
            checks.append(Check(training.id, Outcome.PASS, Said(N_("Le candidat ne prépare pas %(code)s en formation initiale."),
                                                                code=cert.code), training.source))
    return checks


def _registration_check(cert: CertificationRules, day: date) -> Check:
    period = cert.registration_on(day)
    if period:
        said = (Said(N_("%(code)s est enregistrée au RNCP le %(day)s (du %(start)s jusqu'au %(end)s)."), code=cert.code, day=_fmt(day),
                     start=_fmt(period.start), end=_fmt(period.end)) if period.end else
                Said(N_("%(code)s est enregistrée au RNCP le %(day)s (du %(start)s)."), code=cert.code, day=_fmt(day),
                     start=_fmt(period.start)))
        return Check("REG", Outcome.PASS, said, period.source)
    sources = " ; ".join(p.source for p in cert.registration)
    # No registration covers the day: those that began by then have all ended.
    periods = sorted(cert.registration, key=lambda p: p.start)
    split = bisect.bisect_right([p.start for p in periods], day)
    before, after = periods[:split], periods[split:]
    if after and before:
        why = Said(N_("entre deux enregistrements (fin le %(end)s, reprise le %(start)s)"), end=_fmt(before[-1].end),
                   start=_fmt(after[0].start))
    elif after:
        why = Said(N_("pas encore enregistrée (à partir du %(start)s)"), start=_fmt(after[0].start))
    else:
        why = Said(N_("son enregistrement a pris fin le %(end)s"), end=_fmt(before[-1].end)) if before else \
            Said(N_("aucun enregistrement connu"))
    successor = (cert.raw.get("successor") or {}).get("value") or {}
    said = [Said(N_("%(code)s n'est pas enregistrée au RNCP le %(day)s : %(why)s. Elle ne peut pas être délivrée."), code=cert.code,
                 day=_fmt(day), why=why)]
    if successor.get("title"):
        said.append(Said(N_("Certification suivante : %(code)s « %(title)s »."), code=successor.get("code", ""), title=successor["title"]))
    return Check("REG", Outcome.FAIL, Joined(said), sources)


def _route_check(cert: CertificationRules, route: AccessRoute, day: date) -> Check:
    state = cert.route_on(route, day)
    label = Said(route.short_french)
    if state is None:
        return Check("ROUTE", Outcome.UNKNOWN, Said(N_("Les règles de %(code)s ne disent pas si la voie %(route)s est ouverte le %(day)s."),
                                                    code=cert.code, route=label, day=_fmt(day)), cert.path)
    if state.open:
        return Check("ROUTE", Outcome.PASS, Said(N_("La voie %(route)s est ouverte pour %(code)s depuis le %(day)s."), route=label,
                                                 code=cert.code, day=_fmt(state.since)), state.entry.source)
    entries = cert.routes[route].entries
    later = [e for e in entries[entries.index(state.entry) + 1:] if e.value.get("open")]
    said = [Said(N_("La voie %(route)s n'est pas ouverte pour %(code)s le %(day)s."), route=label, code=cert.code, day=_fmt(day))]
    if later:
        said.append(Said(N_("Elle ouvre le %(day)s."), day=_fmt(later[0].start)))
    return Check("ROUTE", Outcome.FAIL, Joined(said), state.entry.source)


def _sort_periods(application: Application, law, day: date) -> tuple[_Periods, list[Check]]:
    """Which periods count on ``day``: activity kind (E4–E7), training (E8), relation (REL)."""
    activities = law["counted_activities"].at(day)
    training = law["training_periods_count"].at(day)
    relation = law["direct_relation"].at(day)
    training_statuses = law.training_statuses
    result = _Periods()
    not_counted, kinds_counted, training_excluded, unrelated, undeclared, related, future, impossible = [], [], [], [], [], [], [], []
    for index, exp in enumerate(application.experiences):
        when = (Said(N_("du %(start)s au %(end)s"), start=_fmt(exp.start), end=_fmt(exp.end)) if exp.end else
                Said(N_("depuis le %(start)s"), start=_fmt(exp.start)))
        label = Said(N_("période %(index)s (%(status)s, %(when)s)"), index=index + 1, status=Said(exp.status.french, lower=True), when=when)
        reasons = implausible(exp, application.received_on, application.birth_date, law)
        if reasons:  # refused when entered; one stored before the rule existed is never counted
            impossible.append(Said(N_("%(period)s : %(reasons)s"), period=label, reasons=Joined((reason for _field, reason in reasons), " ; ")))
            continue
        if exp.start > day:
            future.append(label)
            continue
        conditional = False  # a training period, counted under the training rule of the whole file (E6T)
        if activities is not None:
            allowed = activities.value.get("any_status") or exp.status.value in activities.value.get("statuses", [])
            if not allowed:
                not_counted.append(label)
                continue
            kinds_counted.append(label)
            conditional = exp.status.value in training_statuses and training is not None
            if conditional and not training.value["counts"]:
                training_excluded.append(label)
                continue
        if relation is not None and relation.value["required"]:
            if exp.related is False:
                unrelated.append(label)
                continue
            if exp.related is None:
                undeclared.append(label)
                (result.training_maybe if conditional else result.maybe).append((index, exp))
                continue
            related.append(label)
        if activities is None:  # whether its activity counts is not known on that day
            result.maybe.append((index, exp))
        else:
            (result.training if conditional else result.counted).append((index, exp))
    result.excluded = not_counted + training_excluded + unrelated + future
    judged = result.counted or result.maybe or result.training or result.training_maybe or unrelated
    checks = []
    if impossible:
        plausibility = law["experience_plausibility"].at(application.received_on)
        checks.append(Check(plausibility.id if plausibility else "PLAUS", Outcome.UNKNOWN,
                            Said(N_("Période(s) impossible(s), non comptée(s) — à corriger : %(periods)s."),
                                 periods=Joined(impossible, " ; ")),
                            plausibility.source if plausibility else law.path))
    if activities is None:
        checks.append(Check("E?", Outcome.UNKNOWN, Said(N_("Aucune règle sur les activités prises en compte le %(day)s."), day=_fmt(day)),
                            law.path))
    else:
        kinds = (Said(N_("toute activité en rapport direct")) if activities.value.get("any_status")
                 else Joined((Said(ExperienceStatus(s).french, lower=True) for s in activities.value["statuses"]), ", "))
        detail = [Said(N_("Activités prises en compte le %(day)s : %(kinds)s."), day=_fmt(day), kinds=kinds)]
        if not_counted:
            detail.append(Said(N_("Non prises en compte : %(periods)s."), periods=Joined(not_counted, ", ")))
        if future:
            detail.append(Said(N_("Postérieures à la réception, ignorées : %(periods)s."), periods=Joined(future, ", ")))
        outcome = Outcome.PASS if kinds_counted else Outcome.FAIL  # the kind of activity; its relation and training rule come next
        if outcome is Outcome.FAIL and not application.experiences:
            detail.append(Said(N_("Aucune période d'expérience déclarée.")))
        checks.append(Check(activities.id, outcome, Joined(detail), activities.source))
    if training is not None and (training_excluded or not training.value["counts"]):
        detail = [Said(N_("Les périodes de formation (stages, PMSMP, apprentissage…) ne comptent pas dans la durée minimale."))]
        if training_excluded:
            detail.append(Said(N_("Exclues : %(periods)s."), periods=Joined(training_excluded, ", ")))
        else:
            detail.append(Said(N_("Aucune période concernée.")))
        checks.append(Check(training.id, Outcome.PASS, Joined(detail), training.source))
    if relation is not None and relation.value["required"] and judged:  # no period of a counted activity: nothing to relate
        if undeclared:
            checks.append(Check(relation.id, Outcome.UNKNOWN,
                                Said(N_("Rapport direct avec la certification non précisé pour : %(periods)s. Précisez-le pour chaque "
                                        "période."), periods=Joined(undeclared, ", ")),
                                relation.source,
                                question=Said(N_("Précisez si ces activités sont en rapport direct avec la certification : "
                                                 "%(periods)s."), periods=Joined(undeclared, ", "))))
        else:
            detail = [Said(N_("Seules les activités en rapport direct avec la certification comptent."))]
            if unrelated:
                detail.append(Said(N_("Sans rapport déclaré, non comptées : %(periods)s."), periods=Joined(unrelated, ", ")))
            outcome = Outcome.PASS if related else Outcome.FAIL
            if outcome is Outcome.FAIL:
                detail.append(Said(N_("Aucune période retenue n'est déclarée en rapport direct.")))
            checks.append(Check(relation.id, outcome, Joined(detail), relation.source))
    return result, checks


def _spans(periods: Sequence[tuple[int, Experience]], day: date) -> list[Span]:
    spans = []
    for _index, exp in periods:
        end = min(exp.end or day, day)
        if end >= exp.start:
            spans.append(Span(exp.start, end, exp.hours))
    return spans


@dataclass(frozen=True)
class _Measure:
    """How durations are measured on a day: hours in a full-time year, the days of the required years and of one
    year (calendar years from ``anchor``, the first period's start), and the training rule in force."""

    hours_per_year: float
    required_years: float
    required_days: int
    per_year: Fraction
    anchor: date
    training_rule: Any

    def days(self, periods, day: date) -> Fraction:
        return counted_days(_spans(periods, day), self.hours_per_year, self.per_year)

    def training_cap(self, base: Fraction, share: Fraction, calendar: bool) -> Fraction:
        """The days training periods may add to ``base`` days of other activities: ``share`` of the minimum. For
        periods in calendar time, in calendar months put end to end after the other activities (half of one year:
        6 months) when that is a whole number of months; for periods given in hours, that share of the hours of the
        minimum (803.5 of 1,607)."""
        months = share * 12 * Fraction(self.required_years)
        if not calendar or months.denominator != 1:
            return share * self.required_days
        start = self.anchor + timedelta(days=math.floor(base))
        return Fraction((start + relativedelta(months=int(months)) - start).days)


def _measure(law, day: date, required_years: float, periods: _Periods) -> _Measure:
    method = law["experience_duration"].at(day)
    spans = _spans(periods.counted + periods.maybe + periods.training + periods.training_maybe, day)
    anchor = min((span.start for span in spans), default=day)
    required_days = year_days(anchor, int(required_years))
    per_year = Fraction(required_days) / Fraction(required_years) if required_years else Fraction(year_days(anchor))
    return _Measure(method.value["full_time_hours_per_year"], required_years, required_days, per_year, anchor,
                    law["training_periods_count"].at(day))


def _with_training(outside, training, day: date, measure: _Measure) -> Fraction:
    """Full-time days of ``outside`` and ``training`` together under the training rule in force (E6T): training
    periods count only while the other activities last longer, or up to a share of the minimum duration."""
    base = measure.days(outside, day)
    together = measure.days(outside + training, day)
    value = measure.training_rule.value
    if value.get("only_while_outside_longer"):
        return together if base > measure.days(training, day) else base
    share = value.get("max_share_of_minimum")
    if share is not None:
        calendar = all(exp.hours is None for _index, exp in outside + training)
        return min(together, base + measure.training_cap(base, Fraction(str(share)), calendar))
    return together


def _duration_check(periods: _Periods, law, day: date) -> tuple[Check, float | None]:
    minimum = law["minimum_experience"].at(day)
    method = law["experience_duration"].at(day)
    if minimum is None or method is None:
        return Check("E?", Outcome.UNKNOWN, Said(N_("Aucune règle de durée minimale le %(day)s."), day=_fmt(day)), law.path), None
    required_years = minimum.value["years"]
    measure = _measure(law, day, required_years, periods)
    required_days, per_year, anchor = measure.required_days, measure.per_year, measure.anchor
    hours_per_year = measure.hours_per_year
    sure = _with_training(periods.counted, periods.training, day, measure)
    possible = max(_with_training(periods.counted + periods.maybe, periods.training + periods.training_maybe, day, measure),
                   _with_training(periods.counted + periods.maybe, periods.training, day, measure))
    counted_text = describe_duration(anchor, sure)
    how = Said(N_("périodes fusionnées, chevauchements comptés une fois ; heures converties à raison de %(hours)s h par an, sinon "
                  "durée calendaire : une année court d'un jour à la veille de son anniversaire"), hours=hours_per_year)
    if required_years == 0:
        if sure > 0:
            return Check(minimum.id, Outcome.PASS, Said(N_("Pas de durée minimale le %(day)s : une activité en rapport direct suffit "
                                                           "(%(counted)s comptés)."), day=_fmt(day), counted=counted_text),
                         minimum.source), float(sure / per_year)
        outcome = Outcome.UNKNOWN if possible > 0 else Outcome.FAIL
        return Check(minimum.id, outcome, Said(N_("Pas de durée minimale le %(day)s, mais aucune activité en rapport direct n'est "
                                                  "établie."), day=_fmt(day)), minimum.source), 0.0
    need = Said(N_("%(n)s ans") if required_years > 1 else N_("%(n)s an"), n=f"{required_years:g}")
    years = float(sure / per_year)
    if sure >= required_days:
        return Check(minimum.id, Outcome.PASS, Said(N_("Durée requise : %(need)s ; durée comptée : %(counted)s (%(how)s)."), need=need,
                                                    counted=counted_text, how=how), minimum.source), years
    if possible >= required_days:
        return Check(minimum.id, Outcome.UNKNOWN,
                     Said(N_("Durée requise : %(need)s ; durée établie : %(counted)s, %(possible)s si les périodes au rapport non "
                             "précisé comptent."), need=need, counted=counted_text, possible=describe_duration(anchor, possible)),
                     minimum.source), years
    reached, due = anchor + timedelta(days=math.floor(sure)), add_years(anchor, int(required_years))
    missing, gap = describe_duration(reached, until=due), relativedelta(due, reached)
    return Check(minimum.id, Outcome.FAIL, Said(N_("Durée requise : %(need)s ; durée comptée : %(counted)s (%(how)s) ; il manque "
                                                   "%(missing)s."), need=need, counted=counted_text, how=how, missing=missing),
                 minimum.source, shortfall=(gap.years, gap.months, gap.days)), years


def _training_check(periods: _Periods, law, day: date) -> Check | None:
    """How the training periods at work were counted, where a condition on the whole file applies (E6T)."""
    rule = law["training_periods_count"].at(day)
    minimum = law["minimum_experience"].at(day)
    if rule is None or minimum is None or len(rule.value) == 1 or not (periods.training or periods.training_maybe):
        return None
    measure = _measure(law, day, minimum.value["years"], periods)
    outside, training = measure.days(periods.counted, day), measure.days(periods.training, day)
    total = _with_training(periods.counted, periods.training, day, measure)
    together = measure.days(periods.counted + periods.training, day)
    after_outside = measure.anchor + timedelta(days=math.floor(outside))  # training put end to end after the rest
    figures = Said(N_("activités hors formation : %(outside)s ; périodes de formation : %(training)s"),
                   outside=describe_duration(measure.anchor, outside), training=describe_duration(after_outside, training))
    if rule.value.get("only_while_outside_longer"):
        said = [Said(N_("Les périodes de formation en milieu professionnel comptent, car les autres activités durent plus longtemps"))
                if total == together else Said(N_("Les périodes de formation en milieu professionnel ne comptent pas : elles ne "
                                                  "comptent que si les autres activités durent plus longtemps au total"))]
    else:
        share = Fraction(rule.value["max_share_of_minimum"])
        months = share * 12 * Fraction(minimum.value["years"])
        cap = Said(N_("%(n)s mois"), n=months) if months.denominator == 1 else \
            describe_duration(after_outside, share * measure.required_days)
        said = [Said(N_("Les périodes de formation en milieu professionnel comptent, dans la limite de la moitié de la durée "
                        "minimale (%(cap)s)"), cap=cap)
                if share == Fraction(1, 2) else Said(N_("Les périodes de formation en milieu professionnel comptent, dans la limite "
                                                        "de %(cap)s"), cap=cap)]
        if total < together:
            said.append(Said(N_(" : cette limite est atteinte")))
    if periods.training_maybe:
        said.append(Said(N_(" (sans les périodes au rapport non précisé)")))
    return Check(rule.id, Outcome.PASS, Said(N_("%(said)s (%(figures)s)."), said=Joined(said, ""), figures=figures), rule.source)


EXCEPTION_FLAGS = {"blocs_only": N_("ne visait que des blocs de compétences"),
                   "refiling_after_lapse": N_("a caducé, et celle-ci la présente à nouveau, le référentiel inchangé")}


def _counts_against(other: OtherApplication, exceptions: set[str]) -> bool | None:
    """Whether an earlier application counts against the limit: not when an exception in force applies to it (R2),
    unknown when it is not said whether one does."""
    flags = [getattr(other, name) for name in EXCEPTION_FLAGS if name in exceptions]
    if any(flag is True for flag in flags):
        return False
    return None if any(flag is None for flag in flags) else True


def _over_limit(application: Application, earlier: list[OtherApplication], per_cert: int, overall: int) -> Said | None:
    same_cert = [o for o in earlier if o.certification == application.certification]
    distinct = {o.certification for o in earlier} | {application.certification}
    year = application.received_on.year
    if len(same_cert) >= per_cert:
        dates = Joined((_fmt(o.received_on) for o in same_cert), ", ")
        return Said(N_("Déjà %(n)s demande(s) pour %(code)s reçue(s) en %(year)s avant celle-ci (%(dates)s) : %(most)s par année "
                       "civile au plus."), n=len(same_cert), code=application.certification, year=year, dates=dates, most=per_cert)
    if len(distinct) > overall:
        return Said(N_("%(n)s certifications différentes demandées en %(year)s, avec celle-ci : %(most)s au plus par année civile."),
                    n=len(distinct), year=year, most=overall)
    return None


def _named(other: OtherApplication) -> str:
    return f"{other.certification} ({_fmt(other.received_on)})"


def _filing_check(application: Application, law, day: date) -> Check:
    limits = law["filing_limits"].at(day)
    if limits is None:
        return Check("R1", Outcome.PASS, Said(N_("Pas de limite de dépôt le %(day)s."), day=_fmt(day)), law.path)
    exceptions = set(limits.value.get("exceptions", []))
    if "blocs_only" in exceptions and application.blocs_only is True:
        return Check(limits.id, Outcome.PASS, Said(N_("La demande ne vise que des blocs de compétences : la limite de dépôt ne "
                                                      "s'applique pas.")), limits.source)
    if application.other_applications is None:
        return Check(limits.id, Outcome.UNKNOWN, Said(N_("Les autres demandes de l'année civile ne sont pas connues : impossible de "
                                                         "vérifier la limite de dépôt.")), limits.source)
    year = application.received_on.year
    per_cert = limits.value["same_certification_per_year"]
    overall = limits.value["certifications_per_year"]
    # R1 forbids filing a further application: only those filed before this one count against it (the same day: the
    # one filed first, when it is said which)
    same_year = [o for o in application.other_applications if o.received_on.year == year]
    earlier = [o for o in same_year if o.received_on < application.received_on
               or (o.received_on == application.received_on and o.filed_earlier is True)]
    order_unsaid = [o for o in same_year if o.received_on == application.received_on and o.filed_earlier is None]
    counts = [(o, _counts_against(o, exceptions)) for o in earlier]
    counting = [o for o, c in counts if c is True]
    unsaid = [o for o, c in counts if c is None]
    set_aside = [o for o, c in counts if c is False]
    refusal = _over_limit(application, counting, per_cert, overall)
    if refusal:
        return Check(limits.id, Outcome.FAIL, refusal, limits.source)
    maybe = unsaid + [o for o in order_unsaid if _counts_against(o, exceptions) is not False]
    if maybe and _over_limit(application, counting + maybe, per_cert, overall):
        listed = Joined((_named(o) for o in maybe), ", ")
        questions = []
        if unsaid:
            questions.append(Said(N_("Précisez, pour chacune de ces demandes de l'année, si elle ne visait que des blocs de "
                                     "compétences ou si elle a caducé et que celle-ci la présente à nouveau, le référentiel "
                                     "inchangé : %(listed)s."), listed=Joined((_named(o) for o in unsaid), ", ")))
        same_day = [o for o in maybe if o not in unsaid]
        if same_day:
            questions.append(Said(N_("Précisez si ces demandes reçues le même jour ont été déposées avant celle-ci : %(listed)s."),
                                  listed=Joined((_named(o) for o in same_day), ", ")))
        return Check(limits.id, Outcome.UNKNOWN, Said(N_("La limite de dépôt dépend de demandes dont on ne sait pas si elles "
                                                         "comptent : %(listed)s."), listed=listed), limits.source,
                     question=Joined(questions))
    distinct = {o.certification for o in counting} | {application.certification}
    said = (N_("Demandes reçues en %(year)s avant celle-ci, avec elle : %(n)s certification sur %(most)s autorisées, aucune autre "
               "pour %(code)s.") if len(distinct) == 1 else  # never 0: this application counts
            N_("Demandes reçues en %(year)s avant celle-ci, avec elle : %(n)s certifications différentes sur %(most)s autorisées, "
               "aucune autre pour %(code)s."))
    detail = [Said(said, year=year, n=len(distinct), most=overall, code=application.certification)]
    if set_aside:
        detail.append(Said(N_("Ne comptent pas : %(listed)s."), listed=Joined((
            Said(N_("%(application)s, qui %(why)s"), application=_named(o),
                 why=Joined((Said(EXCEPTION_FLAGS[f]) for f in EXCEPTION_FLAGS if f in exceptions and getattr(o, f) is True), N_(" et ")))
            for o in set_aside), ", ")))
    return Check(limits.id, Outcome.PASS, Joined(detail), limits.source)
