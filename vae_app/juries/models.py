"""The member pool (members, their ties to candidates, their availabilities), jury sessions and
the members sitting on them, planning campaigns. Names follow ``docs/glossary.md``."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..certifications.vocabulary import AccessRoute, Gender
from ..database import enum_column
from ..enums import N_, LabelledEnum
from ..extensions import db
from ..search import KEY_LENGTH, keep_search_key, key_default, trigram_index

member_certifications = sa.Table(
    "jury_member_certifications",
    db.metadata,
    sa.Column("member_id", sa.ForeignKey("jury_members.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("certification_id", sa.ForeignKey("certifications.id", ondelete="CASCADE"), primary_key=True),
)

MEMBER_SEARCHED = ("first_name", "last_name", "email", "site")


class JuryMember(db.Model):
    """A person of a certifier's pool who may sit on juries.

    ``qualifications`` holds names from the rules' closed vocabulary
    (``cnam_teacher``, ``director_in_post``…), checked when saved.
    """

    __tablename__ = "jury_members"
    # AUTOINCREMENT on SQLite: a deleted member's id is never given to another, the journal names them for good
    __table_args__ = (sa.UniqueConstraint("certifier_id", "email"), trigram_index("ix_jury_members_search_key", "search_key"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    certifier_id: Mapped[int] = mapped_column(sa.ForeignKey("certifiers.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str] = mapped_column(sa.String(254))
    gender: Mapped[Gender] = mapped_column(enum_column(Gender))
    qualifications: Mapped[list] = mapped_column(sa.JSON, default=list)
    site: Mapped[str | None] = mapped_column(sa.String(100))
    organisation: Mapped[str | None] = mapped_column(sa.String(200))
    max_sessions: Mapped[int] = mapped_column(sa.Integer, default=6)
    # the sites the member says they can reach (None: not said — every site is offered, as before)
    reachable_sites: Mapped[list | None] = mapped_column(sa.JSON)
    version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")  # optimistic: a stale form is refused
    # the names, address and site as people type them (vae_app.search): kept on every write, searched by the pool
    search_key: Mapped[str] = mapped_column(sa.String(KEY_LENGTH), default=key_default(*MEMBER_SEARCHED), server_default="")

    __mapper_args__ = {"version_id_col": version}

    certifier = relationship("Certifier")
    user = relationship("User")
    certifications = relationship("Certification", secondary=member_certifications, order_by="Certification.code")
    ties = relationship("MemberTie", back_populates="member", cascade="all, delete-orphan")
    availabilities = relationship("MemberAvailability", back_populates="member", cascade="all, delete-orphan",
                                  order_by="MemberAvailability.starts_at")
    unavailabilities = relationship("MemberUnavailability", back_populates="member", cascade="all, delete-orphan",
                                    order_by="MemberUnavailability.starts_at")

    def is_available(self, starts_at: datetime, ends_at: datetime) -> bool | None:
        """False when a recorded unavailability overlaps; else True/False from the declared availabilities, None
        when none is declared."""
        if any(u.overlaps(starts_at, ends_at) for u in self.unavailabilities):
            return False
        if not self.availabilities:
            return None
        return any(a.starts_at <= starts_at and ends_at <= a.ends_at for a in self.availabilities)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def reaches(self, site: str) -> bool:
        """Whether the member can sit at ``site`` as far as they said (True when they did not say)."""
        return self.reachable_sites is None or site.casefold() in {s.casefold() for s in self.reachable_sites}


keep_search_key(JuryMember, *MEMBER_SEARCHED)


class TieKind(LabelledEnum):
    """A tie between a jury member and a candidate (J3, J4)."""

    EMPLOYER = "employer", N_("Employeur du candidat")
    ACCOMPANIER = "accompanier", N_("Accompagnateur du candidat")
    PROFESSIONAL = "professional", N_("Lien professionnel")
    PERSONAL = "personal", N_("Lien personnel")


class MemberTie(db.Model):
    """A declared tie between a member and a candidate: it may bar the member from that candidate's jury."""

    __tablename__ = "member_ties"
    __table_args__ = (sa.UniqueConstraint("member_id", "candidate_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("jury_members.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[TieKind] = mapped_column(enum_column(TieKind))
    note: Mapped[str | None] = mapped_column(sa.String(300))

    member = relationship("JuryMember", back_populates="ties")
    candidate = relationship("User")


class MemberAvailability(db.Model):
    """A time window in which a member can sit (local time)."""

    __tablename__ = "member_availabilities"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("jury_members.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime)
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime)

    member = relationship("JuryMember", back_populates="availabilities")


class MemberUnavailability(db.Model):
    """A time the member cannot sit, recorded when they withdraw (from a day on, or for one session) and why: no
    plan, repair or replacement seats them then. ``ends_at`` None: until it is lifted."""

    __tablename__ = "member_unavailabilities"
    __table_args__ = (sa.CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("jury_members.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime)
    ends_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    reason: Mapped[str] = mapped_column(sa.String(2000))  # as long as the reason the withdrawal's form accepts
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime)

    member = relationship("JuryMember", back_populates="unavailabilities")

    def overlaps(self, starts_at: datetime, ends_at: datetime) -> bool:
        return self.starts_at < ends_at and (self.ends_at is None or starts_at < self.ends_at)


class DayPart(LabelledEnum):
    """The half-days a member declares, as the planner's slots are cut."""

    MORNING = "morning", N_("le matin (9 h – 12 h 30)")
    AFTERNOON = "afternoon", N_("l'après-midi (14 h – 17 h 30)")
    DAY = "day", N_("toute la journée (9 h – 17 h 30)")


class SessionStatus(LabelledEnum):
    DRAFT = "draft", N_("En préparation")
    CONFIRMED = "confirmed", N_("Confirmée")
    HELD = "held", N_("Tenue")


class JurySession(db.Model):
    """One jury sitting in one time slot, hearing several candidates."""

    __tablename__ = "jury_sessions"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        {"sqlite_autoincrement": True},  # a deleted session's id is never reused: the journal names it for good
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(30), unique=True)
    certification_id: Mapped[int] = mapped_column(sa.ForeignKey("certifications.id"), index=True)
    route: Mapped[AccessRoute] = mapped_column(enum_column(AccessRoute))
    # Wall-clock times in Europe/Paris: a jury sits at 9:00 local time.
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime)
    site: Mapped[str] = mapped_column(sa.String(100))
    room: Mapped[str | None] = mapped_column(sa.String(100))
    capacity: Mapped[int] = mapped_column(sa.Integer, default=4)
    status: Mapped[SessionStatus] = mapped_column(enum_column(SessionStatus), default=SessionStatus.DRAFT)
    # Why a jury with members of both genders could not be formed, as the coordinator recorded it (policy G): printed
    # in the minutes; None: nothing recorded.
    gender_exception: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")  # optimistic: a stale form is refused

    __mapper_args__ = {"version_id_col": version}

    certification = relationship("Certification")
    members = relationship("SessionMember", back_populates="session", cascade="all, delete-orphan")
    invitations = relationship("JuryInvitation", back_populates="session", cascade="all, delete-orphan",
                               order_by="JuryInvitation.id")
    declarations = relationship("TieDeclaration", cascade="all, delete-orphan", order_by="TieDeclaration.id")
    notes = relationship("EvaluationNote", cascade="all, delete-orphan", order_by="EvaluationNote.id")
    candidacies = relationship("Candidacy", back_populates="jury_session", order_by="Candidacy.reference")

    @property
    def confirmed(self) -> bool:
        """Confirmed (its candidates convened), not yet held: the only state in which the jury decides."""
        return self.status is SessionStatus.CONFIRMED

    @property
    def announced(self) -> bool:
        """Confirmed or held: a session its members may see (one in preparation is the coordinator's draft)."""
        return self.status is not SessionStatus.DRAFT


class SessionMember(db.Model):
    """A member sitting on a session's jury, with the seat they hold there (a seat id of the rules).

    The session's times are copied here so that the database itself refuses
    a member in two overlapping sessions: an exclusion constraint on
    PostgreSQL, a trigger on SQLite (see the migration).
    """

    __tablename__ = "session_seats"  # the table's name predates the glossary: renaming it would rename its indexes
    __table_args__ = (
        sa.UniqueConstraint("session_id", "member_id"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # who sits elsewhere at a session's time: seats ending after it starts are the few future ones
        sa.Index("ix_session_seats_period", "ends_at", "starts_at", "member_id", "session_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("jury_sessions.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("jury_members.id"), index=True)
    seat: Mapped[str | None] = mapped_column("role", sa.String(50))  # assigned at confirmation (or by a plan)
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime)
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime)

    session = relationship("JurySession", back_populates="members")
    member = relationship("JuryMember")


class InvitationAnswer(LabelledEnum):
    ACCEPTED = "accepted", N_("Acceptée")
    DECLINED = "declined", N_("Déclinée")


class AnswerChannel(LabelledEnum):
    """How a member answered an invitation."""

    LINK = "link", N_("par le lien reçu par courriel")
    SPACE = "space", N_("depuis son espace")


class JuryInvitation(db.Model):
    """A member asked whether they will sit on a session's jury, and their answer: ``answer`` None while they have
    not answered (never taken for a yes or a no). One per (session, member); the member answers once, from the
    signed link of the e-mail or from their space."""

    __tablename__ = "jury_invitations"
    __table_args__ = (sa.UniqueConstraint("session_id", "member_id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("jury_sessions.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("jury_members.id", ondelete="CASCADE"), index=True)
    invited_at: Mapped[datetime] = mapped_column(sa.DateTime)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    answer_by: Mapped[date] = mapped_column(sa.Date)
    answer: Mapped[InvitationAnswer | None] = mapped_column(enum_column(InvitationAnswer))
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    channel: Mapped[AnswerChannel | None] = mapped_column(enum_column(AnswerChannel))
    reminded_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    session = relationship("JurySession", back_populates="invitations")
    member = relationship("JuryMember")


class TieDeclaration(db.Model):
    """A member's declaration of their ties with a confirmed session's candidates (the ties themselves are
    :class:`MemberTie` rows, applied by the composition check at once), for the candidates it covered: when the
    session's candidates change, it is asked again."""

    __tablename__ = "tie_declarations"
    __table_args__ = (sa.UniqueConstraint("session_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("jury_sessions.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("jury_members.id", ondelete="CASCADE"), index=True)
    declared_at: Mapped[datetime] = mapped_column(sa.DateTime)
    candidacy_ids: Mapped[list] = mapped_column(sa.JSON)  # the candidacies it covered, sorted
    version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    member = relationship("JuryMember")

    def covers(self, session: "JurySession") -> bool:
        """Whether it covers the session's candidates as they are now."""
        return sorted(c.id for c in session.candidacies) == list(self.candidacy_ids)


class EvaluationNote(db.Model):
    """A jury member's working note on a candidate of a confirmed session, for one component (``component_code``) or
    the whole file (None), written before and during the jury; the president and the coordination read them all, and
    they are kept with the minutes."""

    __tablename__ = "evaluation_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("jury_sessions.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("jury_members.id", ondelete="CASCADE"), index=True)
    candidacy_id: Mapped[int] = mapped_column(sa.ForeignKey("candidacies.id", ondelete="CASCADE"), index=True)
    component_code: Mapped[str | None] = mapped_column(sa.String(50))
    text: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime)

    member = relationship("JuryMember")
    candidacy = relationship("Candidacy")


class RunStatus(LabelledEnum):
    QUEUED = "queued", N_("En attente")
    RUNNING = "running", N_("En cours")
    DONE = "done", N_("Terminé")
    CANCELLED = "cancelled", N_("Annulé")
    FAILED = "failed", N_("Échec")


class PlanningRun(db.Model):
    """A planning campaign: the problem built from the database, the plan proposed, its progress."""

    __tablename__ = "planning_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    certifier_id: Mapped[int] = mapped_column(sa.ForeignKey("certifiers.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime)
    params: Mapped[dict] = mapped_column(sa.JSON)
    problem: Mapped[dict] = mapped_column(sa.JSON)
    status: Mapped[RunStatus] = mapped_column(enum_column(RunStatus), default=RunStatus.QUEUED)
    progress: Mapped[float] = mapped_column(sa.Float, default=0.0)
    step: Mapped[str | None] = mapped_column(sa.String(200))
    cancel_requested: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    plan: Mapped[dict | None] = mapped_column(sa.JSON)
    scores: Mapped[dict | None] = mapped_column(sa.JSON)
    shortages: Mapped[list | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text)
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(sa.DateTime)  # real UTC: queued, then the worker's last sign of life
    applied_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    certifier = relationship("Certifier")
