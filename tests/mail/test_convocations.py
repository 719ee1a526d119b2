"""Convocations by e-mail when a jury session is confirmed, and their cancellation when it is reopened: what
arrives at a real SMTP server — one message per candidate and member, their text, the convocation PDF and a
calendar invitation whose UID stays and whose SEQUENCE rises with each change."""
from __future__ import annotations

import io
from datetime import datetime

import pytest
from sqlalchemy import select

from vae_app.candidacies.models import CandidacyState as S
from vae_app.juries import operations as ops
from vae_app.juries.models import SessionStatus
from vae_app.mail.delivery import deliver
from vae_app.mail.models import MessageKind, OutboxMessage

SEAT_CODES = ("president", "teachers", "professionals", "head", "employers", "employees")


@pytest.fixture
def draft(db, make_session, compliant_members, candidacy_in):
    """A compliant session of 1 April 2016 in preparation (today: 1 March), one candidacy proposed for it."""
    session = make_session(starts_at=datetime(2016, 4, 1, 9), status=SessionStatus.DRAFT, members=compliant_members())
    session.room = "Salle 21"
    candidacy = candidacy_in(S.READY_FOR_JURY)
    candidacy.jury_session = session
    db.session.flush()
    return session


def delivered(db, smtp) -> list:
    """Commit, deliver the outbox, and return what the SMTP server received since the last call."""
    db.session.commit()
    before = len(smtp.received)
    deliver()
    return smtp.received[before:]


def by_address(mails) -> dict:
    from email.utils import parseaddr

    return {parseaddr(mail["To"])[1]: mail for mail in mails}


def invitation(mail):
    from icalendar import Calendar

    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    return part, Calendar.from_ical(part.get_content())


def event_of(mail):
    return invitation(mail)[1].walk("VEVENT")[0]


def test_confirming_convenes_each_candidate_and_member_by_mail(db, smtp, draft, coordinator):
    from pypdf import PdfReader

    candidacy = draft.candidacies[0]
    ops.confirm_session(coordinator, draft)
    mails = by_address(delivered(db, smtp))
    assert set(mails) == {candidacy.candidate.email} | {s.member.email for s in draft.members}
    assert len(mails) == 1 + len(draft.members)

    mail = mails[candidacy.candidate.email]
    assert mail["Subject"] == "Convocation au jury VAE du 1er avril 2016"
    text = mail.get_body(("plain",)).get_content()
    assert f"Bonjour {candidacy.candidate.full_name}," in text
    assert "le 1er avril 2016, de 9 h 00 à 12 h 30" in text and "Paris, Salle 21" in text
    assert "pièce d'identité" in text and candidacy.reference in text
    assert "Conservatoire national des arts et métiers" in text and coordinator.email in text
    parts = {p.get_filename(): p for p in mail.iter_attachments()}
    assert len(PdfReader(io.BytesIO(parts[f"convocation-{candidacy.reference}.pdf"].get_content())).pages) >= 1

    part, calendar = invitation(mail)
    assert part.get_param("method") == "REQUEST" and part.get_param("charset") == "utf-8"
    assert calendar["method"] == "REQUEST"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    event = calendar.walk("VEVENT")[0]
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert event.decoded("dtstart").replace(tzinfo=None) == datetime(2016, 4, 1, 9)
    assert str(event["organizer"]) == f"mailto:{coordinator.email}"  # the coordinator who convened, not a no-reply box
    assert str(event["attendee"]) == f"mailto:{candidacy.candidate.email}"
    assert event["attendee"].params["RSVP"] == "FALSE"  # a convocation asks for no calendar reply
    assert "Paris, Salle 21" in str(event["location"]) and str(event["uid"]).startswith(f"session-{draft.id}-candidate-")


def test_a_member_learns_their_role_in_words_never_as_a_seat_code(db, smtp, draft, coordinator):
    ops.confirm_session(coordinator, draft)
    mails = by_address(delivered(db, smtp))
    for sitting in draft.members:
        mail = mails[sitting.member.email]
        text = mail.get_body(("plain",)).get_content()
        assert f"Bonjour {sitting.member.full_name}," in text and "le 1er avril 2016" in text and "Paris, Salle 21" in text
        assert "au titre suivant" in text
        assert not any(code in text for code in SEAT_CODES), text
        assert f"session-{draft.id}-member-{sitting.member_id}@" in str(event_of(mail)["uid"])
        assert any(p.get_filename() == f"convocation-{draft.reference}.pdf" for p in mail.iter_attachments())
    kinds = db.session.scalars(select(OutboxMessage.kind).where(OutboxMessage.to_email == draft.members[0].member.email)).all()
    assert kinds == [MessageKind.MEMBER_CONVOCATION]


def test_a_session_in_preparation_reaches_nobody(db, smtp, draft, coordinator, compliant_members):
    ops.remove_member(coordinator, draft, draft.members[0].member_id)
    ops.add_member(coordinator, draft, compliant_members()[0])
    assert delivered(db, smtp) == []


def test_reopening_withdraws_the_invitation_and_confirming_again_renews_it(db, smtp, draft, coordinator):
    candidacy = draft.candidacies[0]
    address = candidacy.candidate.email
    ops.confirm_session(coordinator, draft)
    first = event_of(by_address(delivered(db, smtp))[address])

    ops.reopen_session(coordinator, draft, "La salle prévue n'est plus disponible.")
    mails = by_address(delivered(db, smtp))
    assert set(mails) == {address} | {s.member.email for s in draft.members}
    cancelled = mails[address]
    assert "est annulée" in cancelled["Subject"]
    assert "La salle prévue n'est plus disponible." in cancelled.get_body(("plain",)).get_content()
    part, calendar = invitation(cancelled)
    assert part.get_param("method") == "CANCEL" and calendar["method"] == "CANCEL"
    withdrawn = calendar.walk("VEVENT")[0]
    assert withdrawn["uid"] == first["uid"] and withdrawn["status"] == "CANCELLED"
    assert withdrawn["sequence"] > first["sequence"]
    member = draft.members[0].member.email
    assert invitation(mails[member])[1]["method"] == "CANCEL"

    ops.confirm_session(coordinator, draft)
    renewed = event_of(by_address(delivered(db, smtp))[address])
    assert renewed["uid"] == first["uid"] and renewed["sequence"] > withdrawn["sequence"]


def test_a_member_with_an_account_is_written_to_at_it_in_their_language(db, draft, coordinator, make_user):
    from vae_app.auth.models import Role

    sitting = draft.members[0]
    user = make_user(Role.JURY_MEMBER, email="compte.membre@test.vae.fr", language="en")
    sitting.member.user_id = user.id
    draft.candidacies[0].candidate.language = "en"
    db.session.flush()
    ops.confirm_session(coordinator, draft)
    messages = {m.to_email: m for m in db.session.scalars(select(OutboxMessage))}
    assert messages["compte.membre@test.vae.fr"].recipient_id == user.id
    assert messages["compte.membre@test.vae.fr"].language == "en"
    assert messages[draft.candidacies[0].candidate.email].language == "en"
    assert messages[draft.members[1].member.email].language == "fr"


def test_a_candidate_added_to_a_confirmed_session_is_convened_alone(db, smtp, draft, coordinator, candidacy_in):
    ops.confirm_session(coordinator, draft)
    delivered(db, smtp)
    late = candidacy_in(S.READY_FOR_JURY)
    ops.add_candidate(coordinator, draft, late)
    [mail] = delivered(db, smtp)
    assert by_address([mail]) == {late.candidate.email: mail} and invitation(mail)[1]["method"] == "REQUEST"
