"""The jury sessions list, and one session's members and candidates, as spreadsheets (CSV or XLSX) with the
filters the page shows: dates as dates, counts as numbers, seats, statuses and qualifications by their labels."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _, lazy_gettext as _l

from ... import clock
from ...auth.permissions import role_required
from ...certifications.registry import get_rules
from ...errors import InvalidData
from ...extensions import db
from ...web.i18n import current_language
from ...web.spreadsheets import download
from .. import queries
from ..models import SessionStatus
from ..requirement import jury_requirement
from . import STAFF, certifier_in_scope, own_session


def listed_sessions():
    """The sessions the list's filters keep (refused naming a wrong one): (status asked, period asked, their query)."""
    status = request.args.get("statut") or None
    if status and status not in {s.value for s in SessionStatus}:
        raise InvalidData({"statut": f"statut : valeur inconnue {status!r}"})
    upcoming = request.args.get("periode", "a-venir")
    query = queries.sessions(certifier_in_scope(), SessionStatus(status) if status else None,
                             clock.today() if upcoming == "a-venir" else None)
    return status, upcoming, query


SESSIONS_HEADER = [_l("Session"), _l("Début"), _l("Fin"), _l("Certification"), _l("Lieu"), _l("Membres"), _l("Candidats"),
                   _l("Places"), _l("Statut"), _l("Conformité")]


def _compliance(report) -> str:
    return _("conforme") if report.compliant else _("non conforme") if report.compliant is False else _("indéterminée")


@role_required(*STAFF)
def sessions_export(fmt: str):
    _status, _period, query = listed_sessions()
    sessions = db.session.scalars(query).all()
    reports = queries.compliance_of_many(sessions)
    rows = ([s.reference, s.starts_at, s.ends_at, s.certification.code, ", ".join(p for p in (s.site, s.room) if p),
             len(s.members), len(s.candidacies), s.capacity, str(s.status.label), _compliance(reports[s.id])] for s in sessions)
    return download(fmt, f"sessions-{clock.today().isoformat()}", SESSIONS_HEADER, rows, _("Sessions"),
                    (26, 17, 17, 14, 28, 10, 10, 8, 16, 14))


MEMBERS_HEADER = [_l("Nom"), _l("Prénom"), _l("Genre"), _l("Siège"), _l("Qualifications"), _l("Adresse électronique"),
                  _l("Organisme")]
CANDIDATES_HEADER = [_l("Dossier"), _l("Candidat"), _l("Adresse électronique"), _l("État"), _l("Reçue le")]


def _members(session) -> list[list]:
    rules, language = get_rules(), current_language()
    requirement = jury_requirement(rules, session.certification.code, session.route, session.starts_at.date())
    assignment = queries.compliance(session).assignment
    return [[m.member.last_name, m.member.first_name, str(m.member.gender.label),
             requirement.seat_label(assignment.get(str(m.member_id), m.seat), language) or "",
             ", ".join(rules.qualification_label(q, language) for q in m.member.qualifications), m.member.email,
             m.member.organisation or ""] for m in sorted(session.members, key=lambda m: (m.member.last_name, m.member.first_name))]


@role_required(*STAFF)
def session_export(session_id: int, kind: str, fmt: str):
    """A session's members (``membres``) or candidates (``candidats``)."""
    session = own_session(session_id)
    stem = f"{session.reference}-{kind}"
    if kind == "membres":
        return download(fmt, stem, MEMBERS_HEADER, _members(session), _("Membres"), (20, 18, 10, 34, 48, 32, 28))
    rows = [[c.reference, c.candidate.full_name, c.candidate.email, str(c.state.label), c.received_on]
            for c in sorted(session.candidacies, key=lambda c: c.reference)]
    return download(fmt, stem, CANDIDATES_HEADER, rows, _("Candidats"), (18, 28, 32, 26, 12))
