"""Convocations and minutes as PDF (:func:`vae_app.web.pdf.render_pdf`), invitations as iCalendar (.ics)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from ..candidacies.models import CandidacyState
from ..certifications.registry import get_rules
from ..web.pdf import document_html, render_pdf

PARIS = ZoneInfo("Europe/Paris")


def convocation_candidate(session, candidacy) -> bytes:
    rules = get_rules().certification(session.certification.code)
    return render_pdf("juries/pdf/convocation_candidate.html", session=session, candidacy=candidacy,
                      title=rules.title_on(session.starts_at.date()), certifier=rules.certifier_on(session.starts_at.date()))


def convocation_member(session, sitting) -> bytes:
    rules = get_rules().certification(session.certification.code)
    return render_pdf("juries/pdf/convocation_member.html", session=session, sitting=sitting,
                      title=rules.title_on(session.starts_at.date()), certifier=rules.certifier_on(session.starts_at.date()))


def _minutes_context(session, taken: list, report) -> dict:
    """What the procès-verbal says: the jury as it sat, the decisions (those awaited marked « à statuer »), the absent
    candidates apart (an absence decides nothing), the jury's observations recorded with its decisions, the members'
    notes, and the signature grid."""
    from .member_space import notes_for

    rules = get_rules().certification(session.certification.code)
    return {"session": session, "title": rules.title_on(session.starts_at.date()),
            "certifier": rules.certifier_on(session.starts_at.date()), "components": rules.components, "report": report,
            "sittings": sorted(session.members, key=lambda s: (s.member.last_name, s.member.first_name)),
            "decided": [d for d in taken if d.outcome.decides], "absent": [d for d in taken if not d.outcome.decides],
            "observed": [d for d in taken if d.note],
            "pending": [c for c in session.candidacies if c.state is CandidacyState.JURY_SCHEDULED], "notes": notes_for(session)}


MINUTES = "juries/pdf/minutes.html"


def minutes_html(session, taken: list, report) -> str:
    """The procès-verbal as HTML, before WeasyPrint lays it out (the tests measure its layout)."""
    return document_html(MINUTES, **_minutes_context(session, taken, report))


def minutes(session, taken: list, report) -> bytes:
    """The procès-verbal as PDF (``taken``: every decision of the session, absences included)."""
    return render_pdf(MINUTES, **_minutes_context(session, taken, report))


def _calendar(method: str):
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", "-//Suivi VAE//Jurys//FR")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def _timed_event(session, uid: str):
    """The session's VEVENT: its UID and its times in Europe/Paris (the calendar gets its VTIMEZONE)."""
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime.now(tz=ZoneInfo("UTC")))
    event.add("dtstart", session.starts_at.replace(tzinfo=PARIS))
    event.add("dtend", session.ends_at.replace(tzinfo=PARIS))
    return event


def _address(email: str, name: str, **params):
    from icalendar import vCalAddress, vText

    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    address.params.update(params)
    return address


def _finished(calendar, event) -> bytes:
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def invitation_ics(session) -> bytes:
    """One VEVENT for the session, in Europe/Paris time, every member as attendee."""
    from icalendar import vText

    rules = get_rules().certification(session.certification.code)
    event = _timed_event(session, f"{session.reference}@suivi-vae")
    event.add("summary", f"Jury VAE {session.certification.code} — {rules.title_on(session.starts_at.date())}")
    event.add("location", vText(", ".join(part for part in (session.site, session.room) if part)))
    event.add("description", f"Session {session.reference} : {len(session.candidacies)} candidat(s). "
                             f"Convocation et liste des dossiers dans Suivi VAE.")
    for sitting in session.members:
        event.add("attendee", _address(sitting.member.email, sitting.member.full_name,
                                       role="CHAIR" if sitting.seat == "president" else "REQ-PARTICIPANT"), encode=0)
    return _finished(_calendar("REQUEST"), event)


def personal_invitation(session, *, method: str, uid: str, sequence: int, organizer: tuple[str, str],
                        attendee: tuple[str, str], summary: str, location: str, description: str) -> bytes:
    """One person's invitation to a session (``method`` REQUEST) or its withdrawal (CANCEL: the same ``uid``, a
    higher ``sequence``), in Europe/Paris time with its VTIMEZONE. ``organizer`` and ``attendee``: (name, e-mail)."""
    event = _timed_event(session, uid)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    event.add("organizer", _address(organizer[1], organizer[0]), encode=0)
    # a convocation, not a question: no reply is asked for (RSVP=FALSE), the person answers their contact if need be
    event.add("attendee", _address(attendee[1], attendee[0], role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp="FALSE"),
              encode=0)
    return _finished(_calendar(method), event)
