"""Delivery of the outbox through a real SMTP server: what arrives, once; refusals for a time and for good; an
address not yet confirmed; the administrators' outbox."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role
from vae_app.mail.delivery import backoff, deliver
from vae_app.mail.models import MessageKind, MessageState, OutboxMessage
from vae_app.mail.outbox import queue


def a_pdf() -> bytes:
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


def an_invitation() -> bytes:
    from icalendar import Calendar, Event

    calendar, event = Calendar(), Event()
    calendar.add("prodid", "-//Suivi VAE//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event.add("uid", "session-1@suivi-vae")
    event.add("summary", "Jury VAE")
    event.add("dtstart", datetime(2026, 6, 15, 9))
    calendar.add_component(event)
    return calendar.to_ical()


def at(frozen_clock, moment):
    frozen_clock.set(moment)
    return deliver()


def test_a_message_arrives_once_with_its_headers_text_and_attachments(db, smtp, make_user, frozen_clock):
    from icalendar import Calendar
    from pypdf import PdfReader

    frozen_clock.set(datetime(2026, 3, 2, 10))
    person = make_user(Role.CANDIDATE, first_name="Éloïse", last_name="Quéré")
    queue(MessageKind.ELIGIBILITY_DECISION, person, subject="Décision de recevabilité", body="Bonjour Éloïse Quéré,\n\nVotre demande est recevable.\n",
          attachments=[("decision.pdf", "application/pdf", a_pdf()), ("jury.ics", "text/calendar", an_invitation())])
    db.session.commit()
    assert at(frozen_clock, datetime(2026, 3, 2, 10, 1)) == {"sent": 1, "retry": 0, "failed": 0, "held": 0}
    [mail] = smtp.received
    assert mail["To"] == f"Éloïse Quéré <{person.email}>" and mail["Subject"] == "Décision de recevabilité"
    assert mail["From"] and mail["Message-ID"].startswith("<suivi-vae.") and mail["Content-Language"] == "fr"
    assert "Votre demande est recevable." in mail.get_body(("plain",)).get_content()
    parts = {part.get_filename(): part for part in mail.iter_attachments()}
    assert len(PdfReader(io.BytesIO(parts["decision.pdf"].get_content())).pages) == 1
    ics = parts["jury.ics"]
    assert ics.get_content_type() == "text/calendar" and ics.get_param("method") == "REQUEST"
    assert Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]["uid"] == "session-1@suivi-vae"
    assert db.session.scalars(select(OutboxMessage)).one().state is MessageState.SENT
    assert at(frozen_clock, datetime(2026, 3, 3)) == {"sent": 0, "retry": 0, "failed": 0, "held": 0}  # nothing new
    assert len(smtp.received) == 1


def test_a_refusal_for_a_time_is_retried_later(db, smtp, make_user, frozen_clock):
    frozen_clock.set(datetime(2026, 3, 2, 10))
    person = make_user(Role.CANDIDATE)
    smtp.refuse[person.email] = "451 4.3.0 Mailbox busy, try later"
    queue(MessageKind.DOCUMENTS_REQUESTED, person, subject="Pièces demandées", body="Bonjour.\n")
    db.session.commit()
    assert at(frozen_clock, datetime(2026, 3, 2, 10))["retry"] == 1
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.state is MessageState.QUEUED and "451" in message.error
    assert message.next_attempt_at == datetime(2026, 3, 2, 10) + backoff(1)
    del smtp.refuse[person.email]
    assert at(frozen_clock, datetime(2026, 3, 2, 10, 0, 30)) == {"sent": 0, "retry": 0, "failed": 0, "held": 0}  # not yet
    assert at(frozen_clock, message.next_attempt_at)["sent"] == 1 and len(smtp.received) == 1


def test_a_person_receives_their_messages_in_the_order_they_were_written(db, smtp, make_user, frozen_clock):
    """A release waiting for its retry holds back the newer convocation to the same address (else the calendar's
    cancellation would arrive last and remove the appointment); other addresses are not held."""
    frozen_clock.set(datetime(2026, 3, 2, 10))
    person, other = make_user(Role.CANDIDATE), make_user(Role.CANDIDATE)
    smtp.refuse[person.email] = "451 4.3.0 Mailbox busy, try later"
    queue(MessageKind.MEMBER_RELEASED, person, subject="Vous ne siégez plus", body="Bonjour.\n")
    db.session.commit()
    assert at(frozen_clock, datetime(2026, 3, 2, 10))["retry"] == 1
    del smtp.refuse[person.email]
    queue(MessageKind.MEMBER_CONVOCATION, person, subject="Convocation", body="Bonjour.\n")
    queue(MessageKind.MEMBER_CONVOCATION, other, subject="Convocation", body="Bonjour.\n")
    db.session.commit()
    assert at(frozen_clock, datetime(2026, 3, 2, 10, 0, 30))["sent"] == 1  # the other person's only
    assert at(frozen_clock, datetime(2026, 3, 2, 12))["sent"] == 2
    assert [m["Subject"] for m in smtp.received if person.email in m["To"]] == ["Vous ne siégez plus", "Convocation"]


def test_an_address_refused_for_good_is_marked_and_nothing_more_is_sent_to_it(db, smtp, make_user, frozen_clock):
    frozen_clock.set(datetime(2026, 3, 2, 10))
    person = make_user(Role.CANDIDATE)
    smtp.refuse[person.email] = "550 5.1.1 No such user"
    queue(MessageKind.DOCUMENTS_REQUESTED, person, subject="Pièces demandées", body="Bonjour.\n")
    db.session.commit()
    assert at(frozen_clock, datetime(2026, 3, 2, 10))["failed"] == 1
    db.session.refresh(person)
    assert person.email_bounced_at == datetime(2026, 3, 2, 10) and "550" in person.email_bounce
    bounce = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "email_bounced")).one()
    assert bounce.entity_id == person.id
    queue(MessageKind.ELIGIBILITY_DECISION, person, subject="Décision", body="Bonjour.\n")
    db.session.commit()
    assert at(frozen_clock, datetime(2026, 3, 2, 11))["failed"] == 1 and smtp.received == []
    later = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert "refusée définitivement" in later.error


def test_a_server_out_of_reach_is_retried_with_the_reason(db, app, make_user, frozen_clock, monkeypatch):
    from tests.mail.conftest import free_port

    monkeypatch.setitem(app.config, "VAE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "VAE_SMTP_PORT", free_port())  # nobody listens there
    monkeypatch.setitem(app.config, "VAE_SMTP_STARTTLS", False)
    frozen_clock.set(datetime(2026, 3, 2, 10))
    queue(MessageKind.DOCUMENTS_REQUESTED, make_user(Role.CANDIDATE), subject="Pièces", body="Bonjour.\n")
    db.session.commit()
    assert deliver()["retry"] == 1
    assert "serveur SMTP injoignable" in db.session.scalars(select(OutboxMessage)).one().error


def test_nothing_but_its_confirmation_goes_to_an_address_not_yet_confirmed(db, smtp, make_user, frozen_clock):
    frozen_clock.set(datetime(2026, 3, 2, 10))
    person = make_user(Role.CANDIDATE)
    person.email_confirmation_pending = True
    queue(MessageKind.APPLICATION_RECEIVED, person, subject="Accusé de réception", body="Bonjour.\n")
    queue(MessageKind.EMAIL_CONFIRMATION, person, subject="Confirmez votre adresse", body="Bonjour.\n")
    db.session.commit()
    assert at(frozen_clock, datetime(2026, 3, 2, 10)) == {"sent": 1, "retry": 0, "failed": 0, "held": 1}
    assert [m["Subject"] for m in smtp.received] == ["Confirmez votre adresse"]
    waiting = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == MessageKind.APPLICATION_RECEIVED)).one()
    assert waiting.state is MessageState.QUEUED and waiting.attempts == 0
    person.email_confirmation_pending, person.email_confirmed_at = False, datetime(2026, 3, 2, 10, 5)
    db.session.commit()
    assert at(frozen_clock, datetime(2026, 3, 2, 11, 1))["sent"] == 1
    assert [m["Subject"] for m in smtp.received] == ["Confirmez votre adresse", "Accusé de réception"]


def test_without_smtp_the_command_says_so_and_the_messages_wait(db, runner, make_user):
    queue(MessageKind.DOCUMENTS_REQUESTED, make_user(Role.CANDIDATE), subject="Pièces", body="Bonjour.\n")
    db.session.commit()
    result = runner.invoke(args=["mail", "deliver"])
    assert result.exit_code == 2 and "Aucun serveur de messagerie" in result.output and "1 courriel(s) attendent" in result.output
    assert db.session.scalars(select(OutboxMessage)).one().attempts == 0


def test_the_admin_filters_the_outbox_reads_a_message_and_resends_it(db, smtp, client, login, make_user, frozen_clock):
    from tests.conftest import visible_text

    frozen_clock.set(datetime(2026, 3, 2, 10))
    person = make_user(Role.CANDIDATE)
    queue(MessageKind.ELIGIBILITY_DECISION, person, subject="Décision de recevabilité", body="Bonjour.\n",
          attachments=[("decision.pdf", "application/pdf", a_pdf())])
    queue(MessageKind.DOCUMENTS_REQUESTED, person, subject="Votre demande : pièces à fournir", body="Bonjour.\n")
    db.session.commit()
    deliver()
    admin = make_user(Role.ADMIN)
    login(admin)
    page = visible_text(client.get("/admin/courriels?objet=eligibility_decision"))
    assert "Décision de recevabilité" in page and "pièces à fournir" not in page and "1 pièce jointe" in page
    assert client.get("/admin/courriels?etat=perdu").status_code == 400
    assert client.get("/admin/courriels?destinataire=%00").status_code == 422  # the input guard, before the view
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == MessageKind.ELIGIBILITY_DECISION)).one()
    part = message.attachments[0]
    download = client.get(f"/admin/courriels/{message.id}/pieces/{part.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert client.post(f"/admin/courriels/{message.id}/renvoyer").status_code == 422  # the box not ticked
    assert client.post(f"/admin/courriels/{message.id}/renvoyer", data={"confirm": "y"}).status_code == 302
    db.session.refresh(message)
    assert message.state is MessageState.QUEUED and message.attempts == 0
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.event == "email_resent")).one().actor_id == admin.id
    deliver()
    assert [m["Subject"] for m in smtp.received].count("Décision de recevabilité") == 2
    assert client.post(f"/admin/courriels/{message.id}/renvoyer", data={"confirm": "y"}).status_code == 302
    assert client.post(f"/admin/courriels/{message.id}/renvoyer", data={"confirm": "y"}).status_code == 409  # already waiting


def test_a_link_to_a_deactivated_account_is_not_sent_again(db, make_user, admin):
    from vae_app.errors import Conflict
    from vae_app.mail.delivery import resend

    person = make_user(Role.CANDIDATE, is_active_account=False)
    message = queue(MessageKind.PASSWORD_RESET, person, subject="Nouveau mot de passe", body="Bonjour.\n")
    message.state = MessageState.SENT
    db.session.flush()
    with pytest.raises(Conflict, match="désactivé"):
        resend(admin, message)
    assert message.state is MessageState.SENT
