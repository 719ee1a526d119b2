"""Loading the dated rules of ``rules/`` into read-only objects.

Files are read with a safe YAML loader that keeps dates as text, validated
against the JSON Schemas of ``rules/schema/``, then checked semantically
(:mod:`.rules_check`); only then are they turned into the objects below. Any
error names the file and the path inside it, e.g.
``rules/certifications/rncp-5385.yaml: access_routes.vae.history[1].value.jury.seats[1].count: must be >= 1``.

Nothing here touches the database or Flask: the app loads a :class:`RuleBook`
once at start-up and hands it to the pure rule functions.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable

import yaml

from .rules_check import check_documents
from .vocabulary import AccessRoute


class RulesError(Exception):
    """One or more rule files are invalid; ``messages`` name file and path."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


class _TextDateLoader(yaml.SafeLoader):
    """A safe loader that leaves ``2002-01-18`` as text, for the JSON Schema."""


_TextDateLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_TextDateLoader)  # noqa: S506 - SafeLoader subclass


# --------------------------------------------------------------------------- dated values


@dataclass(frozen=True)
class Entry:
    """A value in force from ``start`` to ``end`` (inclusive, open when None)."""

    start: date
    end: date | None
    value: Any
    source: str
    id: str | None = None
    note: str | None = None
    policy: str | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    @classmethod
    def from_raw(cls, raw: dict, value_key: str = "value") -> "Entry":
        return cls(
            start=date.fromisoformat(raw["from"]),
            end=date.fromisoformat(raw["to"]) if raw.get("to") else None,
            value=raw.get(value_key),
            source=raw["source"],
            id=raw.get("id"),
            note=raw.get("note"),
            policy=raw.get("policy"),
        )


@dataclass(frozen=True)
class History:
    """Dated entries; the one in force on day D is the latest starting on or before D."""

    entries: tuple[Entry, ...]

    @classmethod
    def from_raw(cls, raw_entries: list[dict]) -> "History":
        return cls(tuple(sorted((Entry.from_raw(e) for e in raw_entries), key=lambda e: e.start)))

    def at(self, day: date) -> Entry | None:
        current = None
        for entry in self.entries:
            if entry.start <= day:
                current = entry
            else:
                break
        if current is not None and current.end is not None and day > current.end:
            return None
        return current

    def change_dates(self) -> list[date]:
        """Every day on which the value in force changes (starts, and days after ends)."""
        days = set()
        for entry in self.entries:
            days.add(entry.start)
            if entry.end is not None:
                days.add(date.fromordinal(entry.end.toordinal() + 1))
        return sorted(days)


# --------------------------------------------------------------------------- juries


@dataclass(frozen=True)
class Including:
    """Within a seat, at least ``at_least`` holders of one of ``qualifications``."""

    qualifications: frozenset[str]
    at_least: int
    label: dict


@dataclass(frozen=True)
class Seat:
    """``count`` members holding one of ``qualifications`` (None: anyone)."""

    id: str
    label: dict
    qualifications: frozenset[str] | None
    count: int
    at_least: bool = False
    role: str | None = None
    including: tuple[Including, ...] = ()

    def admits(self, qualifications: Iterable[str]) -> bool:
        return self.qualifications is None or bool(self.qualifications & set(qualifications))


@dataclass(frozen=True)
class Place:
    """``count`` places of one kind in a jury, each held by one member: a seat of the rules, or the part
    of a seat kept for some qualifications (``including``). Who may hold them (None: anyone), how they
    are named; ``key`` tells a seat's places apart from those of its ``including`` parts."""

    seat: Seat
    key: str
    qualifications: frozenset[str] | None
    label: dict
    count: int

    @property
    def assignment(self) -> str:
        """What a member holding such a place is recorded as: the seat's role (president), else its id."""
        return self.seat.role or self.seat.id


@dataclass(frozen=True)
class Share:
    """A share of the jury holding one of ``qualifications``: ``more_than`` or ``at_least``."""

    label: dict
    qualifications: frozenset[str]
    more_than: float | None = None
    at_least: float | None = None


@dataclass(frozen=True)
class JuryRule:
    """The jury a certification requires on one route, as structured seats."""

    structured: bool
    text: str | None
    size_exact: int | None = None
    size_min: int | None = None
    size_max: int | None = None
    seats: tuple[Seat, ...] = ()
    shares: tuple[Share, ...] = ()

    def places(self) -> tuple[Place, ...]:
        """The jury's places, by kind: each seat's ``including`` parts first (``at_least`` places each),
        then its remaining places."""
        places = []
        for seat in self.seats:
            reserved = 0
            for index, part in enumerate(seat.including):
                places.append(Place(seat, f"{seat.id}:inc{index}", part.qualifications, part.label or seat.label, part.at_least))
                reserved += part.at_least
            if seat.count > reserved:
                places.append(Place(seat, seat.id, seat.qualifications, seat.label, seat.count - reserved))
        return tuple(places)

    @property
    def size(self) -> int:
        """The jury's size: the exact size the fiche gives, else its places."""
        return self.size_exact or sum(seat.count for seat in self.seats)

    @property
    def qualifications_asked(self) -> frozenset[str]:
        """Every qualification a seat names (a seat open to anyone names none)."""
        return frozenset().union(*(seat.qualifications for seat in self.seats if seat.qualifications is not None))

    @property
    def has_open_seat(self) -> bool:
        """Whether some seat admits anyone."""
        return any(seat.qualifications is None for seat in self.seats)

    @classmethod
    def from_raw(cls, raw: dict | None, structured: bool) -> "JuryRule | None":
        if raw is None:
            return None
        size = raw.get("size") or {}
        seats = tuple(
            Seat(
                id=s["id"],
                label=s.get("label") or {"fr": s["id"], "en": s["id"]},
                qualifications=None if s["qualifications"] == "any" else frozenset(s["qualifications"]),
                count=s["count"],
                at_least=s.get("at_least", False),
                role=s.get("role"),
                including=tuple(
                    Including(frozenset(i["qualifications"]), i["at_least"], i.get("label") or {})
                    for i in s.get("including", [])
                ),
            )
            for s in raw.get("seats", [])
        )
        shares = tuple(
            Share(sh.get("label") or {}, frozenset(sh["qualifications"]), sh.get("more_than"), sh.get("at_least"))
            for sh in raw.get("shares", [])
        )
        return cls(
            structured=structured and bool(seats or size),
            text=raw.get("text"),
            size_exact=size.get("exact"),
            size_min=size.get("min"),
            size_max=size.get("max"),
            seats=seats,
            shares=shares,
        )


@dataclass(frozen=True)
class RouteState:
    """A route on one day: open or not, its jury, and where that comes from."""

    route: AccessRoute
    open: bool
    jury: JuryRule | None
    entry: Entry

    @property
    def since(self) -> date:
        return self.entry.start


# --------------------------------------------------------------------------- certifications


@dataclass(frozen=True)
class Component:
    code: str
    title: str
    assessments: tuple[str, ...]
    source: str
    transversal: bool = False


@dataclass(frozen=True)
class Period:
    start: date
    end: date | None
    kind: str
    source: str
    note: str | None = None
    award_until: date | None = None  # the fiche's DATE_LIMITE_DELIVRANCE: awarded after ``end`` up to this day (REG)

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def awards_after_end(self, day: date) -> bool:
        """Whether ``day`` falls after the registration's end but still within its award limit."""
        return self.end is not None and self.award_until is not None and self.end < day <= self.award_until


@dataclass(frozen=True)
class AwardOption:
    """One way of obtaining the certification: the components it takes (the common ones and an option's)."""

    id: str | None  # None: the certification has no options
    label: dict
    components: tuple[str, ...]


@dataclass
class CertificationRules:
    """Everything ``rules/certifications/<code>.yaml`` says, queried by date."""

    code: str
    path: str
    raw: dict
    certifier_code: str
    certifier_history: History
    titles: History
    registration: tuple[Period, ...]
    routes: dict[AccessRoute, History]
    components: tuple[Component, ...]
    component_validity: History
    composition_structured: bool
    session_capacity: int = 4
    qualifications: dict = field(default_factory=dict)

    @classmethod
    def from_raw(cls, raw: dict, path: str) -> "CertificationRules":
        structured = raw["metadata"].get("composition_structured", True)
        return cls(
            code=raw["code"],
            path=path,
            raw=raw,
            certifier_code=raw["certifier"]["code"],
            certifier_history=History.from_raw(raw["certifier"]["history"]),
            titles=History.from_raw(raw["titles"]),
            registration=tuple(
                sorted(
                    (
                        Period(
                            date.fromisoformat(p["from"]),
                            date.fromisoformat(p["to"]) if p.get("to") else None,
                            p.get("kind", "registration"),
                            p["source"],
                            p.get("note"),
                            date.fromisoformat(p["award_until"]) if p.get("award_until") else None,
                        )
                        for p in raw["registration"]
                    ),
                    key=lambda p: p.start,
                )
            ),
            routes={AccessRoute(name): History.from_raw(r["history"]) for name, r in raw["access_routes"].items()},
            components=tuple(
                Component(c["code"], c["title"], tuple(c.get("assessments", [])), c["source"], c.get("transversal", False))
                for c in raw["components"]
            ),
            component_validity=History.from_raw(raw.get("component_validity", {}).get("history", [])),
            composition_structured=structured,
            session_capacity=raw.get("session", {}).get("capacity", {}).get("value", 4),
            qualifications=raw.get("qualifications", {}),
        )

    # -- queries by date ------------------------------------------------------

    def title_on(self, day: date) -> str:
        entry = self.titles.at(day)
        return entry.value if entry else self.titles.entries[0].value

    @property
    def current_title(self) -> str:
        return self.titles.entries[-1].value

    def certifier_on(self, day: date) -> dict:
        entry = self.certifier_history.at(day) or self.certifier_history.entries[0]
        return entry.value

    @property
    def france_vae(self) -> tuple[bool, date | None]:
        """(known, the day the certification joined France VAE): (True, None) when it never did, (False, None) when
        its rules do not say."""
        fact = self.raw.get("france_vae_from")
        if fact is None:
            return False, None
        return True, date.fromisoformat(str(fact["value"])) if fact["value"] else None

    def reform_governs(self, entry, started: date) -> bool | None:
        """Whether a rule of the 2024 pathway (``entry``, in force on ``started``) governs this certification's
        pathway initiated that day: one that needs France VAE (``france_vae_only``) only from the day the
        certification joined it (décret 2023-1275 art. 5); None when its rules do not say that day."""
        if entry is None:
            return False
        if not entry.value.get("france_vae_only"):
            return True
        known, since = self.france_vae
        if not known:
            return None
        return since is not None and started >= since

    @property
    def award_options(self) -> tuple[AwardOption, ...]:
        """The options of the certification (its ``award_structure``): each the common components plus its own;
        one option holding every component when the rules give no structure."""
        fact = self.raw.get("award_structure")
        if not fact:
            return (AwardOption(None, {}, tuple(c.code for c in self.components)),)
        common = tuple(fact["value"]["common"])
        return tuple(AwardOption(o["id"], o["label"], common + tuple(o["components"])) for o in fact["value"]["options"])

    def awards(self, held: Iterable[str]) -> AwardOption | None:
        """The option whose every component is in ``held`` (the certification is obtained), or None."""
        held = set(held)
        return next((option for option in self.award_options if set(option.components) <= held), None)

    def option_targeted(self, target: Iterable[str] | None) -> AwardOption | None:
        """The option a target of components amounts to (the whole certification), or None (blocs only). ``None``
        as target is the whole certification when it has no options."""
        if target is None:
            options = self.award_options
            return options[0] if len(options) == 1 else None
        wanted = set(target)
        return next((option for option in self.award_options if set(option.components) == wanted), None)

    def components_of(self, target: Iterable[str] | None) -> tuple[Component, ...]:
        """The components a target names, in the certification's order (None: every one)."""
        if target is None:
            return self.components
        wanted = set(target)
        return tuple(c for c in self.components if c.code in wanted)

    @property
    def vae_regime(self) -> str:
        """The regime of the certification's VAE: ``general`` (the RNCP regime) unless its rules say
        ``higher_education`` (L613-3: a diploma or title delivered in the name of the State by a university…)."""
        return ((self.raw.get("vae_regime") or {}).get("value")) or "general"

    @property
    def certifier_kind(self) -> str | None:
        """``state``, ``local`` or ``private`` as the rules say (what the certifier's silence means depends on it);
        None when nobody has entered it."""
        return ((self.raw.get("certifier") or {}).get("kind") or {}).get("value")

    @property
    def certifier_name(self) -> str:
        return self.certifier_history.entries[-1].value["name"]

    def registration_on(self, day: date) -> Period | None:
        for period in self.registration:
            if period.covers(day):
                return period
        return None

    def award_period_on(self, day: date) -> Period | None:
        """The registration whose award limit still covers ``day`` although it has ended (None: none does)."""
        return next((p for p in self.registration if p.awards_after_end(day)), None)

    def is_registered_on(self, day: date) -> bool:
        return self.registration_on(day) is not None

    @property
    def registration_end(self) -> date | None:
        return self.registration[-1].end if self.registration else None

    def route_on(self, route: AccessRoute, day: date) -> RouteState | None:
        history = self.routes.get(route)
        entry = history.at(day) if history else None
        if entry is None:
            return None
        value = entry.value
        return RouteState(route, bool(value.get("open")), JuryRule.from_raw(value.get("jury"), self.composition_structured), entry)

    def open_routes_on(self, day: date) -> list[RouteState]:
        states = (self.route_on(route, day) for route in AccessRoute)
        return [s for s in states if s is not None and s.open]

    def validity_years_on(self, day: date) -> Entry | None:
        return self.component_validity.at(day)

    def component(self, code: str) -> Component | None:
        return next((c for c in self.components if c.code == code), None)


# --------------------------------------------------------------------------- the law


@dataclass(frozen=True)
class LawRule:
    name: str
    label: dict
    keyed_on: str
    history: History
    required_from: date | None
    extra: dict

    def at(self, day: date) -> Entry | None:
        return self.history.at(day)


@dataclass
class LawRules:
    path: str
    raw: dict
    rules: dict[str, LawRule]
    qualifications: dict[str, dict]
    training_statuses: frozenset[str]

    @classmethod
    def from_raw(cls, raw: dict, path: str) -> "LawRules":
        rules = {}
        for name, rule in raw["rules"].items():
            extra = {k: v for k, v in rule.items() if k not in {"label", "keyed_on", "history", "required_from"}}
            rules[name] = LawRule(
                name=name,
                label=rule["label"],
                keyed_on=rule["keyed_on"],
                history=History.from_raw(rule["history"]),
                required_from=date.fromisoformat(rule["required_from"]) if rule.get("required_from") else None,
                extra=extra,
            )
        return cls(
            path=path,
            raw=raw,
            rules=rules,
            qualifications=raw["qualifications"],
            training_statuses=frozenset(raw["training_statuses"]["value"]),
        )

    def __getitem__(self, name: str) -> LawRule:
        return self.rules[name]


@dataclass
class RuleBook:
    """The law and every certification, loaded and checked."""

    law: LawRules
    certifications: dict[str, CertificationRules]
    directory: str

    def certification(self, code: str) -> CertificationRules:
        try:
            return self.certifications[code.upper().replace(" ", "")]
        except KeyError:
            raise KeyError(f"unknown certification {code!r}") from None

    def reform_governs(self, code: str, rule: str, started: date) -> bool | None:
        """Whether the law's ``rule`` of the 2024 pathway governs a pathway of certification ``code`` initiated on
        ``started`` (:meth:`CertificationRules.reform_governs` on the entry in force that day)."""
        return self.certification(code).reform_governs(self.law[rule].at(started), started)

    def qualification_names(self, certification: CertificationRules | None = None) -> set[str]:
        names = set(self.law.qualifications)
        if certification is not None:
            names |= set(certification.qualifications)
        return names

    @cached_property
    def all_qualification_names(self) -> set[str]:
        names = set(self.law.qualifications)
        for cert in self.certifications.values():
            names |= set(cert.qualifications)
        return names

    def qualification_label(self, name: str, lang: str = "fr") -> str:
        spec = self.law.qualifications.get(name)
        if spec is None:
            for cert in self.certifications.values():
                spec = cert.qualifications.get(name) or spec
        if not spec:
            return name
        return spec["label"].get(lang) or spec["label"]["fr"]


# --------------------------------------------------------------------------- loading


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def load_rules(directory: str | Path) -> RuleBook:
    """Read, validate and build every rule file under ``directory``.

    Raises :class:`RulesError` listing every problem found, each naming the
    file and the path inside it.
    """
    root = Path(directory)
    law_path = root / "law" / "vae.yaml"
    documents: dict[str, tuple[str, Any]] = {}
    errors: list[str] = []
    paths = [law_path] + sorted((root / "certifications").glob("*.yaml"))
    for path in paths:
        label = _relative(path, root)
        if not path.exists():
            errors.append(f"{label}: file missing")
            continue
        try:
            documents[label] = ("law" if path == law_path else "certification", read_yaml(path))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            errors.append(f"{label}: invalid YAML{where}: {getattr(exc, 'problem', exc)}")
    if errors:
        raise RulesError(errors)
    errors = check_documents(documents, schema_dir=root / "schema")
    if errors:
        raise RulesError(errors)
    law = None
    certifications = {}
    for label, (kind, raw) in documents.items():
        if kind == "law":
            law = LawRules.from_raw(raw, label)
        else:
            cert = CertificationRules.from_raw(raw, label)
            certifications[cert.code] = cert
    return RuleBook(law=law, certifications=certifications, directory=str(root))


def to_jsonable(value: Any) -> Any:
    """Dates to ISO text, sets to sorted lists, enums to values: for ``--json`` output."""
    return json.loads(json.dumps(value, default=_default))


def _default(value: Any):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if hasattr(value, "value"):
        return value.value
    raise TypeError(f"not JSON serialisable: {value!r}")
