"""What the people concerned by a session are told when it changes, queued in the outbox in the same
transaction as the change (sent by SMTP after the commit, when configured)."""
from __future__ import annotations

from ..mail.models import MessageKind
from ..mail.outbox import queue
from ..dates import long_date


def _when_and_where(session) -> str:
    place = ", ".join(part for part in (session.site, session.room) if part)
    return f"du {long_date(session.starts_at)} à {session.starts_at:%H:%M} ({place})"


def session_reopened(session, reason: str, convened: list) -> None:
    """The session goes back into preparation: the candidates convened to it lose their convocation and its
    members learn that the session changes. Nothing is promised that the app does not do."""
    when = _when_and_where(session)
    for candidacy in convened:
        person = candidacy.candidate
        queue(MessageKind.CONVOCATION_CANCELLED, person, candidacy=candidacy,
                   subject=f"Votre convocation au jury {when} est annulée",
                   body=(f"Bonjour {person.full_name},\n\n"
                         f"La session de jury {when}, à laquelle vous étiez convoqué(e) pour votre dossier {candidacy.reference}, "
                         f"est modifiée : {reason}\n\n"
                         "Votre convocation est donc annulée : ne vous présentez pas sur la foi de celle-ci. Votre dossier "
                         "reste prêt pour le jury ; le certificateur reviendra vers vous.\n\n"
                         f"{session.certification.certifier.name}"))
    for sitting in session.members:
        person = sitting.member
        queue(MessageKind.SESSION_REOPENED, person.email,
                   subject=f"La session de jury {when} est modifiée",
                   body=(f"Bonjour {person.full_name},\n\n"
                         f"La session de jury {session.reference} {when} est rouverte pour être modifiée : {reason}\n\n"
                         "Votre convocation à cette session est donc annulée ; le certificateur reviendra vers vous.\n\n"
                         f"{session.certification.certifier.name}"))
