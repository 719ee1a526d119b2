"""Convocations and minutes as PDF (WeasyPrint), invitations as iCalendar (.ics).

WeasyPrint needs the Pango library of the system; it is imported here, when a
PDF is asked for, so that the app starts anywhere and says what to install.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import render_template

from .. import clock
from ..certifications.registry import get_rules
from ..errors import Unavailable

PARIS = ZoneInfo("Europe/Paris")
INSTALL_HINT = ("La génération des PDF nécessite WeasyPrint et la bibliothèque Pango du système "
                "(Debian/Ubuntu : apt-get install libpango-1.0-0 libpangoft2-1.0-0).")


class PdfUnavailable(Unavailable):
    """WeasyPrint or Pango is missing (503); the message says what to install."""


def render_pdf(template: str, **context) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango not found
        raise PdfUnavailable(f"{INSTALL_HINT} ({exc.__class__.__name__})") from None
    html = render_template(template, generated_on=clock.today(), **context)
    return HTML(string=html).write_pdf()


def convocation_candidate(session, candidacy) -> bytes:
    rules = get_rules().certification(session.certification.code)
    return render_pdf("juries/pdf/convocation_candidate.html", session=session, candidacy=candidacy,
                      title=rules.title_on(session.starts_at.date()), certifier=rules.certifier_on(session.starts_at.date()))


def convocation_member(session, sitting) -> bytes:
    rules = get_rules().certification(session.certification.code)
    return render_pdf("juries/pdf/convocation_member.html", session=session, sitting=sitting,
                      title=rules.title_on(session.starts_at.date()), certifier=rules.certifier_on(session.starts_at.date()))


def minutes(session, decisions_by_candidacy: dict, report) -> bytes:
    rules = get_rules().certification(session.certification.code)
    return render_pdf("juries/pdf/minutes.html", session=session, title=rules.title_on(session.starts_at.date()),
                      certifier=rules.certifier_on(session.starts_at.date()), components=rules.components,
                      decisions=decisions_by_candidacy, report=report)


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
