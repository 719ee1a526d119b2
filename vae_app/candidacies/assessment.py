"""Where a candidacy stands on its components: which are carried over from an earlier
jury, which remain to assess, the validation file's texts, and whether a jury's
decision agrees with the per-component results (D1)."""
from __future__ import annotations

from datetime import date

from ..certifications.decisions import check_decision
from ..certifications.rules import Component, RuleBook
from ..certifications.vocabulary import DecisionOutcome
from .models import Candidacy


def carried_over(candidacy: Candidacy, day: date) -> set[str]:
    """Codes of the components acquired earlier and still valid on ``day``."""
    return {a.component_code for a in candidacy.acquired_components if a.is_valid_on(day)}


def targeted(candidacy: Candidacy, rules: RuleBook) -> tuple[Component, ...]:
    """The components the candidacy targets (N1): every one of the certification, one option's, or blocs."""
    return rules.certification(candidacy.certification.code).components_of(candidacy.target_components)


def award_options(candidacy: Candidacy, rules: RuleBook) -> list[tuple[str, ...]]:
    """The sets of components that obtain the candidacy's certification."""
    return [option.components for option in rules.certification(candidacy.certification.code).award_options]


def components_to_assess(candidacy: Candidacy, rules: RuleBook, today: date) -> list[Component]:
    """The targeted components not already acquired and still valid (those are carried over)."""
    held = carried_over(candidacy, today)
    return [c for c in targeted(candidacy, rules) if c.code not in held]


def section_texts(candidacy: Candidacy) -> dict[str, str]:
    return {s.component_code: s.text for s in candidacy.validation_sections}


def filled_components(candidacy: Candidacy) -> set[str]:
    """Codes of the components whose part of the validation file holds something: a text, or a document."""
    written = {code for code, text in section_texts(candidacy).items() if text.strip()}
    return written | {d.component_code for d in candidacy.documents if d.component_code is not None}


def decision_check(candidacy: Candidacy, data: dict, rules: RuleBook) -> tuple[DecisionOutcome | None, list[tuple[str, str]]]:
    """(outcome, problems) of a jury's decision as recorded: ``data`` is ``{"outcome": <DecisionOutcome value>,
    "components": {"CODE": true|false, …}}`` for the components the jury assessed, dated by its session."""
    session = candidacy.jury_session
    claimed = data.get("outcome")
    if session is None and isinstance(claimed, str) and claimed in {o.value for o in DecisionOutcome if o.decides}:
        return DecisionOutcome(claimed), [("", "Aucune session de jury : la décision ne peut pas être datée.")]
    day = session.starts_at.date() if session else None
    codes = [c.code for c in targeted(candidacy, rules)]
    expired = {a.component_code: a.expires_on for a in candidacy.acquired_components if day and not a.is_valid_on(day)}
    carried = carried_over(candidacy, day) if day else set()
    return check_decision(claimed, codes, carried, expired, data.get("components") or {}, award_options(candidacy, rules))
