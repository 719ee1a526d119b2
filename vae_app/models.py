"""Import every model so that SQLAlchemy's metadata (and Alembic) see them all."""
from .audit.models import AuditEvent  # noqa: F401
from .auth.models import ApiToken, RememberToken, Role, User  # noqa: F401
from .candidacies.models import (  # noqa: F401
    AssessmentResult, Candidacy, CandidacyState, ComponentAssessment, ComponentDecision, DecisionOutcome, Document, DocumentKind,
    ExperiencePeriod, ValidationFileSection,
)
from .certifications.models import Certification, Certifier  # noqa: F401
from .components.models import AcquiredComponent, Reminder  # noqa: F401
from .mail.models import MessageAttachment, OutboxMessage  # noqa: F401
from .francevae.models import FranceVaeDelivery, FranceVaePull  # noqa: F401
from .numbering import ReferenceCounter  # noqa: F401
from .rate_limits import RateLimitHit  # noqa: F401
from .juries.models import (  # noqa: F401
    JuryMember, JurySession, MemberAvailability, MemberTie, PlanningRun, RunStatus, SessionMember, SessionStatus, TieKind,
)
from .statistics.models import StatFact, StatOpenDay, StatTotal  # noqa: F401
