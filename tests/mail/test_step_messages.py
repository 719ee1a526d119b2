"""Each step of a file tells the candidate, in the transaction of the move: what was received and when the answer is
due (and what silence will mean), what is missing, the eligibility decision with its letter, the validation file
received or returned, the jury's decision with its letter and the attestation. The letters name the appeal routes
of the certifier's kind, as the law's rules write them on the decision's day."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from sqlalchemy import select

from vae_app.candidacies.letters import appeal_routes
from vae_app.candidacies.models import CandidacyState as S
from vae_app.candidacies.operations import fire, remind_documents
from vae_app.certifications.registry import get_rules
from vae_app.errors import Conflict, PermissionDenied
from vae_app.juries import operations as jury_ops
from vae_app.mail.delivery import deliver
from vae_app.mail.models import MessageKind, OutboxMessage

from tests.workflow_fixtures import COMPONENTS_5385


def messages_to(db, candidacy) -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.candidacy_id == candidacy.id)
                              .order_by(OutboxMessage.id)).all()


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_a_filed_application_is_acknowledged_with_its_answer_deadline_and_what_silence_will_mean(db, candidacy_in, frozen_clock):
    candidacy = candidacy_in(S.DRAFT)
    frozen_clock.set(datetime(2016, 3, 1, 10))
    fire(candidacy, "submit", candidacy.candidate)
    [message] = messages_to(db, candidacy)
    assert message.kind is MessageKind.APPLICATION_RECEIVED and message.recipient is candidacy.candidate
    assert candidacy.reference in message.subject
    assert f"Bonjour {candidacy.candidate.full_name}," in message.body
    assert "reçue le 1er mars 2016" in message.body
    # R3: two months after the complete application; R5 for a State establishment (CNAM) since 2014-11-12
    assert "au plus tard le 1er mai 2016" in message.body and "réputée recevable" in message.body


def test_silence_is_said_to_mean_a_refusal_where_the_law_of_the_receipt_day_says_so(db, candidacy_in, frozen_clock):
    candidacy = candidacy_in(S.DRAFT)
    frozen_clock.set(datetime(2014, 11, 11, 10))  # R4: the day before loi 2013-1005 reached the State
    fire(candidacy, "submit", candidacy.candidate)
    [message] = messages_to(db, candidacy)
    assert "au plus tard le 11 janvier 2015" in message.body and "réputée rejetée" in message.body


def test_a_request_for_documents_says_what_is_missing_and_each_reminder_repeats_it_with_its_date(db, candidacy_in, coordinator,
                                                                                                 frozen_clock):
    candidacy = candidacy_in(S.SUBMITTED)
    frozen_clock.set(datetime(2016, 3, 1, 10))
    fire(candidacy, "request_documents", coordinator, reason="Attestations d'employeur de 2008 à 2015 manquantes")
    frozen_clock.set(datetime(2016, 3, 15, 10))
    remind_documents(candidacy, coordinator)
    with pytest.raises(Conflict, match="déjà partie aujourd'hui"):
        remind_documents(candidacy, coordinator)
    frozen_clock.set(datetime(2016, 3, 29, 10))
    remind_documents(candidacy, coordinator)
    request, first, second = messages_to(db, candidacy)
    assert request.kind is MessageKind.DOCUMENTS_REQUESTED and "Attestations d'employeur de 2008 à 2015 manquantes" in request.body
    for reminder in (first, second):
        assert reminder.kind is MessageKind.DOCUMENTS_REMINDER
        assert "Le 1er mars 2016" in reminder.body and "Attestations d'employeur de 2008 à 2015 manquantes" in reminder.body


def test_a_reminder_is_refused_when_nothing_is_awaited_or_to_the_candidate(db, candidacy_in, coordinator):
    submitted = candidacy_in(S.SUBMITTED)
    with pytest.raises(Conflict, match="Aucune pièce n.est attendue"):
        remind_documents(submitted, coordinator)
    incomplete = candidacy_in(S.INCOMPLETE)
    with pytest.raises(PermissionDenied):
        remind_documents(incomplete, incomplete.candidate)
    assert messages_to(db, submitted) == [] and messages_to(db, incomplete) == []


def test_the_eligibility_decision_comes_with_its_letter_and_the_appeal_routes_of_a_public_certifier(db, candidacy_in, coordinator,
                                                                                                      frozen_clock):
    candidacy = candidacy_in(S.SUBMITTED)
    frozen_clock.set(datetime(2016, 3, 1, 10))
    fire(candidacy, "declare_ineligible", coordinator, reason="Les activités déclarées ne relèvent pas du référentiel.")
    [message] = messages_to(db, candidacy)
    assert message.kind is MessageKind.ELIGIBILITY_DECISION and "n'est pas recevable" in message.body
    [letter] = message.attachments
    assert letter.content_type == "application/pdf" and letter.filename.endswith(".pdf")
    text = pdf_text(letter.data)
    assert "non recevable" in text and "Les activités déclarées ne relèvent pas du référentiel." in text
    assert "deux mois" in text and "tribunal administratif" in text  # CNAM: a public establishment of the State


@pytest.mark.parametrize("day,court", [(date(2019, 12, 31), "tribunal de grande instance"), (date(2020, 1, 1), "tribunal judiciaire")])
def test_a_private_certifier_s_decision_names_the_civil_court_of_its_day(app, day, court):
    with app.app_context():
        text = appeal_routes(get_rules(), "RNCP17992", day)  # ASKORIA, an association
    assert court in text and "tribunal administratif" not in text


def test_the_appeal_routes_follow_the_certifier_s_kind_in_both_languages(app):
    with app.app_context():
        rules = get_rules()
        assert "administrative court" in appeal_routes(rules, "RNCP5385", date(2016, 3, 1), "en")
        assert "tribunal administratif" in appeal_routes(rules, "RNCP5385", date(2016, 3, 1), "fr")


def test_the_validation_file_is_acknowledged_and_a_returned_one_says_why(db, candidacy_in, coordinator, frozen_clock):
    candidacy = candidacy_in(S.VALIDATION_FILE)
    frozen_clock.set(datetime(2016, 3, 1, 10))
    fire(candidacy, "submit_validation_file", candidacy.candidate)
    fire(candidacy, "return_validation_file", coordinator, reason="La partie GESTION est vide : rédigez-la.")
    received, returned = messages_to(db, candidacy)
    assert received.kind is MessageKind.VALIDATION_FILE_RECEIVED and "reçu le 1er mars 2016" in received.body
    assert returned.kind is MessageKind.VALIDATION_FILE_RETURNED and "La partie GESTION est vide : rédigez-la." in returned.body


def test_the_jury_decision_comes_with_its_letter_and_the_attestation_of_the_blocs_acquired(db, candidacy_in, coordinator, frozen_clock):
    candidacy = candidacy_in(S.JURY_SCHEDULED)
    session = candidacy.jury_session
    frozen_clock.set(datetime(2016, 3, 16, 10))
    passed = dict.fromkeys(COMPONENTS_5385, False) | {COMPONENTS_5385[0]: True}
    jury_ops.record_session_decisions(coordinator, session, {candidacy.id: {"presence": None, "components": passed}})
    [message] = messages_to(db, candidacy)
    assert message.kind is MessageKind.JURY_DECISION and "15 mars 2016" in message.body
    letter, attestation = message.attachments
    letter_text = pdf_text(letter.data)
    assert "Validation partielle".lower() in letter_text.lower() and COMPONENTS_5385[0] in letter_text
    assert "Ce qui reste à acquérir" in letter_text and "Voies et délais de recours" in letter_text
    assert "avec la notification de la décision du jury" in pdf_text(attestation.data)


def test_a_refusal_comes_with_its_letter_and_no_attestation(db, candidacy_in, coordinator, frozen_clock):
    candidacy = candidacy_in(S.JURY_SCHEDULED)
    frozen_clock.set(datetime(2016, 3, 16, 10))
    jury_ops.record_session_decisions(coordinator, candidacy.jury_session,
                                      {candidacy.id: {"presence": None, "components": dict.fromkeys(COMPONENTS_5385, False)}})
    [message] = messages_to(db, candidacy)
    assert [a.filename for a in message.attachments] == [f"decision-jury-{candidacy.reference}.pdf"]


def test_a_message_is_written_in_the_candidate_s_language(db, candidacy_in, frozen_clock):
    candidacy = candidacy_in(S.DRAFT)
    candidacy.candidate.language = "en"
    frozen_clock.set(datetime(2016, 3, 1, 10))
    fire(candidacy, "submit", candidacy.candidate)
    [message] = messages_to(db, candidacy)
    assert message.language == "en"
    assert "received on 1 March 2016" in message.body and "1er" not in message.body


def test_a_refused_move_queues_no_message(db, candidacy_in, coordinator):
    candidacy = candidacy_in(S.SUBMITTED)
    with pytest.raises(Exception):
        fire(candidacy, "declare_ineligible", coordinator, reason="x")
    assert messages_to(db, candidacy) == []


def test_every_step_reaches_the_smtp_server_once(db, smtp, candidacy_in, coordinator, frozen_clock):
    candidacy = candidacy_in(S.SUBMITTED)
    candidacy.candidate.email_confirmation_pending = False
    frozen_clock.set(datetime(2016, 3, 1, 10))
    fire(candidacy, "declare_eligible", coordinator)
    db.session.commit()
    frozen_clock.set(datetime(2016, 3, 1, 10, 5))
    assert deliver()["sent"] == 1
    assert deliver()["sent"] == 0
    [mail] = smtp.received
    assert mail["To"].endswith(f"<{candidacy.candidate.email}>") and candidacy.reference in mail["Subject"]
    [pdf] = list(mail.iter_attachments())
    assert "recevable" in pdf_text(pdf.get_content())


def test_a_candidate_released_from_a_session_is_told_why_and_the_invitation_is_withdrawn(db, candidacy_in, coordinator, frozen_clock):
    from icalendar import Calendar

    candidacy = candidacy_in(S.JURY_SCHEDULED)
    frozen_clock.set(datetime(2016, 3, 1, 10))
    fire(candidacy, "unschedule", coordinator, reason="Le candidat a demandé un report pour raison de santé.")
    [message] = messages_to(db, candidacy)
    assert message.kind is MessageKind.CONVOCATION_CANCELLED and "15 mars 2016" in message.body
    assert "Le candidat a demandé un report pour raison de santé." in message.body
    [invitation] = [a for a in message.attachments if a.content_type.startswith("text/calendar")]
    calendar = Calendar.from_ical(invitation.data)
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"


@pytest.mark.parametrize("name,written", [("Émilie Quéré", "qu'"), ("Hélène Roy", "que "), ("Jean Roy", "que "),
                                          ("Yves Guérin", "qu'")])
def test_que_is_elided_before_a_vowel_not_before_an_h(name, written):
    from vae_app.dates import elided

    assert elided("que", name) == written


def test_the_letters_name_who_decided_for_the_certifier(db, candidacy_in, coordinator, frozen_clock):
    candidacy = candidacy_in(S.SUBMITTED)
    frozen_clock.set(datetime(2016, 3, 1, 10))
    fire(candidacy, "declare_eligible", coordinator)
    [message] = messages_to(db, candidacy)
    text = pdf_text(message.attachments[0].data)
    assert f"et par délégation, {coordinator.full_name}" in text and "Administrateur(trice) général(e) du CNAM" in text


def test_an_incomplete_file_shows_the_answer_deadline_suspended_and_a_second_reminder_the_same_day_stays_on_the_page(
        db, client, login, candidacy_in, coordinator, frozen_clock):
    candidacy = candidacy_in(S.SUBMITTED)
    frozen_clock.set(datetime(2016, 3, 1, 10))
    fire(candidacy, "request_documents", coordinator, reason="Attestations d'employeur manquantes.")
    db.session.commit()
    login(coordinator)
    page = client.get(f"/candidatures/{candidacy.id}").get_data(as_text=True)
    assert "Réponse du certificateur due le" not in page and "le délai de réponse court de nouveau" in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post(f"/candidatures/{candidacy.id}/relance", data={"csrf_token": token}).status_code == 302
    page = client.get(f"/candidatures/{candidacy.id}").get_data(as_text=True)
    assert "relancé aujourd&#39;hui" in page or "relancé aujourd'hui" in page
    again = client.post(f"/candidatures/{candidacy.id}/relance", data={"csrf_token": token})
    assert again.status_code == 409 and "déjà partie aujourd" in again.get_data(as_text=True)  # on the file's page
    assert "Dates et échéances" in again.get_data(as_text=True)
    assert len([m for m in messages_to(db, candidacy) if m.kind is MessageKind.DOCUMENTS_REMINDER]) == 1
