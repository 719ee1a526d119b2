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


def test_a_member_unavailable_from_a_date_is_replaced_in_each_later_session_and_only_those(db, make_session, compliant_members,
                                                                                          candidacy_in, coordinator, make_member):
    from datetime import date

    jury = compliant_members()
    teacher = next(m for m in jury if m.qualifications == ["cnam_teacher"])
    sessions = []
    for day in (3, 10, 17):  # 03/04 before the date; 10/04 confirmed and 17/04 draft from it
        session = make_session(starts_at=datetime(2016, 4, day, 9), status=SessionStatus.DRAFT, members=jury)
        candidacy = candidacy_in(S.READY_FOR_JURY)
        candidacy.jury_session = session
        db.session.flush()
        sessions.append(session)
    ops.confirm_session(coordinator, sessions[0])
    ops.confirm_session(coordinator, sessions[1])
    substitute = make_member("cnam", ("cnam_teacher",), gender=teacher.gender, last_name="Suppléante")
    done = ops.withdraw_member(coordinator, teacher, date(2016, 4, 10), REASON)
    assert [reference for reference, _name in done.replaced] == [sessions[1].reference, sessions[2].reference]
    assert done.unresolved == []
    assert teacher.id in {s.member_id for s in sessions[0].members}  # before the date: untouched
    for session in sessions[1:]:
        assert substitute.id in {s.member_id for s in session.members} and teacher.id not in {s.member_id for s in session.members}
    assert sessions[1].status is SessionStatus.CONFIRMED and sessions[2].status is SessionStatus.DRAFT
    assert len(messages(db, MessageKind.MEMBER_RELEASED)) == 1  # only the confirmed session had convened them


def test_a_session_without_a_possible_replacement_is_named_and_left_as_it_is(db, confirmed, coordinator):
    from datetime import date

    leaving = a_plain_teacher(confirmed)
    done = ops.withdraw_member(coordinator, leaving.member, date(2016, 3, 1), REASON)
    assert done.replaced == [] and done.unresolved == [confirmed.reference]
    assert leaving.member_id in {s.member_id for s in confirmed.members}


def test_the_member_page_withdraws_from_a_date_and_says_what_it_did(db, client, login, confirmed, coordinator, make_member):
    leaving = a_plain_teacher(confirmed)
    make_member("cnam", ("cnam_teacher",), gender=leaving.member.gender, last_name="Suppléant")
    db.session.commit()
    login(coordinator)
    url = f"/jurys/membres/{leaving.member_id}"
    token = client.get(url).get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    refused = client.post(f"{url}/retrait", data={"csrf_token": token, "from_day": "9999-01-01", "reason": REASON})
    assert refused.status_code == 422
    unticked = client.post(f"{url}/retrait", data={"csrf_token": token, "from_day": "2016-03-01", "reason": REASON})
    assert unticked.status_code == 422 and "Cochez la case pour retirer ce membre." in page_text(unticked)
    done = client.post(f"{url}/retrait", data={"csrf_token": token, "from_day": "2016-03-01", "reason": REASON, "confirm": "y"},
                       follow_redirects=True)
    assert done.status_code == 200 and "Suppléant prend sa place" in page_text(done)


def test_a_withdrawal_is_recorded_so_that_the_member_is_never_offered_again_from_that_day(db, confirmed, make_member, coordinator,
                                                                                          make_session, compliant_members):
    from vae_app.juries.planning.campaign import _member_rows
    from vae_app.juries.queries import offered_members

    leaving = a_plain_teacher(confirmed)
    member = leaving.member
    make_member("cnam", ("cnam_teacher",), gender=member.gender, last_name="Suppléant")
    later = make_session(starts_at=datetime(2016, 5, 2, 9), status=SessionStatus.DRAFT, members=[])
    earlier = make_session(starts_at=datetime(2016, 3, 21, 9), status=SessionStatus.DRAFT, members=[])
    assert member.id in {o.id for o in offered_members(later, "", 500)[0]}
    ops.withdraw_member(coordinator, member, datetime(2016, 4, 1).date(), REASON)
    assert [(u.starts_at, u.ends_at, u.reason) for u in member.unavailabilities] == [(datetime(2016, 4, 1), None, REASON)]
    assert member.is_available(later.starts_at, later.ends_at) is False
    assert member.id not in {o.id for o in offered_members(later, "", 500)[0]}
    assert member.id in {o.id for o in offered_members(earlier, "", 500)[0]}  # before the day: as before
    slots = [{"id": day, "start": f"{day}T09:00", "end": f"{day}T12:30"} for day in ("2016-03-31", "2016-04-01")]
    row = next(r for r in _member_rows(member.certifier_id, ["RNCP5385"], slots) if r["id"] == f"M{member.id}")
    assert row["available_slots"] == ["2016-03-31"]
    ops.withdraw_member(coordinator, member, datetime(2016, 4, 2).date(), REASON)  # already said: not said twice
    assert len(member.unavailabilities) == 1


def test_lifting_an_unavailability_offers_the_member_again_and_is_journalled(db, confirmed, coordinator, make_session):
    from vae_app.audit.models import AuditEvent
    from vae_app.juries.queries import offered_members

    member = a_plain_teacher(confirmed).member
    ops.withdraw_member(coordinator, member, datetime(2016, 4, 1).date(), REASON)
    later = make_session(starts_at=datetime(2016, 5, 2, 9), status=SessionStatus.DRAFT, members=[])
    ops.lift_unavailability(coordinator, member, member.unavailabilities[0].id)
    assert member.unavailabilities == [] and member.id in {o.id for o in offered_members(later, "", 500)[0]}
    events = [e.event for e in db.session.scalars(select(AuditEvent).where(AuditEvent.entity_id == member.id,
                                                                            AuditEvent.entity == "jury_member"))]
    assert events[-3:] == ["record_unavailability", "withdraw_member", "lift_unavailability"]


def test_the_member_page_lists_the_recorded_unavailabilities_and_lifts_one(db, client, login, confirmed, coordinator):
    member = a_plain_teacher(confirmed).member
    ops.withdraw_member(coordinator, member, datetime(2016, 4, 1).date(), REASON)
    db.session.commit()
    login(coordinator)
    url = f"/jurys/membres/{member.id}"
    page = client.get(url)
    assert f"À partir du 01/04/2016 — {REASON}" in page_text(page)
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    done = client.post(f"{url}/indisponibilites/{member.unavailabilities[0].id}/lever", data={"csrf_token": token}, follow_redirects=True)
    assert done.status_code == 200 and "Indisponibilité levée" in page_text(done) and "À partir du 01/04/2016" not in page_text(done)


def test_a_deleted_session_id_is_never_given_to_another_session(db, make_session):
    """The journal names sessions by id: SQLite would otherwise reuse the last deleted row's (AUTOINCREMENT)."""
    session = make_session(starts_at=datetime(2016, 5, 2, 9), status=SessionStatus.DRAFT, members=[])
    gone = session.id
    db.session.delete(session)
    db.session.flush()
    assert make_session(starts_at=datetime(2016, 5, 3, 9), status=SessionStatus.DRAFT, members=[]).id > gone


def test_the_session_history_says_who_replaced_whom_and_why(db, client, login, confirmed, make_member, coordinator):
    leaving = a_plain_teacher(confirmed).member
    good = make_member("cnam", ("cnam_teacher",), gender=leaving.gender)
    ops.replace_member(coordinator, confirmed, leaving.id, good, REASON)
    db.session.commit()
    login(coordinator)
    text = page_text(client.get(f"/jurys/sessions/{confirmed.id}"))
    assert f"{leaving.full_name} remplacé(e) par {good.full_name} — {REASON}" in text


def test_the_journal_names_a_seat_as_people_do(db, make_session, make_member, coordinator):
    from vae_app.audit.models import AuditEvent

    session = make_session(starts_at=datetime(2016, 5, 2, 9), status=SessionStatus.DRAFT, members=[])
    ops.add_member(coordinator, session, make_member("cnam", ("cnam_president",), last_name="Présidente"), "president")
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "add_member")).all()[-1]
    assert "president" not in row.reason and row.reason.endswith(")") and "Présidente" in row.reason


def test_several_seats_replaced_at_once_are_checked_once_with_every_replacement_seated(db, confirmed, make_member, coordinator):
    """Employers' and employees' representatives must balance: replacing one of them alone breaks the balance,
    replacing both with professionals representing neither keeps it."""
    reps = sorted((s.member for s in confirmed.members if "qualified_professional" in s.member.qualifications),
                  key=lambda m: m.qualifications)
    plain = [make_member("cnam", ("qualified_professional",), gender=m.gender) for m in reps]
    nested = db.session.begin_nested()
    with pytest.raises(MoveRefused):
        ops.replace_member(coordinator, confirmed, reps[0].id, plain[0], REASON)
    nested.rollback()
    db.session.expire_all()
    ops._replace_seats(coordinator, confirmed, [(m.id, p) for m, p in zip(reps, plain)], REASON)
    assert {s.member_id for s in confirmed.members} >= {p.id for p in plain} and confirmed.status is SessionStatus.CONFIRMED


def test_a_member_recorded_unavailable_cannot_be_seated_even_by_a_forged_form(db, client, login, confirmed, make_member, coordinator):
    leaving = a_plain_teacher(confirmed).member
    away = make_member("cnam", ("cnam_teacher",), gender=leaving.gender, last_name="Absente")
    ops.withdraw_member(coordinator, away, datetime(2016, 3, 2).date(), REASON)
    db.session.commit()
    login(coordinator)
    url = f"/jurys/sessions/{confirmed.id}/membres/{leaving.id}/remplacer"
    token = client.get(url).get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    refused = client.post(url, data={"csrf_token": token, "replacement": str(away.id), "reason": REASON, "version": confirmed.version})
    assert refused.status_code == 422 and "Absente est indisponible à cette date" in page_text(refused)
    db.session.expire_all()
    assert leaving.id in {s.member_id for s in confirmed.members} and away.id not in {s.member_id for s in confirmed.members}


def test_a_member_who_leaves_only_so_that_the_jury_complies_is_told_so_not_the_other_members_reason(db, confirmed, make_member,
                                                                                                    coordinator):
    reps = sorted((s.member for s in confirmed.members if "qualified_professional" in s.member.qualifications),
                  key=lambda m: m.qualifications)
    plain = [make_member("cnam", ("qualified_professional",), gender=m.gender) for m in reps]
    ops._replace_seats(coordinator, confirmed, [(m.id, p) for m, p in zip(reps, plain)], REASON, bystanders=frozenset({reps[1].id}))
    told = {m.to_email: m.body for m in messages(db, MessageKind.MEMBER_RELEASED)}
    assert REASON in told[reps[0].email]
    assert REASON not in told[reps[1].email] and "pour rester conforme" in told[reps[1].email]


def test_a_withdrawal_from_a_past_day_is_refused_naming_the_field(db, confirmed, coordinator, frozen_clock):
    member = a_plain_teacher(confirmed).member
    with pytest.raises(InvalidData) as refused:
        ops.withdraw_member(coordinator, member, datetime(2010, 1, 1).date(), REASON)
    assert "cette date est passée" in str(refused.value.errors["from_day"]) and member.unavailabilities == []


def test_a_withdrawal_leaves_a_draft_seat_to_fill_when_nobody_keeps_the_jury_compliant(db, make_session, compliant_members,
                                                                                       coordinator, frozen_clock):
    draft = make_session(starts_at=datetime(2016, 4, 4, 9), status=SessionStatus.DRAFT, members=compliant_members())
    president = next(s.member for s in draft.members if "cnam_president" in s.member.qualifications)
    done = ops.withdraw_member(coordinator, president, datetime(2016, 3, 2).date(), REASON)
    assert done.emptied == [draft.reference] and president.id not in {s.member_id for s in draft.members}
