"""Import every model so that SQLAlchemy's metadata (and Alembic) see them all."""
from .audit.models import AuditEvent  # noqa: F401
from .auth.models import Role, User  # noqa: F401
from .candidacies.models import Candidacy, CandidacyState, ExperiencePeriod  # noqa: F401
from .certifications.models import Certification, Certifier  # noqa: F401
from .components.models import AcquiredComponent  # noqa: F401
from .juries.models import JuryMember, JurySession, SessionSeat, SessionStatus  # noqa: F401
