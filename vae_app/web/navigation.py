"""Navigation entries per role: (endpoint, label). Domains add theirs here."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..auth.models import Role

NAVIGATION = {
    Role.CANDIDATE: [("web.home", _l("Mes candidatures"))],
    Role.COORDINATOR: [("web.home", _l("Candidatures"))],
    Role.JURY_MEMBER: [("web.home", _l("Mes sessions"))],
    Role.ADMIN: [("web.home", _l("Administration"))],
}


def nav_items(user) -> list[tuple[str, str]]:
    return NAVIGATION.get(user.role, [])
