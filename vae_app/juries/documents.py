"""Convocations and minutes as PDF (:func:`vae_app.web.pdf.render_pdf`), invitations as iCalendar (.ics)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from ..candidacies.models import CandidacyState
from ..certifications.registry import get_rules
from ..web.pdf import render_pdf

PARIS = ZoneInfo("Europe/Paris")


def convocation_candidate(session, candidacy) -> bytes:
    rules = get_rules().certification(session.certification.code)
    return render_pdf("juries/pdf/convocation_candidate.html", session=session, candidacy=candidacy,
                      title=rules.title_on(session.starts_at.date()), certifier=rules.certifier_on(session.starts_at.date()))


def convocation_member(session, sitting) -> bytes:
    rules = get_rules().certification(session.certification.code)
    return render_pdf("juries/pdf/convocation_member.html", session=session, sitting=sitting,
                      title=rules.title_on(session.starts_at.date()), certifier=rules.certifier_on(session.starts_at.date()))


def minutes(session, taken: list, report) -> bytes:
    """The procès-verbal: the jury as it sat and every decision it took (``taken``, absences included), the
    candidates still awaiting theirs marked as such."""
    rules = get_rules().certification(session.certification.code)
    pending = [c for c in session.candidacies if c.state is CandidacyState.JURY_SCHEDULED]
    return render_pdf("juries/pdf/minutes.html", session=session, title=rules.title_on(session.starts_at.date()),
                      certifier=rules.certifier_on(session.starts_at.date()), components=rules.components,
                      taken=taken, pending=pending, report=report)


def invitation_ics(session) -> bytes:
    """One VEVENT for the session, in Europe/Paris time, every member as attendee."""
    from icalendar import Calendar, Event, vCalAddress, vText

    rules = get_rules().certification(session.certification.code)
    calendar = Calendar()
    calendar.add("prodid", "-//Suivi VAE//Jurys//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"{session.reference}@suivi-vae")
    event.add("dtstamp", datetime.now(tz=ZoneInfo("UTC")))
    event.add("dtstart", session.starts_at.replace(tzinfo=PARIS))
    event.add("dtend", session.ends_at.replace(tzinfo=PARIS))
    event.add("summary", f"Jury VAE {session.certification.code} — {rules.title_on(session.starts_at.date())}")
    event.add("location", vText(", ".join(part for part in (session.site, session.room) if part)))
    event.add("description", f"Session {session.reference} : {len(session.candidacies)} candidat(s). "
                             f"Convocation et liste des dossiers dans Suivi VAE.")
    for sitting in session.members:
        attendee = vCalAddress(f"mailto:{sitting.member.email}")
        attendee.params["cn"] = vText(sitting.member.full_name)
        attendee.params["role"] = vText("CHAIR" if sitting.seat == "president" else "REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()
