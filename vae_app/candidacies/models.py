"""A candidacy: one candidate, one certification, one route, one state."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..certifications.vocabulary import AccessRoute, DecisionOutcome, ExperienceStatus
from ..database import enum_column
from ..enums import N_, LabelledEnum
from ..extensions import db
from ..search import trigram_index


class CandidacyState(LabelledEnum):
    """États du dossier (the workflow's states; labels as a certifier says them, agreeing with « le dossier »)."""

    DRAFT = "draft", N_("Brouillon")
    SUBMITTED = "submitted", N_("Déposé")
    INCOMPLETE = "incomplete", N_("Incomplet")
    ELIGIBLE = "eligible", N_("Recevable")
    INELIGIBLE = "ineligible", N_("Non recevable")
    VALIDATION_FILE = "validation_file", N_("Dossier de validation en cours")
    UNDER_ASSESSMENT = "under_assessment", N_("Évaluation des composantes")
    READY_FOR_JURY = "ready_for_jury", N_("Prêt pour le jury")
    JURY_SCHEDULED = "jury_scheduled", N_("Convoqué")
    CERTIFIED = "certified", N_("Validation totale")
    PARTIALLY_VALIDATED = "partially_validated", N_("Validation partielle")
    REFUSED = "refused", N_("Refus")
    WITHDRAWN = "withdrawn", N_("Abandon")
    LAPSED = "lapsed", N_("Caduc")


class FeasibilityModel(LabelledEnum):
    """The two models of the feasibility file (C. trav. R6412-3; arrêté of 2025-07-03)."""

    WITH_ACCOMPANIER = "with_accompanier", N_("Avec un accompagnement (l'avis de l'accompagnateur y figure)")
    WITHOUT_ACCOMPANIER = "without_accompanier", N_("Sans accompagnement")


class Candidacy(db.Model):
    """Le dossier VAE d'un candidat pour une certification."""

    __tablename__ = "candidacies"
    __table_args__ = (
        sa.CheckConstraint(
            "(state != 'jury_scheduled') OR (jury_session_id IS NOT NULL)",
            name="scheduled_has_session",
        ),
        sa.CheckConstraint(
            "(state NOT IN ('certified', 'partially_validated', 'refused')) OR (decided_on IS NOT NULL)",
            name="decided_has_date",
        ),
        sa.Index("ix_candidacies_certification_state", "certification_id", "state", "id"),  # a state in id order (the API)
        # the coordinator's queue: one state, most recently changed first, without sorting the whole state
        sa.Index("ix_candidacies_certification_state_updated", "certification_id", "state", "updated_at"),
        # the queue sorted by the deadline it shows (.shown_deadline)
        sa.Index("ix_candidacies_certification_deadline", "certification_id", "deadline_on", "id"),
        # a part of a reference typed in the queue's search (vae_app.search): trigrams on PostgreSQL (on SQLite, a
        # b-tree like the unique one: the schema is the same on both databases)
        trigram_index("ix_candidacies_reference_search", "reference"),
        # only candidacies with a session: SQLite's statistics cannot tell that NULL (most candidacies) is not selective,
        # and walked 100,000 NULLs for "ready candidacies without a session"
        sa.Index("ix_candidacies_jury_session_id", "jury_session_id", sqlite_where=sa.text("jury_session_id IS NOT NULL"),
                 postgresql_where=sa.text("jury_session_id IS NOT NULL")),
        # the assembly screen's candidacies waiting for a jury, in reference order; covering, so they are counted
        # from the index alone (SQLite checks the bound state and session against the index's own columns)
        sa.Index("ix_candidacies_ready_for_jury", "certification_id", "route", "reference", "state", "jury_session_id", "candidate_id",
                 sqlite_where=sa.text("state = 'ready_for_jury' AND jury_session_id IS NULL"),
                 postgresql_where=sa.text("state = 'ready_for_jury' AND jury_session_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(30), unique=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    certification_id: Mapped[int] = mapped_column(sa.ForeignKey("certifications.id"))
    route: Mapped[AccessRoute] = mapped_column(enum_column(AccessRoute))
    state: Mapped[CandidacyState] = mapped_column(enum_column(CandidacyState), default=CandidacyState.DRAFT)
    site: Mapped[str | None] = mapped_column(sa.String(100))
    received_on: Mapped[date | None] = mapped_column(sa.Date)
    eligibility_decided_on: Mapped[date | None] = mapped_column(sa.Date)
    validation_file_submitted_on: Mapped[date | None] = mapped_column(sa.Date)
    jury_session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jury_sessions.id"))
    decided_on: Mapped[date | None] = mapped_column(sa.Date)
    # only a decision is stored: an absence leaves the candidacy waiting for another session
    decision_outcome: Mapped[DecisionOutcome | None] = mapped_column(
        enum_column(DecisionOutcome, [o for o in DecisionOutcome if o.decides]))
    complete_on: Mapped[date | None] = mapped_column(sa.Date)
    # the date the queue's deadline column shows (None: none), kept by .shown_deadline: the queue sorts by it
    deadline_on: Mapped[date | None] = mapped_column(sa.Date)
    # The pathway since the 2024 reform (C. trav. R6412-1 to R6412-7): when it was initiated (on France VAE), what it
    # targets (None: the whole certification; else the codes of the blocs, or of one option's blocs), the
    # feasibility file's model and accompanier's opinion (N4), the certifier's gaps and recommendations (N5).
    pathway_started_on: Mapped[date | None] = mapped_column(sa.Date)
    target_components: Mapped[list | None] = mapped_column(sa.JSON)
    feasibility_model: Mapped[FeasibilityModel | None] = mapped_column(enum_column(FeasibilityModel))
    accompanier: Mapped[str | None] = mapped_column(sa.String(200))  # the accompanying organisation (AAP)
    accompanier_opinion: Mapped[str | None] = mapped_column(sa.Text)
    component_gaps: Mapped[dict | None] = mapped_column(sa.JSON)  # {code: the gap said by the certifier}; None: not said
    recommendations: Mapped[str | None] = mapped_column(sa.Text)
    france_vae_notice_on: Mapped[date | None] = mapped_column(sa.Date)  # France VAE notified admissibility on silence (N5)
    in_initial_training: Mapped[bool | None] = mapped_column(sa.Boolean)  # prepares it in initial training (N2); None: not said
    prior_learning: Mapped[str | None] = mapped_column(sa.Text)  # trainings followed, blocs held or under way (R6412-1, R6412-3)
    francevae_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True, index=True)  # the candidacy on France VAE
    francevae_snapshot: Mapped[dict | None] = mapped_column(sa.JSON)  # France VAE's documents as last pulled
    francevae_pulled_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # The application form (CERFA 12818, livret 1): identity and situation.
    birth_date: Mapped[date | None] = mapped_column(sa.Date)
    birth_place: Mapped[str | None] = mapped_column(sa.String(120))
    nationality: Mapped[str | None] = mapped_column(sa.String(80))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    current_situation: Mapped[str | None] = mapped_column(sa.String(300))
    highest_diploma: Mapped[str | None] = mapped_column(sa.String(300))
    sworn_statement: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    anonymised_on: Mapped[date | None] = mapped_column(sa.Date)  # personal data removed (retention)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)

    candidate = relationship("User")
    certification = relationship("Certification")
    jury_session = relationship("JurySession", back_populates="candidacies")
    experiences = relationship(
        "ExperiencePeriod", back_populates="candidacy", cascade="all, delete-orphan", order_by="ExperiencePeriod.start"
    )
    acquired_components = relationship(
        "AcquiredComponent", back_populates="candidacy", cascade="all, delete-orphan",
        order_by="AcquiredComponent.component_code",
    )
    documents = relationship("Document", back_populates="candidacy", cascade="all, delete-orphan", order_by="Document.uploaded_at")
    validation_sections = relationship("ValidationFileSection", back_populates="candidacy", cascade="all, delete-orphan")
    assessments = relationship("ComponentAssessment", back_populates="candidacy", cascade="all, delete-orphan",
                               order_by="(ComponentAssessment.assessed_on, ComponentAssessment.id)")  # every one, superseded too

    @property
    def certification_code(self) -> str:
        return self.certification.code

    @property
    def supporting_documents(self) -> list:
        """The application's supporting documents (livret 1); ``documents`` holds the validation file's too."""
        return [d for d in self.documents if d.component_code is None]

    def validation_documents(self, component_code: str) -> list:
        """The documents of one component's part of the validation file, in the order they were added."""
        return [d for d in self.documents if d.component_code == component_code]

    @property
    def current_assessments(self) -> list:
        """The assessment in force for each component (earlier ones stay in ``assessments``)."""
        return [a for a in self.assessments if a.superseded_on is None]

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Candidacy {self.reference} {self.state.value}>"


class CandidacyStateCount(db.Model):
    """How many candidacies a certification holds in each state, kept exact by database triggers on ``candidacies``
    (migration ``7d3f5a9c1e02``) so the desk reads a dozen rows instead of counting 100,000 candidacies."""

    __tablename__ = "candidacy_state_counts"

    certification_id: Mapped[int] = mapped_column(sa.ForeignKey("certifications.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[CandidacyState] = mapped_column(enum_column(CandidacyState), primary_key=True)
    n: Mapped[int] = mapped_column(sa.Integer, default=0)


class ExperiencePeriod(db.Model):
    """One row of the CERFA's experience table."""

    __tablename__ = "experience_periods"
    __table_args__ = (
        sa.CheckConstraint("end_on IS NULL OR end_on >= start", name="end_after_start"),
        sa.CheckConstraint("hours IS NULL OR hours >= 0", name="hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(sa.ForeignKey("candidacies.id", ondelete="CASCADE"), index=True)
    status: Mapped[ExperienceStatus] = mapped_column(enum_column(ExperienceStatus))
    job_title: Mapped[str] = mapped_column(sa.String(200))
    organisation: Mapped[str] = mapped_column(sa.String(200))
    start: Mapped[date] = mapped_column(sa.Date)
    end_on: Mapped[date | None] = mapped_column(sa.Date)
    hours: Mapped[int | None] = mapped_column(sa.Integer)
    related: Mapped[bool | None] = mapped_column(sa.Boolean)  # None: not said — never a default
    activities: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")  # optimistic: a stale form is refused

    __mapper_args__ = {"version_id_col": version}

    candidacy = relationship("Candidacy", back_populates="experiences")


class DocumentKind(LabelledEnum):
    IDENTITY = "identity", N_("Pièce d'identité")
    EMPLOYER_CERTIFICATE = "employer_certificate", N_("Attestation d'employeur")
    PAYSLIP = "payslip", N_("Bulletin de salaire")
    VOLUNTEER_CERTIFICATE = "volunteer_certificate", N_("Attestation d'activité bénévole")
    DIPLOMA = "diploma", N_("Diplôme ou certification")
    OTHER = "other", N_("Autre pièce")
    VALIDATION_FILE = "validation_file", N_("Document du dossier de validation")  # one component's part of livret 2

    @classmethod
    def supporting(cls) -> list[DocumentKind]:
        """The kinds a candidate picks for a supporting document of the application (livret 1)."""
        return [kind for kind in cls if kind is not cls.VALIDATION_FILE]


class Document(db.Model):
    """A document of the candidacy, stored outside static/ under a random name: a supporting document of the
    application (livret 1), or a document of one component's part of the validation file (livret 2), which is
    ``filed_on`` the day the validation file holding it is filed — from then on it stays as filed."""

    __tablename__ = "documents"
    __table_args__ = (
        sa.CheckConstraint("size_bytes > 0", name="size_positive"),
        sa.CheckConstraint("(kind = 'validation_file' AND component_code IS NOT NULL) OR "
                           "(kind <> 'validation_file' AND component_code IS NULL)", name="component_iff_validation_file"),
        sa.CheckConstraint("filed_on IS NULL OR component_code IS NOT NULL", name="filed_only_in_validation_file"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(sa.ForeignKey("candidacies.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind))
    original_name: Mapped[str] = mapped_column(sa.String(200))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(50))
    size_bytes: Mapped[int] = mapped_column(sa.Integer)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    component_code: Mapped[str | None] = mapped_column(sa.String(50))  # the validation file's component (None: livret 1)
    filed_on: Mapped[date | None] = mapped_column(sa.Date)  # filed with the validation file (None: not yet, removable)

    candidacy = relationship("Candidacy", back_populates="documents")
    content = relationship("DocumentContent", uselist=False, cascade="all, delete-orphan", lazy="select")


class DocumentContent(db.Model):
    """The bytes of a document, in the database: app servers keep no files and stay stateless."""

    __tablename__ = "document_contents"

    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


class ValidationFileSection(db.Model):
    """The candidate's text for one component in the validation file (livret 2)."""

    __tablename__ = "validation_file_sections"
    __table_args__ = (sa.UniqueConstraint("candidacy_id", "component_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(sa.ForeignKey("candidacies.id", ondelete="CASCADE"), index=True)
    component_code: Mapped[str] = mapped_column(sa.String(50))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime)

    candidacy = relationship("Candidacy", back_populates="validation_sections")


class AssessmentResult(LabelledEnum):
    PASSED = "passed", N_("Satisfaisante")
    FAILED = "failed", N_("Insuffisante")


class ComponentAssessment(db.Model):
    """The assessment of one component (written exercise, oral, case study…) before the jury.

    A new assessment of the same component supersedes the earlier one, which stays in the record
    (``superseded_on``); one current assessment per component at most.
    """

    __tablename__ = "component_assessments"
    __table_args__ = (
        sa.Index("uq_component_assessments_current", "candidacy_id", "component_code", unique=True,
                 sqlite_where=sa.text("superseded_on IS NULL"), postgresql_where=sa.text("superseded_on IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(sa.ForeignKey("candidacies.id", ondelete="CASCADE"), index=True)
    component_code: Mapped[str] = mapped_column(sa.String(50))
    result: Mapped[AssessmentResult] = mapped_column(enum_column(AssessmentResult))
    note: Mapped[str | None] = mapped_column(sa.Text)
    assessed_on: Mapped[date] = mapped_column(sa.Date)
    assessor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    superseded_on: Mapped[date | None] = mapped_column(sa.Date)  # None: the current assessment

    candidacy = relationship("Candidacy", back_populates="assessments")


class ComponentDecision(db.Model):
    """The jury's decision on one component of one candidate (validated or not)."""

    __tablename__ = "component_decisions"
    __table_args__ = (sa.UniqueConstraint("candidacy_id", "jury_session_id", "component_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(sa.ForeignKey("candidacies.id", ondelete="CASCADE"), index=True)
    jury_session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jury_sessions.id"))
    component_code: Mapped[str] = mapped_column(sa.String(50))
    validated: Mapped[bool] = mapped_column(sa.Boolean)
    decided_on: Mapped[date] = mapped_column(sa.Date)

    jury_session = relationship("JurySession")
