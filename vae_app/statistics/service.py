"""What the page, the exports and ``flask stats`` share: the period asked for, read and checked, and the report of a
certification with the labels of its components, routes and states."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..candidacies.models import CandidacyState
from ..certifications.models import Certification
from ..certifications.registry import get_rules
from ..certifications.vocabulary import AccessRoute
from flask_babel import gettext as _

from ..dates import ISO_DAY, TYPED_DAY, short_date, typed_day
from . import queries
from .figures import Report

FIRST_YEAR = 2002  # the VAE exists since the law of 17 January 2002
MAX_YEARS = 30


@dataclass(frozen=True)
class Period:
    first: int
    last: int
    as_known_on: date

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))


class PeriodError(ValueError):
    """What is wrong in the period asked for, field by field (French)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{name} : {problem}" for name, problem in errors.items()))
        self.errors = errors


def _year(text, name: str, errors: dict) -> int | None:
    text = (str(text) if text is not None else "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        errors[name] = _("année attendue sur quatre chiffres (par exemple 2016), reçu « %(text)s »", text=text[:12])
        return None
    return int(text)


def _day(text: str, errors: dict) -> date | None:
    try:
        return typed_day(text)
    except ValueError:
        if TYPED_DAY.fullmatch(text.strip()) or ISO_DAY.fullmatch(text.strip()):
            errors["au"] = _("« %(text)s » n'est pas une date possible", text=text.strip()[:20])
        else:
            errors["au"] = _("date attendue au format JJ/MM/AAAA (par exemple 31/12/2016), reçu « %(text)s »", text=text.strip()[:20])
        return None


def period(first, last, as_known_on, today: date) -> Period:
    """The period asked for: years ``first`` to ``last`` (the ten years up to the one « as known on » when not said),
    as the record said them at the end of ``as_known_on`` (today when not said, never after today).
    :class:`PeriodError` names each field at fault, in the reader's language."""
    errors: dict[str, str] = {}
    known = today
    if as_known_on not in (None, ""):
        known = as_known_on if isinstance(as_known_on, date) else _day(str(as_known_on), errors)
        if known is not None and known > today:
            errors["au"] = _("le journal ne peut être lu qu'au plus tard aujourd'hui (%(day)s)", day=short_date(today))
        elif known is not None and known.year < FIRST_YEAR:
            errors["au"] = _("la VAE existe depuis %(year)s : une date à partir du 01/01/%(year)s", year=FIRST_YEAR)
    start, end = _year(first, "de", errors), _year(last, "a", errors)
    if errors:
        raise PeriodError(errors)
    end = end if end is not None else known.year
    start = start if start is not None else max(FIRST_YEAR, end - 9)
    if start < FIRST_YEAR:
        errors["de"] = _("la VAE existe depuis %(year)s : année %(year)s au plus tôt", year=FIRST_YEAR)
    if end > known.year:
        errors["a"] = _("l'année %(year)s n'a pas commencé au %(day)s : année %(last)s au plus tard", year=end,
                        day=short_date(known), last=known.year)
    if not errors and start > end:
        errors["de"] = _("la première année (%(first)s) vient après la dernière (%(last)s)", first=start, last=end)
    if not errors and end - start + 1 > MAX_YEARS:
        errors["de"] = _("%(count)s années au plus à la fois", count=MAX_YEARS)
    if errors:
        raise PeriodError(errors)
    return Period(start, end, known)


def report_of(certification: Certification, chosen: Period) -> Report:
    return queries.figures(certification, chosen.years, chosen.as_known_on, details_allowed(certification))


def details_allowed(certification: Certification) -> dict[str, list[str]]:
    """What each « by » figure may be narrowed to: the certification's components, the routes, the open states."""
    rules = get_rules()
    cert = rules.certification(certification.code) if certification.code in rules.certifications else None
    components = [c.code for c in cert.components] if cert else []
    return queries.details_of(certification, components, [r.value for r in AccessRoute])


def label_for(certification_code: str):
    """What a person reads for a component, a route or a state of a « by » figure."""
    rules = get_rules()
    cert = rules.certification(certification_code) if certification_code in rules.certifications else None

    def label(by: str | None, detail: str | None) -> str:
        if not detail:
            return ""
        if by == "route":
            return str(AccessRoute(detail).label)
        if by == "state":
            return str(CandidacyState(detail).label)
        component = cert.component(detail) if cert else None
        return f"{detail} — {component.title}" if component else detail

    return label


def label_for_all(certification_codes: list[str]):
    """One labeller for several certifications (an export of all of them): a component is named by the first
    certification that knows it."""
    labels = [label_for(code) for code in certification_codes]

    def label(by: str | None, detail: str | None) -> str:
        return next((text for text in (one(by, detail) for one in labels) if text != detail), detail or "")

    return label
