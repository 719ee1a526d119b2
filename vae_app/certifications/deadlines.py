"""The law's deadlines, as pure functions of the rules and the dates they are keyed on.

- R3: the certifier answers on eligibility within 2 months of receiving the
  complete application; R4/R5 (and policy Q5 per certifier): what its
  silence means then — rules in force on the day the application was received.
- D4: the jury sits before the end of the 3rd month after the validation
  file is filed — rule in force on the filing day.

No database, no Flask: the eligibility engine, the workflow's guards and the
coordinator's pages all ask here.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from .rules import LawRules


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clipped to the month's last day (31 Dec + 2 months = 29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    """Same day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class Silence:
    """What the certifier's silence means for an application received on a given day."""

    means: str | None  # "admissible", "rejection", or None: no rule in force, or the certifier's kind is not known
    rule: str | None
    source: str | None

    @property
    def admissible(self) -> bool:
        """Whether silence makes the application admissible (otherwise it is a rejection)."""
        return self.means == "admissible"


@dataclass(frozen=True)
class AnswerDeadline:
    """R3: the last day of the certifier's answer, and what silence means after it."""

    due_on: date
    rule: str
    source: str
    silence: Silence


@dataclass(frozen=True)
class JuryDeadline:
    """D4: the last day on which the jury may sit."""

    on: date
    rule: str
    source: str
    governs: bool | None = True  # None: whether it governs the pathway is not known (the certification's France VAE date)


def silence_rule(law: LawRules, received_on: date, certifier_code: str | None, certifier_kind: str | None = None) -> Silence:
    """What silence means for an application received on ``received_on``, for a certifier of ``certifier_kind``
    (``state``, ``local``, ``private``; R4, R5), or as the certifier's own exception (Q5). Unknown (None) when the
    meaning depends on a kind nobody has entered."""
    rule = law["silence_meaning"]
    override = (rule.extra.get("certifier_overrides") or {}).get(certifier_code or "")
    if override and date.fromisoformat(override["from"]) <= received_on:
        return Silence(override["means"], "Q5", override["source"])
    entry = rule.at(received_on)
    if entry is None:
        return Silence(None, None, None)
    by_kind = entry.value["by_certifier_kind"]
    if certifier_kind in by_kind:
        return Silence(by_kind[certifier_kind], entry.id, entry.source)
    meanings = set(by_kind.values())
    return Silence(meanings.pop() if len(meanings) == 1 else None, entry.id, entry.source)


def answer_deadline(law: LawRules, received_on: date, complete_on: date | None = None,
                    certifier_code: str | None = None, certifier_kind: str | None = None) -> AnswerDeadline | None:
    """R3 in force on the receipt day, counted from the day the application became complete
    (the receipt day when it was complete at once). None when no such rule is in force."""
    entry = law["answer_deadline"].at(received_on)
    if entry is None:
        return None
    due = add_months(complete_on or received_on, entry.value["months"])
    return AnswerDeadline(due, entry.id, entry.source, silence_rule(law, received_on, certifier_code, certifier_kind))


def feasibility_deadline(entry, received_on: date, complete_on: date | None) -> AnswerDeadline:
    """N5 for a pathway on France VAE: the answer is due ``months_after_complete_file`` after the complete
    feasibility file; silent, France VAE notifies the candidate that the file is admissible, whoever the certifier."""
    due = add_months(complete_on or received_on, entry.value["months_after_complete_file"])
    return AnswerDeadline(due, entry.id, entry.source, Silence("admissible", entry.id, entry.source))


def jury_deadline(law: LawRules, validation_file_filed_on: date, certification=None, pathway_started_on: date | None = None,
                  ) -> JuryDeadline | None:
    """D4 in force on the filing day: the last day of the 3rd month after it. None before D4, and for a
    ``certification`` whose pathway (initiated on ``pathway_started_on``) it does not govern (N7: only once the
    certification is on France VAE). ``governs`` on the result: None when the certification's rules do not say."""
    entry = law["jury_deadline"].at(validation_file_filed_on)
    if entry is None:
        return None
    governs = True if certification is None else certification.reform_governs(entry, pathway_started_on or validation_file_filed_on)
    if governs is False:
        return None
    shifted = add_months(validation_file_filed_on, entry.value["months_after_validation_file"])
    return JuryDeadline(end_of_month(shifted), entry.id, entry.source, governs)
