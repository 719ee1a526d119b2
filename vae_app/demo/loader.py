"""Demo data: both seed certifications, the demo accounts, ~20 candidacies in every
state, ~40 jury members, a few sessions and acquired components that expired,
expire soon and expire later — as seen on the demo's simulated date, 2016-03-01.

Idempotent: every row has a natural key (e-mail, code, reference) and is only
created when missing, so ``flask demo load`` twice adds nothing.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from .. import clock
from ..audit.actions import Entity
from ..audit.models import AuditEvent
from ..auth.models import Role, User
from ..candidacies.models import Candidacy, CandidacyState as S, ComponentDecision, DecisionOutcome, ExperiencePeriod
from ..certifications.models import Certification, Certifier
from ..certifications.rules import RuleBook
from ..certifications.vocabulary import AccessRoute, ExperienceStatus as X, Gender
from ..components.models import AcquiredComponent
from ..components.validity import component_expiry
from ..extensions import db
from ..juries.models import JuryMember, JurySession, MemberAvailability, MemberTie, SessionMember, SessionStatus, TieKind
from . import bts

DEMO_PASSWORD = "demo"
DEMO_DATE = date(2016, 3, 1)

ACCOUNTS = [
    # email, first, last, role, certifier code
    ("candidat@demo.vae.fr", "Camille", "Martin", Role.CANDIDATE, None),
    ("coordination.cnam@demo.vae.fr", "Sophie", "Lefèvre", Role.COORDINATOR, "cnam"),
    ("coordination.askoria@demo.vae.fr", "Yann", "Le Goff", Role.COORDINATOR, "askoria"),
    ("jury@demo.vae.fr", "Hélène", "Dubois", Role.JURY_MEMBER, None),
    ("admin@demo.vae.fr", "Alexandre", "Roux", Role.ADMIN, None),
]

FIRST_NAMES_F = ["Nathalie", "Isabelle", "Sylvie", "Catherine", "Valérie", "Sandrine", "Céline", "Aurélie",
                 "Émilie", "Julie", "Claire", "Anne", "Marie", "Laure", "Sophie", "Agnès", "Florence", "Karine"]
FIRST_NAMES_M = ["Philippe", "Thierry", "Laurent", "Olivier", "Stéphane", "Nicolas", "Christophe", "Frédéric",
                 "Éric", "David", "Jérôme", "Sébastien", "Pascal", "Hervé", "Julien", "Mathieu", "Gilles", "Yves"]
LAST_NAMES = ["Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Moreau", "Laurent", "Simon", "Michel",
              "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier",
              "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Perrin",
              "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand",
              "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun", "Blanchard",
              "Le Bihan", "Le Gall", "Tanguy", "Kerjean", "Le Roux", "Guillou", "Le Meur", "Quéré"]

ORGANISATIONS_5385 = ["Centre social Belleville", "MJC de Montreuil", "Association Culture et Quartiers",
                      "Foyer de jeunes travailleurs Les Lilas", "Ligue de l'enseignement 93", "Maison de quartier Saint-Maur",
                      "Centre culturel Jean-Vilar", "Fédération des centres sociaux de Paris"]
ORGANISATIONS_17992 = ["EHPAD Les Tilleuls", "ESAT de Vitré", "Foyer de vie Ker Avel", "Service d'aide à domicile du pays de Redon",
                       "Entreprise d'insertion Trait d'Union", "FJT Rennes Centre", "Foyer occupationnel Les Genêts"]
JOBS_5385 = ["Directrice de centre social", "Chef de service socio-culturel", "Coordinateur de projets culturels",
             "Responsable de service d'action sociale", "Directeur adjoint de MJC"]
JOBS_17992 = ["Chef de service", "Directeur adjoint d'EHPAD", "Responsable de service d'aide à domicile",
              "Cadre de direction en ESAT", "Directrice de foyer de vie"]


@dataclass
class Plan:
    """One demo candidacy: where it is on the demo date and what happened before."""

    reference: str
    certification: str
    state: S
    received_on: date | None
    site: str
    email: str | None = None
    eligibility_on: date | None = None
    validation_file_on: date | None = None
    session: str | None = None
    decided_on: date | None = None
    acquired: list[tuple[str, date]] = field(default_factory=list)


# The workflow paths the demo candidacies took, as (event, from, to). The
# workflow module (candidacies issue) will own the machine; this only replays it.
PATH = [
    ("submit", S.DRAFT, S.SUBMITTED),
    ("declare_eligible", S.SUBMITTED, S.ELIGIBLE),
    ("start_validation_file", S.ELIGIBLE, S.VALIDATION_FILE),
    ("submit_validation_file", S.VALIDATION_FILE, S.UNDER_ASSESSMENT),
    ("complete_assessment", S.UNDER_ASSESSMENT, S.READY_FOR_JURY),
    ("schedule", S.READY_FOR_JURY, S.JURY_SCHEDULED),
]
PATH_ENDINGS = {
    S.DRAFT: [],
    S.SUBMITTED: PATH[:1],
    S.INCOMPLETE: PATH[:1] + [("request_documents", S.SUBMITTED, S.INCOMPLETE)],
    S.ELIGIBLE: PATH[:2],
    S.INELIGIBLE: PATH[:1] + [("declare_ineligible", S.SUBMITTED, S.INELIGIBLE)],
    S.VALIDATION_FILE: PATH[:3],
    S.UNDER_ASSESSMENT: PATH[:4],
    S.READY_FOR_JURY: PATH[:5],
    S.JURY_SCHEDULED: PATH[:6],
    S.CERTIFIED: PATH + [("record_decision", S.JURY_SCHEDULED, S.CERTIFIED)],
    S.PARTIALLY_VALIDATED: PATH + [("record_decision", S.JURY_SCHEDULED, S.PARTIALLY_VALIDATED)],
    S.REFUSED: PATH + [("record_decision", S.JURY_SCHEDULED, S.REFUSED)],
    S.WITHDRAWN: PATH[:3] + [("withdraw", S.VALIDATION_FILE, S.WITHDRAWN)],
    S.LAPSED: PATH + [("record_decision", S.JURY_SCHEDULED, S.PARTIALLY_VALIDATED),
                      ("lapse", S.PARTIALLY_VALIDATED, S.LAPSED)],
}

C5 = "RNCP5385"
C17 = "RNCP17992"

PLANS = [
    # -- RNCP 5385, CNAM ------------------------------------------------------
    Plan("VAE-2016-0004", C5, S.DRAFT, None, "Paris"),
    Plan("VAE-2016-0002", C5, S.SUBMITTED, date(2016, 2, 10), "Lille"),
    Plan("VAE-2016-0001", C5, S.INCOMPLETE, date(2016, 1, 12), "Nantes"),
    Plan("VAE-2015-0031", C5, S.ELIGIBLE, date(2015, 12, 3), "Paris", eligibility_on=date(2016, 1, 20)),
    Plan("VAE-2015-0027", C5, S.INELIGIBLE, date(2015, 10, 19), "Dijon", eligibility_on=date(2015, 12, 10)),
    Plan("VAE-2015-0012", C5, S.VALIDATION_FILE, date(2015, 5, 4), "Paris", eligibility_on=date(2015, 6, 22)),
    Plan("VAE-2015-0008", C5, S.UNDER_ASSESSMENT, date(2015, 3, 2), "Lille", eligibility_on=date(2015, 4, 14),
         validation_file_on=date(2015, 12, 1)),
    Plan("VAE-2015-0005", C5, S.READY_FOR_JURY, date(2015, 2, 9), "Paris", eligibility_on=date(2015, 3, 30),
         validation_file_on=date(2015, 11, 2)),
    Plan("VAE-2014-0041", C5, S.JURY_SCHEDULED, date(2014, 11, 3), "Paris", eligibility_on=date(2014, 12, 15),
         validation_file_on=date(2015, 9, 14), session="JURY-CNAM-2016-03-15"),
    Plan("VAE-2014-0037", C5, S.JURY_SCHEDULED, date(2014, 10, 6), "Paris", eligibility_on=date(2014, 11, 24),
         validation_file_on=date(2015, 10, 5), session="JURY-CNAM-2016-03-15"),
    Plan("VAE-2014-0012", C5, S.CERTIFIED, date(2014, 1, 13), "Paris", eligibility_on=date(2014, 2, 24),
         validation_file_on=date(2014, 12, 1), session="JURY-CNAM-2015-06-12", decided_on=date(2015, 6, 12),
         acquired=[("PILOTAGE", date(2015, 6, 12)), ("GESTION", date(2015, 6, 12)),
                   ("COORDINATION", date(2015, 6, 12)), ("PROJETS", date(2015, 6, 12))]),
    # The demo candidate: partial validation, one component expiring in 24 days, one later.
    Plan("VAE-2010-0019", C5, S.PARTIALLY_VALIDATED, date(2010, 3, 1), "Paris", email="candidat@demo.vae.fr",
         eligibility_on=date(2010, 4, 12), validation_file_on=date(2010, 12, 6), session="JURY-CNAM-2011-03-25",
         decided_on=date(2011, 3, 25), acquired=[("GESTION", date(2011, 3, 25)), ("PROJETS", date(2011, 3, 25))]),
    Plan("VAE-2010-0023", C5, S.PARTIALLY_VALIDATED, date(2010, 6, 7), "Nantes", eligibility_on=date(2010, 7, 19),
         validation_file_on=date(2011, 1, 10), session="JURY-CNAM-2011-05-20", decided_on=date(2011, 5, 20),
         acquired=[("COORDINATION", date(2011, 5, 20))]),
    Plan("VAE-2014-0020", C5, S.REFUSED, date(2014, 2, 3), "Lille", eligibility_on=date(2014, 3, 17),
         validation_file_on=date(2014, 12, 8), session="JURY-CNAM-2015-06-12", decided_on=date(2015, 6, 12)),
    Plan("VAE-2015-0003", C5, S.WITHDRAWN, date(2015, 1, 19), "Dijon", eligibility_on=date(2015, 3, 2)),
    Plan("VAE-2009-0030", C5, S.LAPSED, date(2009, 9, 14), "Paris", eligibility_on=date(2009, 10, 26),
         validation_file_on=date(2010, 6, 7), session="JURY-CNAM-2010-12-10", decided_on=date(2010, 12, 10),
         acquired=[("GESTION", date(2010, 12, 10))]),
    # -- RNCP 17992, ASKORIA --------------------------------------------------
    Plan("ASK-2016-0003", C17, S.DRAFT, None, "Rennes"),
    Plan("ASK-2016-0001", C17, S.SUBMITTED, date(2016, 1, 25), "Rennes"),
    Plan("ASK-2015-0014", C17, S.ELIGIBLE, date(2015, 11, 16), "Rennes", eligibility_on=date(2016, 1, 11)),
    Plan("ASK-2015-0009", C17, S.VALIDATION_FILE, date(2015, 6, 1), "Rennes", eligibility_on=date(2015, 7, 13)),
    Plan("ASK-2015-0002", C17, S.READY_FOR_JURY, date(2015, 1, 12), "Rennes", eligibility_on=date(2015, 2, 23),
         validation_file_on=date(2015, 10, 12)),
    Plan("ASK-2014-0022", C17, S.JURY_SCHEDULED, date(2014, 9, 8), "Rennes", eligibility_on=date(2014, 10, 20),
         validation_file_on=date(2015, 9, 7), session="JURY-ASK-2016-03-22"),
    Plan("ASK-2014-0011", C17, S.PARTIALLY_VALIDATED, date(2014, 2, 10), "Rennes", eligibility_on=date(2014, 3, 24),
         validation_file_on=date(2014, 11, 3), session="JURY-ASK-2015-06-19", decided_on=date(2015, 6, 19),
         acquired=[("DC1", date(2015, 6, 19)), ("DC2", date(2015, 6, 19)), ("DC4", date(2015, 6, 19))]),
    Plan("ASK-2011-0004", C17, S.PARTIALLY_VALIDATED, date(2011, 2, 14), "Rennes", eligibility_on=date(2011, 3, 28),
         validation_file_on=date(2011, 9, 12), session="JURY-ASK-2011-12-09", decided_on=date(2011, 12, 9),
         acquired=[("DC3", date(2011, 12, 9))]),
    # More partial validations, so the expiry dashboard shows every horizon on 2016-03-01.
    Plan("VAE-2011-0014", C5, S.PARTIALLY_VALIDATED, date(2010, 9, 6), "Lille", eligibility_on=date(2010, 10, 18),
         validation_file_on=date(2011, 3, 7), session="JURY-CNAM-2011-06-24", decided_on=date(2011, 6, 24),
         acquired=[("PILOTAGE", date(2011, 6, 24)), ("GESTION", date(2011, 6, 24))]),
    Plan("VAE-2011-0027", C5, S.PARTIALLY_VALIDATED, date(2011, 1, 17), "Paris", eligibility_on=date(2011, 3, 1),
         validation_file_on=date(2011, 7, 4), session="JURY-CNAM-2011-10-14", decided_on=date(2011, 10, 14),
         acquired=[("PROJETS", date(2011, 10, 14))]),
    Plan("ASK-2011-0009", C17, S.PARTIALLY_VALIDATED, date(2011, 1, 24), "Rennes", eligibility_on=date(2011, 3, 7),
         validation_file_on=date(2011, 5, 2), session="JURY-ASK-2011-07-08", decided_on=date(2011, 7, 8),
         acquired=[("DC1", date(2011, 7, 8)), ("DC2", date(2011, 7, 8))]),
    Plan("ASK-2011-0012", C17, S.PARTIALLY_VALIDATED, date(2011, 1, 10), "Rennes", eligibility_on=date(2011, 2, 21),
         validation_file_on=date(2011, 3, 14), session="JURY-ASK-2011-05-13", decided_on=date(2011, 5, 13),
         acquired=[("DC4", date(2011, 5, 13))]),
    Plan("ASK-2013-0007", C17, S.CERTIFIED, date(2013, 1, 21), "Rennes", eligibility_on=date(2013, 3, 4),
         validation_file_on=date(2013, 10, 7), session="JURY-ASK-2014-06-20", decided_on=date(2014, 6, 20),
         acquired=[("DC1", date(2014, 6, 20)), ("DC2", date(2014, 6, 20)), ("DC3", date(2014, 6, 20)), ("DC4", date(2014, 6, 20))]),
]

# Sessions: reference -> (certification, start, hours, site, room, status)
SESSIONS = {
    "JURY-CNAM-2010-12-10": (C5, datetime(2010, 12, 10, 9), 3.5, "Paris", "Salle 21.2.37", SessionStatus.HELD),
    "JURY-CNAM-2011-03-25": (C5, datetime(2011, 3, 25, 9), 3.5, "Paris", "Salle 21.2.37", SessionStatus.HELD),
    "JURY-CNAM-2011-05-20": (C5, datetime(2011, 5, 20, 14), 3.5, "Nantes", "Salle B104", SessionStatus.HELD),
    "JURY-CNAM-2011-06-24": (C5, datetime(2011, 6, 24, 9), 3.5, "Lille", "Salle 2", SessionStatus.HELD),
    "JURY-CNAM-2011-10-14": (C5, datetime(2011, 10, 14, 14), 3.5, "Paris", "Salle 21.2.37", SessionStatus.HELD),
    "JURY-ASK-2011-05-13": (C17, datetime(2011, 5, 13, 9), 3.5, "Rennes", "Salle Bréhat", SessionStatus.HELD),
    "JURY-ASK-2011-07-08": (C17, datetime(2011, 7, 8, 9), 3.5, "Rennes", "Salle Ouessant", SessionStatus.HELD),
    "JURY-CNAM-2015-06-12": (C5, datetime(2015, 6, 12, 9), 3.5, "Paris", "Amphi C", SessionStatus.HELD),
    "JURY-CNAM-2016-03-15": (C5, datetime(2016, 3, 15, 9), 3.5, "Paris", "Salle 17.1.02", SessionStatus.CONFIRMED),
    "JURY-ASK-2011-12-09": (C17, datetime(2011, 12, 9, 9), 3.5, "Rennes", "Salle Bréhat", SessionStatus.HELD),
    "JURY-ASK-2014-06-20": (C17, datetime(2014, 6, 20, 9), 3.5, "Rennes", "Salle Bréhat", SessionStatus.HELD),
    "JURY-ASK-2015-06-19": (C17, datetime(2015, 6, 19, 14), 3.5, "Rennes", "Salle Ouessant", SessionStatus.HELD),
    "JURY-ASK-2016-03-22": (C17, datetime(2016, 3, 22, 9), 3.5, "Rennes", "Salle Ouessant", SessionStatus.CONFIRMED),
    "JURY-ASK-2016-04-12": (C17, datetime(2016, 4, 12, 14), 3.5, "Rennes", "Salle Bréhat", SessionStatus.DRAFT),
    "JURY-CNAM-2016-04-05": (C5, datetime(2016, 4, 5, 9), 3.5, "Paris", "Salle 31.1.05", SessionStatus.DRAFT),
}
# Draft sessions left for the coordinator to complete: how many members the demo seats.
PARTIAL = {"JURY-CNAM-2016-04-05": 5}

# Member pool: (certifier, qualifications, how many, sites)
POOL = [
    ("cnam", ["cnam_president"], 3, ["Paris"]),
    ("cnam", ["cnam_teacher", "pedagogical_head"], 3, ["Paris", "Nantes", "Lille"]),
    ("cnam", ["cnam_teacher"], 11, ["Paris", "Paris", "Lille", "Nantes", "Dijon"]),
    ("cnam", ["qualified_professional", "employer_rep"], 3, ["Paris", "Lille"]),
    ("cnam", ["qualified_professional", "employee_rep"], 3, ["Paris", "Nantes"]),
    ("cnam", ["qualified_professional"], 2, ["Paris", "Dijon"]),
    ("askoria", ["director_in_post"], 9, ["Rennes"]),
    ("askoria", ["director_in_post", "employer_rep"], 2, ["Rennes"]),
    ("askoria", ["askoria_trainer"], 3, ["Rennes"]),
]


class DemoLoader:
    """Creates what is missing of the demo, row by natural key."""

    def __init__(self, rules: RuleBook, now: datetime | None = None):
        self.rules = rules
        self.random = random.Random(2016)
        self.created: dict[str, int] = {}
        self.now = now or datetime.combine(DEMO_DATE, time(8))

    def _demo_hash(self) -> str:
        """One scrypt hash of the shared demo password (hashing 30 times would take seconds)."""
        if not hasattr(self, "_hash"):
            probe = User()
            probe.set_password(DEMO_PASSWORD)
            self._hash = probe.password_hash
        return self._hash

    def _count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1

    def load(self) -> dict[str, int]:
        certifiers, certifications = self._certifications()
        users = self._accounts(certifiers)
        members = self._members(certifiers, certifications, users)
        sessions = self._sessions(certifications, members)
        self._candidacies(certifications, sessions, users)
        today = clock.today()
        if bts.registered_on(self.rules, today):  # the live part: a certification open on the app's date
            bts.BtsDemo(self, today).load(certifiers, certifications)
        db.session.flush()
        return self.created

    # -- reference data ---------------------------------------------------------

    def _certifications(self):
        certifiers: dict[str, Certifier] = {c.code: c for c in db.session.scalars(select(Certifier))}
        certifications: dict[str, Certification] = {c.code: c for c in db.session.scalars(select(Certification))}
        for rules in self.rules.certifications.values():
            if rules.certifier_code not in certifiers:
                certifier = Certifier(code=rules.certifier_code, name=rules.certifier_name)
                db.session.add(certifier)
                certifiers[certifier.code] = certifier
                self._count("certifiers")
            if rules.code not in certifications:
                certification = Certification(code=rules.code, certifier=certifiers[rules.certifier_code])
                db.session.add(certification)
                certifications[rules.code] = certification
                self._count("certifications")
        db.session.flush()
        return certifiers, certifications

    def _user(self, email, first, last, role, certifier=None) -> User:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, first_name=first, last_name=last, role=role, certifier=certifier, created_at=self.now,
                        password_hash=self._demo_hash())
            db.session.add(user)
            self._count("users")
        return user

    def _accounts(self, certifiers):
        users = {}
        for email, first, last, role, certifier_code in ACCOUNTS:
            users[email] = self._user(email, first, last, role, certifiers.get(certifier_code))
        db.session.flush()
        return users

    def _members(self, certifiers, certifications, users):
        existing = {(m.certifier_id, m.email): m for m in db.session.scalars(select(JuryMember))}
        members: dict[str, list[JuryMember]] = {"cnam": [], "askoria": []}
        used_names = set()
        index = 0
        for certifier_code, qualifications, how_many, sites in POOL:
            certifier = certifiers[certifier_code]
            for n in range(how_many):
                index += 1
                gender = Gender.FEMALE if self.random.random() < 0.5 else Gender.MALE
                first = self.random.choice(FIRST_NAMES_F if gender is Gender.FEMALE else FIRST_NAMES_M)
                last = self.random.choice(LAST_NAMES)
                while (first, last) in used_names:
                    last = self.random.choice(LAST_NAMES)
                used_names.add((first, last))
                email = f"membre{index:02d}.{certifier_code}@demo.vae.fr"
                user = None
                if certifier_code == "cnam" and "pedagogical_head" in qualifications and n == 0:
                    # The demo jury account is the first pedagogical head of the CNAM pool.
                    user = users["jury@demo.vae.fr"]
                    first, last, gender = user.first_name, user.last_name, Gender.FEMALE
                member = existing.get((certifier.id, email))
                if member is None:
                    member = JuryMember(
                        certifier=certifier, user=user, first_name=first, last_name=last, email=email, gender=gender,
                        qualifications=list(qualifications), site=sites[n % len(sites)], max_sessions=6,
                        organisation=self._member_organisation(qualifications),
                    )
                    member.certifications = [c for c in certifications.values() if c.certifier_id == certifier.id]
                    if index % 5:  # one member in five has not said when they are available
                        member.availabilities.append(MemberAvailability(starts_at=datetime(2016, 3, 1, 8),
                                                                        ends_at=datetime(2016, 7, 13, 19)))
                    db.session.add(member)
                    self._count("jury_members")
                members[certifier_code].append(member)
        db.session.flush()
        return members

    def _member_organisation(self, qualifications) -> str:
        if "cnam_president" in qualifications:
            return "Cnam — administration générale"
        if "cnam_teacher" in qualifications:
            return "Cnam — équipe pédagogique"
        if "askoria_trainer" in qualifications:
            return "ASKORIA — formation"
        if "director_in_post" in qualifications:
            return self.random.choice(ORGANISATIONS_17992)
        return self.random.choice(ORGANISATIONS_5385)

    def _sessions(self, certifications, members):
        sessions = {s.reference: s for s in db.session.scalars(select(JurySession))}
        for reference, (code, start, hours, site, room, status) in SESSIONS.items():
            if reference in sessions:
                continue
            session = JurySession(
                reference=reference, certification=certifications[code], route=AccessRoute.VAE, starts_at=start,
                ends_at=start + timedelta(hours=hours), site=site, room=room, status=status,
                capacity=self.rules.certification(code).session_capacity,
            )
            composition = self._compose(code, members, start)
            if reference in PARTIAL:  # president and teachers only: the coordinator completes it
                composition = [(m, None) for m, role in composition if role in ("president", "teachers")
                               and "pedagogical_head" not in m.qualifications][:PARTIAL[reference]]
            for member, role in composition:
                session.members.append(SessionMember(member=member, seat=role if status is not SessionStatus.DRAFT else None,
                                                 starts_at=session.starts_at, ends_at=session.ends_at))
            db.session.add(session)
            sessions[reference] = session
            self._count("jury_sessions")
        db.session.flush()
        return sessions

    def _compose(self, code: str, members, start: datetime):
        """A compliant jury for the demo session, rotating through the pool."""
        offset = start.toordinal()
        if code == C5:
            pool = members["cnam"]
            by = lambda q: [m for m in pool if q in m.qualifications]  # noqa: E731
            presidents, heads = by("cnam_president"), by("pedagogical_head")
            teachers = [m for m in by("cnam_teacher") if "pedagogical_head" not in m.qualifications]
            professionals = by("qualified_professional")
            head = heads[0] if start.date() >= DEMO_DATE else heads[offset % len(heads)]
            chosen = [(presidents[offset % len(presidents)], "president"), (head, "teachers")]
            chosen += [(teachers[(offset + i) % len(teachers)], "teachers") for i in range(3)]
            employer = [m for m in professionals if "employer_rep" in m.qualifications]
            employee = [m for m in professionals if "employee_rep" in m.qualifications]
            chosen += [(employer[offset % len(employer)], "professionals"), (employee[offset % len(employee)], "professionals")]
            return chosen
        pool = members["askoria"]
        directors = [m for m in pool if "director_in_post" in m.qualifications]
        trainers = [m for m in pool if "askoria_trainer" in m.qualifications]
        chosen = [(directors[(offset + i) % len(directors)], "directors") for i in range(6)]
        chosen.append((trainers[offset % len(trainers)], "other"))
        return chosen

    # -- candidacies --------------------------------------------------------------

    def _candidacies(self, certifications, sessions, users):
        existing = set(db.session.scalars(select(Candidacy.reference)))
        for plan in PLANS:
            if plan.reference in existing:
                continue
            candidate = users.get(plan.email) if plan.email else None
            if candidate is None:
                candidate = self._candidate_for(plan)
            created = datetime.combine(plan.received_on or DEMO_DATE - timedelta(days=9), time(10))
            session = sessions.get(plan.session) if plan.session else None
            candidacy = Candidacy(
                reference=plan.reference, candidate=candidate, certification=certifications[plan.certification],
                route=AccessRoute.VAE, state=plan.state, site=plan.site, received_on=plan.received_on,
                eligibility_decided_on=plan.eligibility_on, validation_file_submitted_on=plan.validation_file_on,
                jury_session=session if plan.state is S.JURY_SCHEDULED or plan.decided_on else None,
                decided_on=plan.decided_on, created_at=created, updated_at=created,
            )
            candidacy.experiences = self._experiences(plan)
            self._application_form(candidacy, plan)
            rules = self.rules.certification(plan.certification)
            for code, validated_on in plan.acquired:
                validity = component_expiry(rules, self.rules.law, validated_on)
                candidacy.acquired_components.append(
                    AcquiredComponent(component_code=code, validated_on=validated_on,
                                      expires_on=validity.expires_on, validity_rule=validity.rule)
                )
            db.session.add(candidacy)
            db.session.flush()
            if plan.decided_on and session is not None:
                acquired = {code for code, _day in plan.acquired}
                for component in rules.components:
                    db.session.add(ComponentDecision(candidacy_id=candidacy.id, jury_session_id=session.id,
                                                     component_code=component.code, validated=component.code in acquired,
                                                     decided_on=plan.decided_on))
                candidacy.decision_outcome = (DecisionOutcome.FULL if len(acquired) == len(rules.components)
                                              else DecisionOutcome.PARTIAL if acquired else DecisionOutcome.REFUSED)
            self._history(candidacy, plan, candidate, created)
            self._count("candidacies")
        self._ties()

    def _ties(self) -> None:
        """Declared ties: the demo's assembly screen shows what they do to a jury."""
        wanted = [("membre20.cnam@demo.vae.fr", "vae-2015-0005@exemple.fr", TieKind.EMPLOYER),
                  ("membre16.cnam@demo.vae.fr", "vae-2015-0005@exemple.fr", TieKind.ACCOMPANIER),
                  ("membre39.askoria@demo.vae.fr", "ask-2015-0002@exemple.fr", TieKind.ACCOMPANIER)]
        for member_email, candidate_email, kind in wanted:
            member = db.session.scalar(select(JuryMember).where(JuryMember.email == member_email))
            candidate = db.session.scalar(select(User).where(User.email == candidate_email))
            if member is None or candidate is None:
                continue
            exists = db.session.scalar(select(MemberTie.id).where(MemberTie.member_id == member.id,
                                                                  MemberTie.candidate_id == candidate.id, MemberTie.kind == kind))
            if not exists:
                db.session.add(MemberTie(member=member, candidate=candidate, kind=kind))
                self._count("member_ties")

    def _application_form(self, candidacy: Candidacy, plan: Plan) -> None:
        """The CERFA's identity part: complete once filed, half-filled for a draft."""
        candidacy.birth_date = date(self.random.randint(1965, 1988), self.random.randint(1, 12), self.random.randint(1, 28))
        candidacy.birth_place = self.random.choice(["Paris", "Lille", "Nantes", "Dijon", "Rennes", "Brest", "Lyon", "Tours"])
        candidacy.nationality = "française"
        if plan.state is S.DRAFT:
            return
        number = self.random.randint(1, 120)
        street = self.random.choice(["rue de la République", "avenue Jean-Jaurès", "rue Victor-Hugo", "boulevard Voltaire"])
        city = {"Paris": "75011 Paris", "Lille": "59000 Lille", "Nantes": "44000 Nantes", "Dijon": "21000 Dijon",
                "Rennes": "35000 Rennes"}.get(plan.site, "75011 Paris")
        candidacy.address = f"{number} {street}, {city}"
        candidacy.phone = f"06 {self.random.randint(10, 99)} {self.random.randint(10, 99)} {self.random.randint(10, 99)} {self.random.randint(10, 99)}"
        candidacy.current_situation = "En poste"
        candidacy.highest_diploma = self.random.choice(["Licence professionnelle", "DUT carrières sociales", "Master 1", "BTS"])
        candidacy.sworn_statement = True
        candidacy.complete_on = plan.received_on

    def _candidate_for(self, plan: Plan) -> User:
        gender_f = self.random.random() < 0.6
        first = self.random.choice(FIRST_NAMES_F if gender_f else FIRST_NAMES_M)
        last = self.random.choice(LAST_NAMES)
        email = f"{plan.reference.lower()}@exemple.fr"
        return self._user(email, first, last, Role.CANDIDATE)

    def _experiences(self, plan: Plan) -> list[ExperiencePeriod]:
        cnam = plan.certification == C5
        reference_day = plan.received_on or DEMO_DATE
        years = self.random.choice([4, 6, 8, 11])
        if plan.state is S.INELIGIBLE:
            years = 2  # not enough before 2017: three years were required (E1)
        start = date(reference_day.year - years, self.random.choice([1, 3, 9]), 1)
        periods = [
            ExperiencePeriod(
                status=X.SALARIED, job_title=self.random.choice(JOBS_5385 if cnam else JOBS_17992),
                organisation=self.random.choice(ORGANISATIONS_5385 if cnam else ORGANISATIONS_17992),
                start=start, end_on=reference_day - timedelta(days=15), hours=None, related=True,
                activities="Direction d'équipe, budget, projet d'établissement, partenariats.",
            )
        ]
        if self.random.random() < 0.5 and plan.state is not S.INELIGIBLE:
            periods.append(
                ExperiencePeriod(
                    status=X.VOLUNTEER, job_title="Trésorier bénévole",
                    organisation="Association sportive du quartier", start=date(start.year - 3, 9, 1),
                    end_on=date(start.year - 1, 6, 30), hours=420, related=True,
                    activities="Tenue des comptes, préparation du budget, assemblée générale.",
                )
            )
        return periods

    def _history(self, candidacy: Candidacy, plan: Plan, candidate: User, created: datetime) -> None:
        coordinator_email = "coordination.cnam@demo.vae.fr" if plan.certification == C5 else "coordination.askoria@demo.vae.fr"
        coordinator = db.session.scalar(select(User).where(User.email == coordinator_email))
        dates = {
            "submit": plan.received_on,
            "request_documents": (plan.received_on or DEMO_DATE) + timedelta(days=20),
            "declare_eligible": plan.eligibility_on,
            "declare_ineligible": plan.eligibility_on,
            "start_validation_file": (plan.eligibility_on or DEMO_DATE) + timedelta(days=7),
            "submit_validation_file": plan.validation_file_on,
            "complete_assessment": (plan.validation_file_on or DEMO_DATE) + timedelta(days=45),
            "schedule": (plan.decided_on or DEMO_DATE) - timedelta(days=40),
            "record_decision": plan.decided_on,
            "withdraw": (plan.eligibility_on or DEMO_DATE) + timedelta(days=120),
            "lapse": candidacy.acquired_components[0].expires_on if candidacy.acquired_components else None,
        }
        reasons = {
            "declare_ineligible": "Durée d'expérience insuffisante : trois années d'expérience étaient requises à la date de réception de la demande.",
            "request_documents": "Attestations d'employeur manquantes.",
            "withdraw": "Abandon à la demande du candidat (raisons personnelles).",
            "lapse": "Toutes les composantes acquises ont expiré.",
        }
        by_candidate = {"submit", "submit_validation_file", "withdraw", "start_validation_file"}
        db.session.add(AuditEvent(at=created, actor_id=candidate.id, entity=Entity.CANDIDACY.value, entity_id=candidacy.id,
                                  candidacy_id=candidacy.id, event="create", to_state=S.DRAFT.value,
                                  details={"experiences": [{"experience": e.id, "related": e.related} for e in candidacy.experiences]}))
        steps = PATH_ENDINGS[plan.state]
        when_of = [dates.get(event) or (plan.received_on or DEMO_DATE) for event, _s, _t in steps]
        for i in range(len(when_of) - 2, -1, -1):  # keep the story in order: each step before the next
            when_of[i] = min(when_of[i], when_of[i + 1] - timedelta(days=1))
        for (event, source, target), when in zip(steps, when_of):
            actor = candidate if event in by_candidate else (None if event == "lapse" else coordinator)
            db.session.add(AuditEvent(
                at=datetime.combine(when, time(11)), actor_id=actor.id if actor else None, entity=Entity.CANDIDACY.value,
                entity_id=candidacy.id, candidacy_id=candidacy.id, event=event, from_state=source.value,
                to_state=target.value, reason=reasons.get(event), details=self._decision(candidacy) if event == "record_decision" else None,
            ))

    @staticmethod
    def _decision(candidacy: Candidacy) -> dict:
        """A recorded jury decision as the workflow records it (the audit replays to the candidacy)."""
        acquired = {a.component_code: a for a in candidacy.acquired_components}
        decided = db.session.scalars(select(ComponentDecision).where(ComponentDecision.candidacy_id == candidacy.id)).all()
        return {"outcome": candidacy.decision_outcome.value, "session": candidacy.jury_session.reference if candidacy.jury_session else None,
                "decided_on": candidacy.decided_on.isoformat(), "components": {d.component_code: d.validated for d in decided},
                "expires_on": {code: a.expires_on.isoformat() if a.expires_on else None for code, a in acquired.items()},
                "carried_over": []}
