"""The live part of the demo: RNCP 40792 (BTS « Services informatiques aux organisations »), a certification open
today, run by an academic VAE service on the 2024 pathway — feasibility files, a lapse coming and one declared, a
legitimate reason, validation files, a jury session held and one to come, decisions by option and by bloc, and a
withdrawal for fraud after a hearing.

Loaded by ``flask demo load`` only when the app's date is within the BTS's registration (``make run VAE_TODAY=``, the
real date): its dates are counted back from that day, so nothing is dated after it. Idempotent by reference.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..audit.actions import Entity
from ..audit.models import AuditEvent
from ..auth.models import Role, User
from ..candidacies.models import (
    Candidacy, CandidacyState as S, ComponentDecision, DecisionOutcome, ExperiencePeriod, FeasibilityModel, ValidationFileSection,
)
from ..certifications.vocabulary import AccessRoute, ExperienceStatus as X, Gender
from ..components.models import AcquiredComponent
from ..components.validity import component_expiry
from ..extensions import db
from ..juries.models import JuryMember, JurySession, MemberAvailability, SessionMember, SessionStatus

CODE = "RNCP40792"
CERTIFIER = "siren-110044013"
COORDINATOR = ("coordination.academie@demo.vae.fr", "Claire", "Le Floch")
BC = {n: f"RNCP40792BC0{n}" for n in range(1, 6)}
OPTION_A, OPTION_B = [BC[1], BC[2], BC[4]], [BC[1], BC[3], BC[5]]

# The academic jury pool: (first, last, gender, qualifications, site)
POOL = [
    ("Anne", "Kerhervé", Gender.FEMALE, ["teacher_researcher"], "Rennes"),
    ("Yves", "Le Bras", Gender.MALE, ["teacher_researcher", "public_teacher"], "Rennes"),
    ("Soizic", "Riou", Gender.FEMALE, ["teacher_researcher", "public_teacher"], "Brest"),
    ("Marc", "Guillerm", Gender.MALE, ["education_inspector"], "Rennes"),
    ("Gaëlle", "Morvan", Gender.FEMALE, ["public_teacher"], "Rennes"),
    ("Erwan", "Cadiou", Gender.MALE, ["public_teacher"], "Rennes"),
    ("Nolwenn", "Le Goff", Gender.FEMALE, ["public_teacher"], "Brest"),
    ("Ronan", "Tanguy", Gender.MALE, ["public_teacher"], "Brest"),
    ("Maëlle", "Jaouen", Gender.FEMALE, ["employer_rep"], "Rennes"),
    ("Pierre", "Hamon", Gender.MALE, ["employer_rep"], "Brest"),
    ("Sterenn", "Le Du", Gender.FEMALE, ["employee_rep"], "Rennes"),
    ("Loïc", "Prigent", Gender.MALE, ["employee_rep"], "Brest"),
]


@dataclass
class BtsPlan:
    """One BTS pathway, its days counted back from the demo's live day (negative: before it)."""

    reference: str
    state: S
    started: int | None  # the day the pathway was initiated on France VAE
    target: list[str] | None = None
    received: int | None = None
    eligibility: int | None = None
    validation_file: int | None = None
    session: str | None = None
    validated: dict[str, bool] = field(default_factory=dict)  # the jury's decision per targeted bloc
    gaps: dict[str, str] | None = None
    recommendations: str | None = None
    accompanier: str | None = None
    extra: list[tuple[str, int, str | None]] = field(default_factory=list)  # (move, day, reason) after the path
    in_initial_training: bool | None = False


PLANS = [
    BtsPlan("BTS-2026-0031", S.DRAFT, started=-12, target=OPTION_B),
    BtsPlan("BTS-2026-0028", S.SUBMITTED, started=-50, target=OPTION_B, received=-34, accompanier="Centre de conseil VAE de Rennes",
            gaps={BC[1]: "", BC[3]: "", BC[5]: "Les activités déclarées ne décrivent pas la sécurisation d'une application."},
            recommendations="Un module de formation à la sécurité du développement (OWASP)."),
    BtsPlan("BTS-2026-0025", S.SUBMITTED, started=-80, target=[BC[4]], received=-66),
    BtsPlan("BTS-2026-0022", S.INCOMPLETE, started=-70, target=OPTION_A, received=-45,
            extra=[("request_documents", -38, "Joignez vos attestations d'employeur pour les années 2021 à 2025.")]),
    BtsPlan("BTS-2026-0016", S.WITHDRAWN, started=-190, target=OPTION_B, received=-170, eligibility=-130,
            extra=[("withdraw", -60, "Le candidat reprend une formation en alternance et abandonne son parcours de VAE.")]),
    BtsPlan("BTS-2026-0019", S.INELIGIBLE, started=-140, target=OPTION_A, received=-120, eligibility=-95, in_initial_training=True),
    BtsPlan("BTS-2026-0012", S.ELIGIBLE, started=-240, target=OPTION_A, received=-215, eligibility=-172),
    BtsPlan("BTS-2026-0009", S.ELIGIBLE, started=-230, target=OPTION_B, received=-200, eligibility=-160,
            extra=[("excuse_inactivity", -30, "Congé de maladie du candidat du 01/09 au 31/12, attesté par un certificat médical.")]),
    BtsPlan("BTS-2026-0007", S.VALIDATION_FILE, started=-200, target=[BC[1]], received=-180, eligibility=-140),
    BtsPlan("BTS-2025-0041", S.UNDER_ASSESSMENT, started=-330, target=OPTION_B, received=-310, eligibility=-270, validation_file=-25),
    BtsPlan("BTS-2025-0036", S.READY_FOR_JURY, started=-360, target=OPTION_A, received=-340, eligibility=-300, validation_file=-60),
    BtsPlan("BTS-2025-0030", S.JURY_SCHEDULED, started=-380, target=OPTION_B, received=-360, eligibility=-320, validation_file=-50,
            session="JURY-BTS-SIO-A"),
    BtsPlan("BTS-2025-0022", S.CERTIFIED, started=-420, target=OPTION_B, received=-400, eligibility=-360, validation_file=-110,
            session="JURY-BTS-SIO-H", validated={BC[1]: True, BC[3]: True, BC[5]: True}),
    BtsPlan("BTS-2025-0018", S.PARTIALLY_VALIDATED, started=-430, target=OPTION_B, received=-410, eligibility=-370,
            validation_file=-115, session="JURY-BTS-SIO-H", validated={BC[1]: True, BC[3]: True, BC[5]: False}),
    BtsPlan("BTS-2025-0015", S.PARTIALLY_VALIDATED, started=-400, target=[BC[1], BC[2]], received=-385, eligibility=-350,
            validation_file=-105, session="JURY-BTS-SIO-H", validated={BC[1]: True, BC[2]: True}),
    BtsPlan("BTS-2025-0011", S.LAPSED, started=-470, target=OPTION_A, received=-450, eligibility=-400,
            extra=[("lapse_admissibility", -215, None)]),
    BtsPlan("BTS-2025-0008", S.REFUSED, started=-440, target=OPTION_B, received=-420, eligibility=-380, validation_file=-112,
            session="JURY-BTS-SIO-H", validated={BC[1]: True, BC[3]: True, BC[5]: True},
            extra=[("record_hearing", -40, "Le candidat, entendu le jour même, reconnaît avoir repris un mémoire publié sans le citer."),
                   ("withdraw_for_fraud", -20, "Plagiat établi de la partie du dossier de validation consacrée au bloc 3.")]),
]

# Sessions: reference -> (day, hour, site, room, status, [(member's last name, seat)]); a draft's jury is to complete
SESSIONS = {
    "JURY-BTS-SIO-H": (-75, 9, "Rennes", "Rectorat — salle 3", SessionStatus.HELD,
                       [("Kerhervé", "president"), ("Le Bras", "teachers"), ("Morvan", "teachers"), ("Jaouen", "professionals"),
                        ("Prigent", "professionals")]),
    "JURY-BTS-SIO-A": (20, 9, "Rennes", "Lycée Chateaubriand — salle B12", SessionStatus.CONFIRMED,
                       [("Guillerm", "president"), ("Riou", "teachers"), ("Cadiou", "teachers"), ("Hamon", "professionals"),
                        ("Le Du", "professionals")]),
    "JURY-BTS-SIO-B": (48, 14, "Brest", "Lycée Vauban — salle 204", SessionStatus.DRAFT,
                       [("Kerhervé", None), ("Riou", None), ("Le Goff", None)]),
}
PATH = [("submit", S.DRAFT, S.SUBMITTED), ("declare_eligible", S.SUBMITTED, S.ELIGIBLE),
        ("start_validation_file", S.ELIGIBLE, S.VALIDATION_FILE), ("submit_validation_file", S.VALIDATION_FILE, S.UNDER_ASSESSMENT),
        ("complete_assessment", S.UNDER_ASSESSMENT, S.READY_FOR_JURY), ("schedule", S.READY_FOR_JURY, S.JURY_SCHEDULED)]
STEPS = {S.DRAFT: 0, S.SUBMITTED: 1, S.INCOMPLETE: 1, S.WITHDRAWN: 3, S.ELIGIBLE: 2, S.VALIDATION_FILE: 3, S.UNDER_ASSESSMENT: 4, S.READY_FOR_JURY: 5,
         S.JURY_SCHEDULED: 6, S.CERTIFIED: 6, S.PARTIALLY_VALIDATED: 6, S.REFUSED: 6, S.LAPSED: 2, S.INELIGIBLE: 1}
CANDIDATES = [("Lucas", "Le Gall"), ("Inès", "Cariou"), ("Hugo", "Le Roux"), ("Léa", "Quéré"), ("Nathan", "Guivarc'h"),
              ("Manon", "Le Meur"), ("Enzo", "Kerjean"), ("Chloé", "Le Bihan"), ("Théo", "Guillou"), ("Camille", "Bodénès"),
              ("Louis", "Marzin"), ("Jade", "Le Corre"), ("Gabriel", "Thépaut"), ("Zoé", "Abgrall"), ("Arthur", "Le Bourhis"),
              ("Emma", "Pennec")]


def registered_on(rules, day: date) -> bool:
    return CODE in rules.certifications and rules.certification(CODE).is_registered_on(day)


class BtsDemo:
    """Adds what is missing of the live BTS demo, on ``live_day``."""

    def __init__(self, loader, live_day: date):
        self.loader, self.rules, self.live = loader, loader.rules, live_day
        self.cert_rules = self.rules.certification(CODE)

    def day(self, offset: int) -> date:
        return self.live + timedelta(days=offset)

    def at(self, offset: int, hour: int = 11) -> datetime:
        return datetime.combine(self.day(offset), time(hour))

    def load(self, certifiers, certifications) -> None:
        certifier, certification = certifiers[CERTIFIER], certifications[CODE]
        email, first, last = COORDINATOR
        coordinator = self.loader._user(email, first, last, Role.COORDINATOR, certifier)
        db.session.flush()
        members = self._members(certifier, certification)
        sessions = self._sessions(certification, members)
        self._candidacies(certification, sessions, coordinator)

    def _members(self, certifier, certification) -> list[JuryMember]:
        existing = {m.email: m for m in db.session.scalars(select(JuryMember).where(JuryMember.certifier_id == certifier.id))}
        members = []
        for index, (first, last, gender, qualifications, site) in enumerate(POOL, 1):
            email = f"membre{index:02d}.academie@demo.vae.fr"
            member = existing.get(email)
            if member is None:
                member = JuryMember(certifier=certifier, first_name=first, last_name=last, email=email, gender=gender,
                                    qualifications=list(qualifications), site=site, max_sessions=4,
                                    organisation="Université de Rennes" if "teacher_researcher" in qualifications else
                                    "Rectorat de l'académie de Rennes" if "education_inspector" in qualifications else
                                    "Lycée public de l'académie" if "public_teacher" in qualifications else "Entreprise du numérique")
                member.certifications = [certification]
                member.availabilities.append(MemberAvailability(starts_at=self.at(-120, 8), ends_at=self.at(180, 19)))
                db.session.add(member)
                self.loader._count("jury_members")
            members.append(member)
        db.session.flush()
        return members

    def _sessions(self, certification, members) -> dict[str, JurySession]:
        by_name = {m.last_name: m for m in members}
        sessions = {s.reference: s for s in db.session.scalars(select(JurySession).where(JurySession.reference.in_(list(SESSIONS))))}
        for reference, (offset, hour, site, room, status, jury) in SESSIONS.items():
            if reference in sessions:
                continue
            start = self.at(offset, hour)
            session = JurySession(reference=reference, certification=certification, route=AccessRoute.VAE, starts_at=start,
                                  ends_at=start + timedelta(hours=3, minutes=30), site=site, room=room, status=status,
                                  capacity=self.cert_rules.session_capacity)
            for name, seat in jury:
                session.members.append(SessionMember(member=by_name[name], seat=seat, starts_at=session.starts_at,
                                                     ends_at=session.ends_at))
            db.session.add(session)
            sessions[reference] = session
            self.loader._count("jury_sessions")
        db.session.flush()
        return sessions

    def _candidacies(self, certification, sessions, coordinator) -> None:
        existing = set(db.session.scalars(select(Candidacy.reference).where(Candidacy.reference.like("BTS-%"))))
        for index, plan in enumerate(PLANS):
            if plan.reference in existing:
                continue
            first, last = CANDIDATES[index % len(CANDIDATES)]
            candidate = self.loader._user(f"{plan.reference.lower()}@exemple.fr", first, last, Role.CANDIDATE)
            created = self.at(plan.started if plan.started is not None else -5, 10)
            session = sessions.get(plan.session) if plan.session else None
            decided = session.starts_at.date() if session is not None and plan.validated else None
            candidacy = Candidacy(
                reference=plan.reference, candidate=candidate, certification=certification, route=AccessRoute.VAE, state=plan.state,
                site="Rennes", received_on=self.day(plan.received) if plan.received is not None else None,
                pathway_started_on=self.day(plan.started) if plan.started is not None else None, target_components=plan.target,
                feasibility_model=FeasibilityModel.WITH_ACCOMPANIER if plan.accompanier else FeasibilityModel.WITHOUT_ACCOMPANIER,
                accompanier=plan.accompanier, in_initial_training=plan.in_initial_training,
                accompanier_opinion=("Les activités d'administration et de développement décrites couvrent l'option visée ; "
                                     "un complément sur la cybersécurité est conseillé.") if plan.accompanier else None,
                component_gaps=plan.gaps, recommendations=plan.recommendations,
                eligibility_decided_on=self.day(plan.eligibility) if plan.eligibility is not None else None,
                validation_file_submitted_on=self.day(plan.validation_file) if plan.validation_file is not None else None,
                jury_session=session if plan.state is S.JURY_SCHEDULED or decided else None, decided_on=decided,
                created_at=created, updated_at=created,
            )
            candidacy.complete_on = candidacy.received_on
            self._application(candidacy, plan, index)
            for code in (plan.target or []) if plan.state not in (S.DRAFT, S.SUBMITTED, S.INCOMPLETE, S.INELIGIBLE, S.ELIGIBLE,
                                                                  S.LAPSED) else []:
                candidacy.validation_sections.append(ValidationFileSection(
                    component_code=code, text=f"Mes activités pour le bloc {code[-4:]} : projets menés, outils, résultats.",
                    updated_at=self.at((plan.validation_file or -3) - 2)))
            db.session.add(candidacy)
            db.session.flush()
            outcome = self._decision(candidacy, plan, session) if decided else None
            self._history(candidacy, plan, candidate, coordinator, created, outcome)
            self.loader._count("candidacies")

    def _application(self, candidacy: Candidacy, plan: BtsPlan, index: int) -> None:
        candidacy.birth_date = date(1985 + index % 12, 1 + index % 12, 3 + index)
        candidacy.birth_place = ["Rennes", "Brest", "Quimper", "Vannes", "Saint-Brieuc", "Lorient"][index % 6]
        candidacy.nationality = "française"
        candidacy.address = f"{4 + index} rue de Saint-Malo, 35000 Rennes"
        candidacy.phone = f"06 12 34 {10 + index:02d} {20 + index:02d}"
        candidacy.current_situation = "En poste"
        candidacy.highest_diploma = "Baccalauréat professionnel"
        candidacy.sworn_statement = True
        start = date(self.live.year - 5, 9, 1)
        candidacy.experiences = [ExperiencePeriod(
            status=X.SALARIED, job_title="Technicien support et déploiement" if plan.target != OPTION_B else "Développeur d'applications",
            organisation="ESN de Bretagne", start=start, end_on=None, hours=None, related=True,
            activities="Support aux utilisateurs, gestion du parc, déploiement de services, développement d'applications métiers.")]

    def _decision(self, candidacy: Candidacy, plan: BtsPlan, session: JurySession) -> DecisionOutcome:
        day = session.starts_at.date()
        held = set()
        for code, validated in plan.validated.items():
            db.session.add(ComponentDecision(candidacy_id=candidacy.id, jury_session_id=session.id, component_code=code,
                                             validated=validated, decided_on=day))
            if validated:
                held.add(code)
                validity = component_expiry(self.cert_rules, self.rules.law, day)
                candidacy.acquired_components.append(AcquiredComponent(component_code=code, validated_on=day,
                                                                       expires_on=validity.expires_on, validity_rule=validity.rule))
        outcome = (DecisionOutcome.FULL if self.cert_rules.awards(held) else DecisionOutcome.PARTIAL if held else DecisionOutcome.REFUSED)
        candidacy.decision_outcome = outcome
        return outcome

    def _history(self, candidacy, plan: BtsPlan, candidate, coordinator, created, outcome) -> None:
        """The audit rows of what happened, in order, as the workflow writes them (the record replays to the file)."""
        def row(event, at, actor, source=None, target=None, reason=None, details=None):
            db.session.add(AuditEvent(at=at, actor_id=actor.id if actor else None, entity=Entity.CANDIDACY.value, entity_id=candidacy.id,
                                      candidacy_id=candidacy.id, event=event, from_state=source.value if source else None,
                                      to_state=target.value if target else None, reason=reason, details=details))

        row("create", created, candidate, target=S.DRAFT)
        row("update_feasibility", created + timedelta(hours=1), candidate,
            details={"fields": ["feasibility_model", "pathway_started_on", "target_components"], "target_components": plan.target})
        steps = PATH[:STEPS[plan.state]]
        if plan.state is S.INELIGIBLE:
            steps = steps + [("declare_ineligible", S.SUBMITTED, S.INELIGIBLE)]
        days = {"submit": plan.received, "declare_eligible": plan.eligibility, "declare_ineligible": plan.eligibility,
                "start_validation_file": (plan.eligibility or 0) + 12, "submit_validation_file": plan.validation_file,
                "complete_assessment": (plan.validation_file or 0) + 14, "schedule": (plan.validation_file or 0) + 21}
        if plan.gaps is not None:
            row("review_feasibility", self.at(plan.received + 20, 15), coordinator,
                details={"gaps": plan.gaps, "recommendations": plan.recommendations})
        by_candidate = {"submit", "start_validation_file", "submit_validation_file"}
        reasons = {"declare_ineligible": "Le candidat prépare ce BTS en formation initiale cette année (C. trav. R6412-2)."}
        for event, source, target in steps:
            actor = candidate if event in by_candidate else coordinator
            details = {"received_on": candidacy.received_on.isoformat(), "complete_on": candidacy.complete_on.isoformat()} \
                if event == "submit" else None
            row(event, self.at(days[event]), actor, source, target, reasons.get(event), details)
        if STEPS[plan.state] >= 3 and plan.target:  # the candidate writes the validation file: a step every three months
            begun, until = (plan.eligibility or 0) + 12, plan.validation_file if plan.validation_file is not None else (
                plan.extra[0][1] if plan.state is S.WITHDRAWN else -1)
            for index, day in enumerate(range(begun + 90, until, 90)):
                code = plan.target[index % len(plan.target)]
                row("save_section", self.at(day, 18), candidate, details={"component": code, "characters": 1200 + 300 * index})
        if outcome is not None:
            session = candidacy.jury_session
            target = {DecisionOutcome.FULL: S.CERTIFIED, DecisionOutcome.PARTIAL: S.PARTIALLY_VALIDATED}.get(outcome, S.REFUSED)
            row("record_decision", session.starts_at + timedelta(hours=6), coordinator, S.JURY_SCHEDULED, target, details={
                "outcome": outcome.value, "session": session.reference, "decided_on": candidacy.decided_on.isoformat(),
                "components": plan.validated, "expires_on": {a.component_code: None for a in candidacy.acquired_components},
                "carried_over": []})
            state = target
        else:
            state = steps[-1][2] if steps else S.DRAFT
        for event, offset, reason in plan.extra:
            if event == "excuse_inactivity":
                row(event, self.at(offset), coordinator, state, state, reason, {"rule": "N6"})
            elif event == "lapse_admissibility":
                last = candidacy.eligibility_decided_on
                row(event, self.at(offset, 6), None, state, S.LAPSED,
                    f"Aucune démarche enregistrée depuis le {last:%d/%m/%Y} ni motif légitime consigné : la recevabilité est caduque.",
                    {"rule": "N6", "last_step_on": last.isoformat()})
                state = S.LAPSED
            elif event == "request_documents":
                row(event, self.at(offset), coordinator, state, S.INCOMPLETE, reason)
                state = S.INCOMPLETE
            elif event == "withdraw":
                row(event, self.at(offset), candidate, state, S.WITHDRAWN, reason)
                state = S.WITHDRAWN
            elif event == "record_hearing":
                row(event, self.at(offset), coordinator, state, state, reason, {"rule": "N9"})
            elif event == "withdraw_for_fraud":
                withdrawn = sorted(a.component_code for a in candidacy.acquired_components)
                hearing = db.session.scalar(select(AuditEvent.id).where(AuditEvent.candidacy_id == candidacy.id,
                                                                        AuditEvent.event == "record_hearing").order_by(AuditEvent.id.desc()))
                row(event, self.at(offset), coordinator, state, S.REFUSED, reason, {
                    "rule": "N9", "withdrawn": withdrawn, "previous_outcome": outcome.value,
                    "heard_at": self.at(plan.extra[0][1]).isoformat(), "hearing": hearing})
                candidacy.acquired_components.clear()
                state = S.REFUSED
            db.session.flush()
