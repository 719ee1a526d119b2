"""Navigation entries per role: (endpoint, label). Domains add theirs here."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..auth.models import Role

NAVIGATION = {
    Role.CANDIDATE: [("web.home", _l("Mes candidatures")), ("candidacies.new", _l("Nouvelle demande"))],
    Role.COORDINATOR: [("candidacies.queue", _l("Candidatures")), ("components.deadlines", _l("Échéances")),
                       ("components.dashboard", _l("Expirations")), ("juries.sessions", _l("Sessions de jury")),
                       ("statistics.page", _l("Statistiques")), ("juries.campaigns", _l("Planification")), ("juries.members", _l("Vivier")), ("certifications.catalogue", _l("Certifications")),
                       ("francevae.status", _l("France VAE")), ("candidacies.workflow_diagram", _l("Parcours"))],
    Role.JURY_MEMBER: [("web.home", _l("Mes sessions")), ("juries.own_space", _l("Mes disponibilités"))],
    Role.ADMIN: [("web.home", _l("Administration")), ("accounts.accounts", _l("Comptes")), ("audit.journal", _l("Journal")),
                 ("mail.outbox", _l("Courriels")), ("candidacies.queue", _l("Candidatures")),
                 ("components.dashboard", _l("Expirations")), ("statistics.page", _l("Statistiques")),
                 ("juries.sessions", _l("Sessions de jury")), ("juries.members", _l("Vivier")),
                 ("certifications.catalogue", _l("Certifications")), ("francevae.status", _l("France VAE")),
                 ("candidacies.workflow_diagram", _l("Parcours"))],
}


def nav_items(user) -> list[tuple[str, str]]:
    return NAVIGATION.get(user.role, [])
