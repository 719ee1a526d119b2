"""Jury composition: does a jury meet its certification's rules and the law on its date?

Pure: :func:`check_composition` takes a :class:`Jury` (members with gender,
qualifications and optional role; candidates with their ties) and the rule
book, and returns a :class:`Report` — findings ``pass``/``fail``/``unknown``,
each with a French and an English message saying what to do, its source, and
the candidate it concerns when it is about a tie — plus the seat assignment
found (members need not carry roles: the checker finds one when it exists).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from typing import Any, Iterable

from ..certifications.rules import Place, RuleBook
from ..certifications.vocabulary import AccessRoute, Outcome
from ..dates import document_day, long_date, optional_day
from ..errors import InvalidData
from .requirement import JuryRequirement, for_pathway, jury_requirement

PASS, FAIL, UNKNOWN = Outcome.PASS, Outcome.FAIL, Outcome.UNKNOWN
TIE_KINDS = ("employer", "accompanier", "professional", "personal")
TIE_LABELS = {"employer": ("employeur du candidat", "the candidate's employer"),
              "accompanier": ("accompagnateur du candidat", "the candidate's accompanier"),
              "professional": ("lien professionnel avec le candidat", "a professional tie with the candidate"),
              "personal": ("lien personnel avec le candidat", "a personal tie with the candidate"),
              None: ("lien déclaré avec le candidat", "a declared tie with the candidate")}


@dataclass(frozen=True)
class Member:
    id: str
    gender: str | None = None  # "F", "M" or None (not known)
    qualifications: frozenset[str] = frozenset()
    role: str | None = None  # a seat id of the rules, or "president"
    name: str | None = None  # how messages name the member (the id when not given)

    @property
    def called(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Tie:
    member: str
    kind: str | None = None  # None: declared without its nature (treated as disqualifying)


@dataclass(frozen=True)
class JuryCandidate:
    id: str
    ties: tuple[Tie, ...] = ()
    received_on: date | None = None  # when the application was received (REG after the registration's end); None: not known
    pathway_started_on: date | None = None  # when the candidate's VAE pathway was initiated (N8: J4 from 2024-04-13); None: not said


@dataclass(frozen=True)
class Jury:
    certification: str
    route: AccessRoute
    on: date
    members: tuple[Member, ...]
    candidates: tuple[JuryCandidate, ...] = ()
    # Why a balanced jury could not be formed, as the coordinator recorded it (policy G); None: nothing recorded.
    gender_exception: str | None = None


@dataclass(frozen=True)
class Finding:
    rule: str
    outcome: Outcome
    message: str
    message_en: str
    source: str
    candidate: str | None = None
    topic: str | None = None  # "gender" for the women/men balance (the screen offers to record a reason beside it)
    members: tuple[str, ...] = ()  # the members a finding bars (a tie with the candidate)

    def as_dict(self) -> dict:
        body = {"rule": self.rule, "outcome": self.outcome.value, "message": self.message, "message_en": self.message_en,
                "source": self.source}
        if self.candidate is not None:
            body["candidate"] = self.candidate
        return body


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    assignment: dict[str, str] = field(default_factory=dict)
    gender_exception_used: bool = False  # the jury has one gender and passes on the coordinator's recorded reason

    @property
    def compliant(self) -> bool | None:
        return Outcome.overall(f.outcome for f in self.findings)

    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.outcome == FAIL]

    def unknowns(self) -> list[Finding]:
        return [f for f in self.findings if f.outcome == UNKNOWN]

    def as_dict(self) -> dict:
        return {"compliant": self.compliant, "findings": [f.as_dict() for f in self.findings], "assignment": self.assignment}

    def add(self, rule, outcome, message, message_en, source, candidate=None, topic=None, members=()):
        self.findings.append(Finding(rule, outcome, message, message_en, source, candidate, topic, tuple(members)))


def _fraction(part: int, size: int, ratio, lang: str = "fr") -> str:
    """« 2/7 = 29 % »; a jury without members has no share to show (never « 0/0 = 0 % »)."""
    if size == 0:
        return "aucun membre" if lang == "fr" else "no member"
    return f"{part}/{size} = {_pct(ratio)}"


def _pct(value: Fraction | float) -> str:
    return f"{round(value * 100)} %"


def _share(part: int, whole: int) -> Fraction:
    """``part`` of ``whole`` members, exactly (no members: none of them)."""
    return Fraction(part, whole) if whole else Fraction(0)


def _exact(threshold: float) -> Fraction:
    """A share written in the rules (0.8, 0.25) as the fraction it says: 4/5, never the nearest binary float."""
    return Fraction(str(threshold))


# --------------------------------------------------------------------------- seats


def assign_places(members: list[Member], places: tuple[Place, ...]) -> dict[int, int]:
    """A maximum matching place index -> member index (augmenting paths; juries are small).

    A member carrying a role may only take a place of that seat.
    """
    owner: dict[int, int] = {}
    has_president = any(place.seat.role == "president" for place in places)

    def allowed(m: Member, place: Place) -> bool:
        if place.qualifications is not None and not place.qualifications & m.qualifications:
            return False
        if m.role and m.role != "president":
            return m.role == place.seat.id
        if m.role == "president":
            return place.seat.role == "president" or not has_president
        return True

    def augment(mi: int, seen: set[int]) -> bool:
        for pi, place in enumerate(places):
            if pi in seen or not allowed(members[mi], place):
                continue
            seen.add(pi)
            if pi not in owner or augment(owner[pi], seen):
                owner[pi] = mi
                return True
        return False

    # Members with fewer possible places first: a better matching order, same maximum.
    order = sorted(range(len(members)), key=lambda i: sum(allowed(members[i], p) for p in places))
    for mi in order:
        augment(mi, set())
    return owner


def _fr(count: int, one: str, many: str) -> str:
    """« 0 membre », « 1 membre », « 2 membres »: French keeps the singular below 2."""
    return f"{count} {one if count < 2 else many}"


def _en(count: int, one: str, many: str) -> str:
    """« 0 members », « 1 member », « 2 members »."""
    return f"{count} {one if count == 1 else many}"


def _check_seats(jury: Jury, req: JuryRequirement, rules: RuleBook, report: Report) -> None:
    rule, source = req.jury, req.route_state.entry.source
    members = list(jury.members)
    size = len(members)
    expected = rule.size_exact
    if expected is not None and size != expected:
        report.add("SIZE", FAIL, f"Le jury compte {_fr(size, 'membre', 'membres')} : {expected} attendus.",
                   f"The jury has {_en(size, 'member', 'members')}: {expected} expected.", source)
    elif rule.size_min is not None and size < rule.size_min:
        report.add("SIZE", FAIL, f"Le jury compte {_fr(size, 'membre', 'membres')} : {rule.size_min} au moins.",
                   f"The jury has {_en(size, 'member', 'members')}: at least {rule.size_min}.", source)
    elif rule.size_max is not None and size > rule.size_max:
        report.add("SIZE", FAIL, f"Le jury compte {_fr(size, 'membre', 'membres')} : {rule.size_max} au plus.",
                   f"The jury has {_en(size, 'member', 'members')}: at most {rule.size_max}.", source)
    elif expected is not None or rule.size_min is not None:
        report.add("SIZE", PASS, f"Le jury compte {size} membres, comme requis.", f"The jury has {size} members, as required.", source)
    seat_fr = {s.id: s.label.get("fr", s.id) for s in rule.seats}
    seat_en = {s.id: s.label.get("en", seat_fr[s.id]) for s in rule.seats}
    for member in members:
        if member.role and member.role != "president" and member.role not in seat_fr:
            report.add("ROLE", FAIL, f"{member.called} : siège inconnu « {member.role} » (sièges : {', '.join(seat_fr.values())}).",
                       f"{member.called}: unknown seat '{member.role}' (seats: {', '.join(seat_en.values())}).", source)
    places = tuple(place for place in req.places for _ in range(place.count))  # one per member
    owner = assign_places(members, places)
    for pi, mi in owner.items():
        report.assignment[members[mi].id] = places[pi].seat.id
    # Unfilled places, per label, in the order of the rules.
    missing: dict[tuple[str, str], int] = {}
    for pi, place in enumerate(places):
        if pi not in owner:
            key = (place.label.get("fr", place.seat.id), place.label.get("en", place.seat.id))
            missing[key] = missing.get(key, 0) + 1
    for (fr, en), n in missing.items():
        report.add("SEATS", FAIL, f"Il manque {n} × {fr}.", f"Missing {n} × {en}.", source)
    for member in (m for m in members if m.role and m.id not in report.assignment):
        held = ", ".join(sorted(rules.qualification_label(q) for q in member.qualifications)) or "aucune"
        report.add("ROLE", FAIL, f"{member.called} ne peut pas occuper le siège « {seat_fr.get(member.role, member.role)} » "
                                 f"(qualifications : {held}).",
                   f"{member.called} cannot hold the seat '{seat_en.get(member.role, member.role)}'.", source)
    if not missing:
        report.add("SEATS", PASS, "Chaque siège est pourvu par un membre qualifié.", "Every seat is held by a qualified member.", source)
    for share in rule.shares:
        holders = sum(1 for m in members if share.qualifications & m.qualifications)
        ratio = _share(holders, size)
        label_fr = share.label.get("fr", "Part")
        label_en = share.label.get("en", label_fr)
        if share.more_than is not None:
            ok = ratio > _exact(share.more_than)
            sign, sign_en = ("> " if ok else "≤ "), ("> " if ok else "≤ ")
            threshold = share.more_than
        else:
            ok = ratio >= _exact(share.at_least)
            sign, sign_en = ("≥ " if ok else "< "), ("≥ " if ok else "< ")
            threshold = share.at_least
        report.add("SHARE", PASS if ok else FAIL,
                   f"{label_fr} : {_fraction(holders, size, ratio)} {sign}{_pct(threshold)}.",
                   f"{label_en}: {_fraction(holders, size, ratio, 'en')} {sign_en}{_pct(threshold)}.", source)


# --------------------------------------------------------------------------- the law


def _check_law(jury: Jury, req: JuryRequirement, report: Report) -> None:
    if req.law is None:
        report.add("LAW", UNKNOWN, f"Aucune règle légale de composition connue le {jury.on:%d/%m/%Y}.",
                   f"No legal composition rule known on {long_date(jury.on, 'en')}.", req.law_source)
        return
    value, rid, source = req.law.value, req.law.id, req.law_source
    members = list(jury.members)
    size = len(members)
    pros = [m for m in members if req.professionals & m.qualifications]
    with_policy = f"{source} ; {req.professionals_source}"
    if "min_professional_share" in value:
        share = value["min_professional_share"]
        ratio = _share(len(pros), size)
        ok = ratio >= _exact(share)
        report.add(rid, PASS if ok else FAIL,
                   f"Représentants qualifiés des professions : {_fraction(len(pros), size, ratio)} {'≥' if ok else '<'} {_pct(share)} (un quart au moins).",
                   f"Qualified professionals: {_fraction(len(pros), size, ratio, 'en')} {'≥' if ok else '<'} {_pct(share)} (at least a quarter).",
                   with_policy)
    if "min_professionals" in value:
        need = value["min_professionals"]
        ok = len(pros) >= need
        report.add(rid, PASS if ok else FAIL,
                   f"Professionnels : {len(pros)} (au moins {need})." if ok else f"Il manque {_fr(need - len(pros), 'représentant qualifié', 'représentants qualifiés')} des professions : {need} au moins.",
                   f"Professionals: {len(pros)} (at least {need})." if ok else f"Missing {_en(need - len(pros), 'qualified professional', 'qualified professionals')}: at least {need}.",
                   source)
    if value.get("employer_employee_balance"):
        employers = sum(1 for m in members if req.employer_tag in m.qualifications)
        employees = sum(1 for m in members if req.employee_tag in m.qualifications)
        if employers == employees == 0:
            report.add(rid, PASS, "Parité employeurs/salariés : aucun membre n'est désigné représentant des employeurs ou des salariés "
                                  "(la parité se vérifie entre les membres ainsi désignés).",
                       "Employer/employee parity: no member is designated as employer or employee representative (parity is "
                       "checked among the members so designated).",
                       with_policy)
        else:
            ok = employers == employees
            report.add(rid, PASS if ok else FAIL,
                       f"Parité employeurs/salariés : {_fr(employers, 'employeur', 'employeurs')}, {_fr(employees, 'salarié', 'salariés')}" + ("." if ok else " : autant de chaque sont requis."),
                       f"Employer/employee parity: {_en(employers, 'employer', 'employers')}, {_en(employees, 'employee', 'employees')}" + ("." if ok else ": as many of each are required."),
                       with_policy)
    if value.get("teacher_researcher_majority"):
        teachers = sum(1 for m in members if req.teacher_researchers & m.qualifications)
        ok = teachers * 2 > size
        report.add(rid, PASS if ok else FAIL,
                   f"Enseignants-chercheurs : {teachers}/{size}" + (", la majorité." if ok else " : il en faut plus de la moitié."),
                   f"Teacher-researchers: {teachers}/{size}" + (", a majority." if ok else ": more than half are required."),
                   f"{source} ; {req.teacher_researchers_source}")
    if "min_members" in value:
        ok = size >= value["min_members"]
        report.add(rid, PASS if ok else FAIL, f"{_fr(size, 'membre', 'membres')} : {value['min_members']} au moins.",
                   f"{_en(size, 'member', 'members')}: at least {value['min_members']}.", source)
    if value.get("min_qualified_for_certification"):
        asked = req.jury.qualifications_asked if req.jury is not None and req.jury.structured else frozenset()
        if not asked:
            report.add(rid, UNKNOWN, "Qualification pour la certification : les règles de la certification ne disent pas quelles "
                                     "qualifications le jury demande ; impossible de le vérifier.",
                       "Qualified for the certification: the certification's rules do not say which qualifications the jury "
                       "asks for; this cannot be checked.", source)
        else:
            qualified = sum(1 for m in members if asked & m.qualifications)
            ok = qualified >= value["min_qualified_for_certification"]
            report.add(rid, PASS if ok else FAIL, f"Membres qualifiés pour la certification : {qualified}.",
                       f"Members qualified for the certification: {qualified}.", source)
    if value.get("president_required"):
        chair = [m for m in members if m.role == "president" or report.assignment.get(m.id) == "president"]
        ok = len(chair) == 1
        report.add(rid, PASS if ok else FAIL,
                   "Un président, voix prépondérante, est désigné." if ok else "Désignez un (seul) président, qui a voix prépondérante.",
                   "A chair with a casting vote is designated." if ok else "Designate one chair, who has a casting vote.", source)
    if req.gender_min_each:
        women = sum(1 for m in members if m.gender == "F")
        men = sum(1 for m in members if m.gender == "M")
        unknown = size - women - men
        need = req.gender_min_each
        gender_source = f"{source} ; {req.gender_source}"
        if unknown:
            report.add(rid, UNKNOWN, f"Équilibre femmes/hommes : genre non renseigné pour {_fr(unknown, 'membre', 'membres')}.",
                       f"Women/men balance: gender missing for {_en(unknown, 'member', 'members')}.", gender_source, topic="gender")
        elif women >= need and men >= need:
            report.add(rid, PASS, f"Équilibre femmes/hommes : {_fr(women, 'femme', 'femmes')}, {_fr(men, 'homme', 'hommes')}.",
                       f"Women/men balance: {_en(women, 'woman', 'women')}, {_en(men, 'man', 'men')}.", gender_source, topic="gender")
        elif jury.gender_exception:
            report.gender_exception_used = True
            report.add(rid, PASS, f"Équilibre femmes/hommes : {_fr(women, 'femme', 'femmes')}, {_fr(men, 'homme', 'hommes')} ; un jury équilibré n'a pu être "
                                  f"formé, pour le motif consigné par la coordination : « {jury.gender_exception} ».",
                       f"Women/men balance: {_en(women, 'woman', 'women')}, {_en(men, 'man', 'men')}; a balanced jury could not be formed, for the "
                       f"reason the coordinator recorded: \"{jury.gender_exception}\".", gender_source, topic="gender")
        else:
            report.add(rid, FAIL, f"Équilibre femmes/hommes : {_fr(women, 'femme', 'femmes')}, {_fr(men, 'homme', 'hommes')} : au moins {need} de chaque, ou "
                                  "consignez pourquoi un jury équilibré est impossible (le motif figure au procès-verbal).",
                       f"Women/men balance: {_en(women, 'woman', 'women')}, {_en(men, 'man', 'men')}: at least {need} of each, or record why a "
                       "balanced jury is impossible (the reason is printed in the minutes).", gender_source, topic="gender")
    ties_rule, ties_source = value.get("ties_rule", rid), value.get("ties_source", source)
    excluded = req.excluded_ties
    by_id = {m.id: m for m in members}
    for candidate in jury.candidates:
        problems_fr, problems_en, barred = [], [], []
        for tie in candidate.ties:
            if tie.member not in by_id:
                continue
            if tie.kind is None or tie.kind in excluded:
                barred.append(tie.member)
                fr, en = TIE_LABELS.get(tie.kind, TIE_LABELS[None])
                problems_fr.append(f"{by_id[tie.member].called} ({fr})")
                problems_en.append(f"{by_id[tie.member].called} ({en})")
        if problems_fr:
            many = len(problems_fr) > 1
            report.add(ties_rule, FAIL,
                       f"Candidat {candidate.id} : {', '.join(problems_fr)} {'ne peuvent' if many else 'ne peut'} pas délibérer sur son "
                       f"dossier ; remplacez {'ces membres' if many else 'ce membre'} ou entendez le candidat dans une autre session.",
                       f"Candidate {candidate.id}: {', '.join(problems_en)} may not deliberate on this file; replace "
                       f"{'these members' if many else 'the member'} or hear the candidate in another session.",
                       ties_source, candidate=candidate.id, members=barred)


# --------------------------------------------------------------------------- entry point


def _award_after_end(report: Report, jury: Jury, cert, award, rule) -> None:
    """REG after the registration's end, within its award limit: only for a file received while the certification
    was registered (law file, ``award_after_registration``)."""
    source = f"{award.source} ; {rule.source}"
    window = (f"l'enregistrement de {cert.code} a pris fin le {award.end:%d/%m/%Y} ; elle peut encore être délivrée "
              f"jusqu'au {award.award_until:%d/%m/%Y} aux candidats dont la demande a été reçue pendant l'enregistrement")
    window_en = (f"the registration of {cert.code} ended on {long_date(award.end, 'en')}; it may still be awarded until "
                 f"{long_date(award.award_until, 'en')} to candidates whose application was received while it was registered")
    if not jury.candidates:
        report.add("REG", PASS, f"Le {jury.on:%d/%m/%Y}, {window}.", f"On {long_date(jury.on, 'en')}, {window_en}.", source)
    for candidate in jury.candidates:
        received = candidate.received_on
        if received is None:
            report.add("REG", UNKNOWN, f"Candidat {candidate.id} : date de réception de la demande inconnue — {window}.",
                       f"Candidate {candidate.id}: application receipt date unknown — {window_en}.", source, candidate=candidate.id)
        elif cert.is_registered_on(received):
            report.add("REG", PASS, f"Candidat {candidate.id} : demande reçue le {received:%d/%m/%Y}, pendant l'enregistrement — {window}.",
                       f"Candidate {candidate.id}: application received on {long_date(received, 'en')}, while registered — {window_en}.",
                       source, candidate=candidate.id)
        else:
            report.add("REG", FAIL, f"Candidat {candidate.id} : demande reçue le {received:%d/%m/%Y}, hors de l'enregistrement — {window}.",
                       f"Candidate {candidate.id}: application received on {long_date(received, 'en')}, outside the registration — {window_en}.",
                       source, candidate=candidate.id)


def check_composition(jury: Jury, rules: RuleBook) -> Report:
    """All findings for ``jury`` under the certification's rules and the law on ``jury.on``."""
    report = Report()
    try:
        req = jury_requirement(rules, jury.certification, jury.route, jury.on)
    except KeyError:
        report.add("CERT", FAIL, f"Certification inconnue : {jury.certification}.", f"Unknown certification: {jury.certification}.", rules.directory)
        return report
    cert = req.certification
    award_rule = rules.law["award_after_registration"].at(jury.on)
    award = cert.award_period_on(jury.on) if req.registration is None and award_rule is not None else None
    if award is not None:
        _award_after_end(report, jury, cert, award, award_rule)
    elif req.registration is None:
        report.add("REG", FAIL, f"{cert.code} n'est pas enregistrée au RNCP le {jury.on:%d/%m/%Y} : elle ne peut pas être délivrée par ce jury.",
                   f"{cert.code} is not registered in the RNCP on {long_date(jury.on, 'en')}: this jury cannot award it.",
                   " ; ".join(p.source for p in cert.registration))
    else:
        report.add("REG", PASS, f"{cert.code} est enregistrée au RNCP le {jury.on:%d/%m/%Y}.",
                   f"{cert.code} is registered in the RNCP on {long_date(jury.on, 'en')}.", req.registration.source)
    route = req.route_state
    if route is None:
        report.add("ROUTE", UNKNOWN, f"Les règles de {cert.code} ne disent pas si la voie « {jury.route.french} » est ouverte le "
                                     f"{jury.on:%d/%m/%Y} : le jury ne peut pas être vérifié.",
                   f"The rules of {cert.code} do not say whether the route '{jury.route.value}' is open on {long_date(jury.on, 'en')}: "
                   "the jury cannot be checked.", cert.path)
    elif not route.open:
        report.add("ROUTE", FAIL, f"La voie « {jury.route.french} » n'est pas ouverte pour {cert.code} le {jury.on:%d/%m/%Y}.",
                   f"The route '{jury.route.value}' is not open for {cert.code} on {long_date(jury.on, 'en')}.",
                   route.entry.source)
    elif req.jury is None or not req.jury.structured:
        report.add("STRUCT", UNKNOWN,
                   f"Composition non structurée pour {cert.code} ({jury.route.short_french}) : seul le texte de la fiche est connu ; structurez les sièges dans les règles. Texte : « {(req.jury.text if req.jury else '') or '—'} »",
                   f"Composition not structured for {cert.code} ({jury.route.value}): only the fiche's text is known; structure the seats in the rules.",
                   route.entry.source)
    else:
        _check_seats(jury, req, rules, report)
    # N8: the law may differ by the day each candidate's pathway was initiated; the jury must meet each law that
    # governs one of its candidates, and each candidate's ties are judged under their own.
    laws: list[tuple[JuryRequirement, list[JuryCandidate]]] = []
    for candidate in jury.candidates or (None,):
        own = for_pathway(rules, req, candidate.pathway_started_on if candidate else None)
        group = next((g for r, g in laws if r.law == own.law), None)
        if group is None:
            laws.append((own, group := []))
        if candidate is not None:
            group.append(candidate)
    for own, group in laws:
        _check_law(replace(jury, candidates=tuple(group)) if len(laws) > 1 else jury, own, report)
    return report


# --------------------------------------------------------------------------- JSON input


class InvalidJury(InvalidData):
    """The document is not a valid jury (422); ``errors`` map each field path to its reason."""


def parse_jury(document: Any, rules: RuleBook) -> Jury:
    """``{"certification", "route", "on", "members": [{"id", "gender", "qualifications", "role"?}],
    "candidates": [{"id", "ties": ["member id" | {"member", "kind"}]}]}`` → :class:`Jury`."""
    errors: list[tuple[str, str]] = []
    if not isinstance(document, dict):
        raise InvalidJury([("(root)", "un objet JSON est attendu")])
    for key in sorted(set(document) - {"certification", "route", "on", "members", "candidates"}):
        errors.append((key, "champ inconnu"))
    code = document.get("certification")
    if not isinstance(code, str) or code.upper().replace(" ", "") not in rules.certifications:
        errors.append(("certification", f"certification inconnue {code!r} (connues : {', '.join(sorted(rules.certifications))})"))
    try:
        route = AccessRoute(document.get("route"))
    except ValueError:
        route = None
        errors.append(("route", f"valeur inconnue {document.get('route')!r} (attendu : {', '.join(r.value for r in AccessRoute)})"))
    on = document_day(document.get("on"), "on", errors)
    vocabulary = rules.all_qualification_names
    members = []
    raw_members = document.get("members")
    if not isinstance(raw_members, list):
        errors.append(("members", "liste attendue"))
        raw_members = []
    seen = set()
    for index, raw in enumerate(raw_members):
        path = f"members[{index}]"
        if not isinstance(raw, dict):
            errors.append((path, "objet attendu"))
            continue
        for key in sorted(set(raw) - {"id", "gender", "qualifications", "role", "name"}):
            errors.append((f"{path}.{key}", "champ inconnu"))
        member_id = raw.get("id")
        if not isinstance(member_id, str) or not member_id:
            errors.append((f"{path}.id", "identifiant texte obligatoire"))
            continue
        if member_id in seen:
            errors.append((f"{path}.id", f"identifiant en double {member_id!r}"))
        seen.add(member_id)
        gender = raw.get("gender")
        if gender not in ("F", "M", None):
            errors.append((f"{path}.gender", f"« F », « M » ou null attendu, reçu {gender!r}"))
        quals = raw.get("qualifications", [])
        if not isinstance(quals, list) or not all(isinstance(q, str) for q in quals):
            errors.append((f"{path}.qualifications", "liste de textes attendue"))
            quals = []
        for q_index, q in enumerate(quals):
            if q not in vocabulary:
                errors.append((f"{path}.qualifications[{q_index}]", f"qualification inconnue {q!r}"))
        role = raw.get("role")
        if role is not None and not isinstance(role, str):
            errors.append((f"{path}.role", "texte attendu"))
        name = raw.get("name")
        if name is not None and not (isinstance(name, str) and name.strip()):
            errors.append((f"{path}.name", "texte non vide attendu (ou absent)"))
            name = None
        members.append(Member(member_id, gender, frozenset(quals), role, name))
    candidates = []
    raw_candidates = document.get("candidates", [])
    if not isinstance(raw_candidates, list):
        errors.append(("candidates", "liste attendue"))
        raw_candidates = []
    for index, raw in enumerate(raw_candidates):
        path = f"candidates[{index}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            errors.append((path, "objet avec un « id » texte attendu"))
            continue
        ties = []
        raw_ties = raw.get("ties", [])
        if not isinstance(raw_ties, list):
            errors.append((f"{path}.ties", "liste attendue"))
            raw_ties = []
        for t_index, tie in enumerate(raw_ties):
            if isinstance(tie, str):
                ties.append(Tie(tie))
            elif isinstance(tie, dict) and isinstance(tie.get("member"), str) and tie.get("kind") in (*TIE_KINDS, None):
                ties.append(Tie(tie["member"], tie.get("kind")))
            else:
                errors.append((f"{path}.ties[{t_index}]", f"identifiant de membre ou {{member, kind}} attendu (kind : {', '.join(TIE_KINDS)})"))
        candidates.append(JuryCandidate(raw["id"], tuple(ties), optional_day(raw.get("received_on"), f"{path}.received_on", errors),
                                        optional_day(raw.get("pathway_started_on"), f"{path}.pathway_started_on", errors)))
    if errors:
        raise InvalidJury(errors)
    return Jury(rules.certification(code).code, route, on, tuple(members), tuple(candidates))


def members_from(items: Iterable[tuple[str, str | None, Iterable[str], str | None]]) -> tuple[Member, ...]:
    return tuple(Member(i, g, frozenset(q), r) for i, g, q, r in items)
