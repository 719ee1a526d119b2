"""The figures a certifier reports to France Compétences, and how each is computed from the facts: pure functions.

Every figure is a count of facts of some kinds in a calendar year (optionally of one component, access route or
state), or a rate or a distribution of such facts, so that the list of files behind it is those very facts
(``queries.files_behind``) and always agrees with it.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ..enums import N_
from .facts import DECISIONS, SITTINGS, FactKind as K


@dataclass(frozen=True)
class Figure:
    """A figure: its key (in URLs and exports), its label, the fact kinds it counts, and its definition."""

    key: str
    french: str
    kinds: tuple
    definition: str
    by: str | None = None  # "component", "route" or "state": one line per value
    delay: bool = False  # a distribution of delays (median, 90th percentile) rather than a count
    sessions: bool = False  # counts the distinct jury sessions of the facts, not the facts
    day_label: str = N_("Jury du")  # what the day of each fact is, in the list behind the figure

    @property
    def label(self):
        from flask_babel import lazy_gettext

        return lazy_gettext(self.french)


FIGURES: list[Figure] = [
    Figure("received", N_("Demandes reçues"), (K.RECEIVED,), N_(
        "Demandes de recevabilité (ou dossiers de faisabilité) déposées, comptées l'année de leur réception ; une demande "
        "déposée à nouveau après une demande de pièces n'est comptée qu'une fois."), day_label=N_("Reçue le")),
    Figure("admissible", N_("Demandes recevables"), (K.ADMISSIBLE,), N_(
        "Décisions de recevabilité favorables, y compris celles nées du silence du certificateur, comptées l'année de la "
        "décision (pour une décision implicite : la date à laquelle le délai de réponse a expiré)."), day_label=N_("Décision du")),
    Figure("not_admissible", N_("Demandes non recevables"), (K.NOT_ADMISSIBLE,), N_(
        "Décisions de recevabilité défavorables, y compris celles nées du silence, comptées l'année de la décision."), day_label=N_("Décision du")),
    Figure("withdrawn", N_("Abandons"), (K.WITHDRAWN,), N_(
        "Parcours abandonnés par le candidat (ou enregistrés comme tels par le certificateur), l'année de l'abandon."), day_label=N_("Abandon le")),
    Figure("lapsed", N_("Parcours caducs"), (K.LAPSED,), N_(
        "Parcours déclarés caducs, l'année du constat : composantes acquises toutes expirées, ou recevabilité caduque "
        "après six mois sans démarche (C. trav. R6412-4)."), day_label=N_("Constatée le")),
    Figure("juries", N_("Jurys tenus"), SITTINGS, N_(
        "Sessions de jury qui ont siégé pour au moins un candidat de la certification (décision enregistrée, ou absence "
        "constatée), l'année de la session."), sessions=True),
    Figure("full", N_("Validations totales"), (K.FULL,), N_(
        "Décisions de jury de validation totale, l'année du jury. Un candidat qui obtient la certification en deux "
        "passages compte une validation partielle, puis une validation totale.")),
    Figure("partial", N_("Validations partielles"), (K.PARTIAL,), N_(
        "Décisions de jury de validation partielle (une composante au moins validée, pas toutes), l'année du jury.")),
    Figure("refused", N_("Refus du jury"), (K.REFUSED,), N_("Décisions de jury ne validant aucune composante, l'année du jury.")),
    Figure("components", N_("Composantes validées"), (K.COMPONENT_VALIDATED,), N_(
        "Composantes (blocs de compétences) validées par un jury, l'année du jury, par composante ; une composante déjà "
        "acquise et reportée n'est pas comptée de nouveau."), by="component"),
    Figure("holders", N_("Titulaires par voie d'accès"), (K.HOLDER,), N_(
        "Candidats ayant obtenu la certification complète, l'année du jury, par voie d'accès enregistrée au dossier ; "
        "une certification retirée pour fraude ne compte plus à partir de son retrait."), by="route"),
    Figure("success_rate", N_("Taux de réussite des candidats VAE présentés au jury"), (K.FULL,), N_(
        "Validations totales des candidats VAE, divisées par les décisions de jury (validation totale, partielle ou "
        "refus) prises sur des candidats VAE la même année ; un candidat absent n'est pas compté. Sans décision, pas de "
        "taux.")),
    Figure("delay_eligibility", N_("Délai réception → décision de recevabilité"), (K.ADMISSIBLE, K.NOT_ADMISSIBLE), N_(
        "Jours entre la réception de la demande et la décision de recevabilité (explicite ou implicite), pour les "
        "décisions de l'année."), delay=True, day_label=N_("Décision du")),
    Figure("delay_file", N_("Délai recevabilité → dossier de validation"), (K.VALIDATION_FILE,), N_(
        "Jours entre la décision de recevabilité et le premier dépôt du dossier de validation, pour les dépôts de "
        "l'année."), delay=True, day_label=N_("Déposé le")),
    Figure("delay_jury", N_("Délai dossier de validation → jury"), DECISIONS, N_(
        "Jours entre le dernier dépôt du dossier de validation et le jury qui a décidé, pour les décisions de l'année."),
        delay=True),
    Figure("delay_notice", N_("Délai jury → décision notifiée"), (K.NOTIFIED,), N_(
        "Jours entre le jury et la remise au serveur de messagerie du courriel qui notifie sa décision au candidat, "
        "pour les notifications de l'année."), delay=True, day_label=N_("Notifiée le")),
    Figure("expired", N_("Composantes expirées sans avoir servi"), (K.EXPIRED_UNUSED,), N_(
        "Composantes acquises arrivées à expiration, l'année de l'expiration, sans qu'une certification complète "
        "obtenue avant cette date les ait utilisées ; une expiration corrigée par un nouveau calcul ne compte plus à "
        "partir de la correction."), by="component", day_label=N_("Expirée le")),
    Figure("open", N_("Dossiers en cours en fin d'année"), (K.OPEN,), N_(
        "Dossiers reçus et non clos au 31 décembre (ou, pour l'année en cours, à la date de consultation), selon leur "
        "état ce jour-là ; un dossier partiellement validé est en cours tant qu'il n'est pas clos."), by="state", day_label=N_("Dans cet état depuis le")),
]
BY_KEY = {figure.key: figure for figure in FIGURES}
DELAY_METHOD = N_(
    "Médiane : valeur du milieu des délais rangés par ordre croissant (moyenne des deux valeurs du milieu pour un nombre "
    "pair). 90e centile : plus petit délai tel qu'au moins 9 délais sur 10 lui sont inférieurs ou égaux.")
AS_KNOWN = N_(
    "Chaque chiffre est établi à partir du journal des changements et des décisions, tel que le dossier les disait à la "
    "fin du jour « selon le journal au » : un événement enregistré plus tard ne change pas un chiffre établi pour une "
    "date passée.")


def cutoff(as_known_on: date) -> datetime:
    """The exclusive end of the day « as known on »."""
    return datetime.combine(as_known_on + timedelta(days=1), time.min)


def year_end(year: int, as_known_on: date) -> datetime:
    """The moment « at year end »: 31 December, or the day of consultation for the year under way."""
    return min(datetime(year + 1, 1, 1), cutoff(as_known_on))


@dataclass(frozen=True)
class Delays:
    """A distribution of delays in days."""

    n: int
    median: float | None
    p90: int | None
    histogram: tuple = ()  # (days, count), ascending


def delays_of(histogram: dict[int, int]) -> Delays:
    """Median and 90th percentile (nearest rank) of the delays counted in ``histogram``."""
    pairs = sorted((days, count) for days, count in histogram.items() if count)
    n = sum(count for _, count in pairs)
    if not n:
        return Delays(0, None, None)

    def ranked(rank: int) -> int:  # the rank-th smallest delay, 1-based
        seen = 0
        for days, count in pairs:
            seen += count
            if seen >= rank:
                return days
        raise AssertionError(rank)

    median = ranked((n + 1) // 2) if n % 2 else (ranked(n // 2) + ranked(n // 2 + 1)) / 2
    if isinstance(median, float) and median.is_integer():
        median = int(median)
    return Delays(n, median, ranked(math.ceil(0.9 * n)), tuple(pairs))


@dataclass
class Line:
    """One line of the table: a figure, or one of its components, routes or states."""

    figure: Figure
    values: dict  # year -> int | float | Delays | None
    detail: str | None = None  # the component, route or state of a « by » figure


@dataclass
class Report:
    certification: str
    years: list[int]
    as_known_on: date
    lines: list[Line] = field(default_factory=list)

    def line(self, key: str, detail: str | None = None) -> Line | None:
        return next((line for line in self.lines if line.figure.key == key and line.detail == detail), None)

    def value(self, key: str, year: int, detail: str | None = None):
        line = self.line(key, detail)
        return None if line is None else line.values.get(year)


def report(certification: str, years: list[int], as_known_on: date, counts, sessions, entered, left,
           details: dict[str, list[str]]) -> Report:
    """The report from the database's groupings: ``counts`` (kind, year, days, route, component, n), ``sessions``
    (year, distinct sessions), ``entered`` and ``left`` (state, year, n) for the open files. ``details`` give each
    « by » figure's values in the order to show (every component of the rules, every route, every open state)."""
    by_year: dict[tuple, int] = defaultdict(int)  # (kind, year) -> n, and with a route or a component
    by_route: dict[tuple, int] = defaultdict(int)
    by_component: dict[tuple, int] = defaultdict(int)
    delays: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for kind, year, days, route, component, n in counts:
        kind, route = str(kind), str(route)
        by_year[(kind, year)] += n
        by_route[(kind, year, route)] += n
        if component is not None:
            by_component[(kind, year, component)] += n
        if days is not None:
            delays[(kind, year)][days] += n

    def total(figure: Figure, year: int, detail: str | None = None, route: str | None = None) -> int:
        kinds = [k.value for k in figure.kinds]
        if route is not None or figure.by == "route" and detail is not None:
            return sum(by_route[(kind, year, route or detail)] for kind in kinds)
        if figure.by == "component" and detail is not None:
            return sum(by_component[(kind, year, detail)] for kind in kinds)
        return sum(by_year[(kind, year)] for kind in kinds)

    def histogram(figure: Figure, year: int) -> dict[int, int]:
        found: dict[int, int] = defaultdict(int)
        for kind in figure.kinds:
            for days, n in delays[(kind.value, year)].items():
                found[days] += n
        return found

    held = {year: n for year, n in sessions}
    result = Report(certification, years, as_known_on)
    for figure in FIGURES:
        if figure.sessions:
            result.lines.append(Line(figure, {y: held.get(y, 0) for y in years}))
        elif figure.delay:
            result.lines.append(Line(figure, {y: delays_of(histogram(figure, y)) for y in years}))
        elif figure.key == "success_rate":
            rate = {}
            for y in years:
                decided = sum(total(BY_KEY[key], y, route="vae") for key in ("full", "partial", "refused"))
                rate[y] = total(figure, y, route="vae") / decided if decided else None
            result.lines.append(Line(figure, rate))
        elif figure.key == "open":
            states = details.get("state", [])
            result.lines.append(Line(figure, {y: sum(_open_at(entered, left, state, y) for state in states) for y in years}))
            for state in states:
                result.lines.append(Line(figure, {y: _open_at(entered, left, state, y) for y in years}, state))
        elif figure.by:
            result.lines.append(Line(figure, {y: total(figure, y) for y in years}))  # the figure's own total
            for detail in details.get(figure.by, []):
                result.lines.append(Line(figure, {y: total(figure, y, detail) for y in years}, detail))
        else:
            result.lines.append(Line(figure, {y: total(figure, y) for y in years}))
    return result


def _open_at(entered, left, state: str, year: int) -> int:
    """Files in ``state`` at the end of ``year``: entered up to then, less those that left it up to then (the counts
    are already limited to what the record said « as known on »)."""
    return (sum(n for s, y, n in entered if str(s) == state and y <= year)
            - sum(n for s, y, n in left if str(s) == state and y <= year))
