"""A member of a confirmed session withdraws: the replacements come ranked by how little they change, each with the
compliance it would give; the one chosen takes the seat while the session stays confirmed and its candidates keep
their convocation; the member who leaves is told, the replacement convened."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from tests.conftest import page_text
from vae_app.candidacies.models import CandidacyState as S
from vae_app.errors import InvalidData, MoveRefused
from vae_app.juries import operations as ops
from vae_app.juries.models import SessionStatus, TieKind
from vae_app.juries.queries import replacements
from vae_app.mail.models import MessageKind, OutboxMessage

REASON = "Empêchement de santé signalé ce matin."


@pytest.fixture
def confirmed(db, make_session, compliant_members, candidacy_in, coordinator):
    session = make_session(starts_at=datetime(2016, 4, 1, 9), status=SessionStatus.DRAFT, members=compliant_members())
    candidacy = candidacy_in(S.READY_FOR_JURY)
    candidacy.jury_session = session
    db.session.flush()
    ops.confirm_session(coordinator, session)
    db.session.flush()
    return session


def a_plain_teacher(session):
    return next(s for s in session.members if s.member.qualifications == ["cnam_teacher"])


def messages(db, kind):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()


def test_replacements_come_compliant_first_and_never_a_member_tied_to_a_candidate(db, confirmed, make_member, coordinator):
    leaving = a_plain_teacher(confirmed)
    good = make_member("cnam", ("cnam_teacher",), gender=leaving.member.gender, last_name="Bonremplaçant")
    tied = make_member("cnam", ("cnam_teacher",), gender=leaving.member.gender, last_name="Lié")
    make_member("cnam", ("qualified_professional",), gender=leaving.member.gender, last_name="Horsiège")
    candidate = confirmed.candidacies[0].candidate
    ops.add_tie(coordinator, tied, candidate, TieKind.EMPLOYER)
    options = replacements(confirmed, leaving.member_id)
    names = [o.member.last_name for o in options]
    assert names[0] == "Bonremplaçant" and options[0].report.compliant is True and options[0].seats_moved == 0
    assert "Lié" not in names and "Horsiège" not in names


def test_a_replacement_keeps_the_session_confirmed_and_its_candidates_convened(db, confirmed, make_member, coordinator, frozen_clock):
    leaving = a_plain_teacher(confirmed)
    left = leaving.member
    good = make_member("cnam", ("cnam_teacher",), gender=left.gender)
    before = len(messages(db, MessageKind.CONVOCATION))
    ops.replace_member(coordinator, confirmed, left.id, good, REASON)
    assert confirmed.status is SessionStatus.CONFIRMED and confirmed.candidacies[0].state is S.JURY_SCHEDULED
    assert good.id in {s.member_id for s in confirmed.members} and left.id not in {s.member_id for s in confirmed.members}
    assert len(messages(db, MessageKind.CONVOCATION)) == before  # nothing new for the candidates
    [released] = messages(db, MessageKind.MEMBER_RELEASED)
    assert released.to_email == left.email and REASON in released.body
    assert any(a.content_type.startswith("text/calendar; method=CANCEL") for a in released.attachments)
    convened = [m for m in messages(db, MessageKind.MEMBER_CONVOCATION) if m.to_email == good.email]
    assert len(convened) == 1


def test_a_replacement_that_breaks_the_jury_is_refused_and_changes_nothing(db, confirmed, make_member, coordinator):
    leaving = a_plain_teacher(confirmed)
    professional = make_member("cnam", ("qualified_professional",), gender=leaving.member.gender)
    seated = {s.member_id for s in confirmed.members}
    with pytest.raises(MoveRefused):
        with db.session.begin_nested():  # as a request's unit of work: all or nothing
            ops.replace_member(coordinator, confirmed, leaving.member_id, professional, REASON)
    db.session.expire_all()
    assert {s.member_id for s in confirmed.members} == seated


def test_a_replacement_needs_a_reason_and_a_confirmed_session(db, confirmed, make_member, coordinator, make_session,
                                                              compliant_members):
    leaving = a_plain_teacher(confirmed)
    good = make_member("cnam", ("cnam_teacher",), gender=leaving.member.gender)
    with pytest.raises(InvalidData):
        ops.replace_member(coordinator, confirmed, leaving.member_id, good, "court")
    draft = make_session(starts_at=datetime(2016, 5, 1, 9), status=SessionStatus.DRAFT, members=compliant_members())
    with pytest.raises(Exception, match="confirmée"):
        ops.replace_member(coordinator, draft, draft.members[0].member_id, good, REASON)


def test_the_replacement_page_offers_the_options_and_replaces(db, client, login, confirmed, make_member, coordinator):
    leaving = a_plain_teacher(confirmed)
    good = make_member("cnam", ("cnam_teacher",), gender=leaving.member.gender, last_name="Remplaçante")
    db.session.commit()
    login(coordinator)
    url = f"/jurys/sessions/{confirmed.id}/membres/{leaving.member_id}/remplacer"
    page = client.get(url)
    assert page.status_code == 200 and "Remplaçante" in page_text(page) and "conforme" in page_text(page)
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    missing = client.post(url, data={"csrf_token": token, "version": confirmed.version, "reason": REASON})
    assert missing.status_code == 422 and "Choisissez le membre qui remplace" in page_text(missing)
    done = client.post(url, data={"csrf_token": token, "version": confirmed.version, "reason": REASON, "replacement": str(good.id)})
    assert done.status_code == 302
    db.session.expire_all()
    assert good.id in {s.member_id for s in confirmed.members}
