"""Repairing a campaign whose sessions are in the record, from its page: what has changed (said by the coordinator
or seen in the record), the least change proposed, read, then applied all or nothing with everyone concerned told."""
from __future__ import annotations

from datetime import datetime

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import page_text
from vae_app.audit.actions import Action
from vae_app.audit.models import AuditEvent
from vae_app.candidacies.models import CandidacyState as S
from vae_app.juries import operations as ops
from vae_app.juries.models import JuryMember, JurySession, PlanningRun, SessionStatus
from vae_app.mail.models import OutboxMessage

pytest.importorskip("ortools")

REASON = "Réorganisation de la campagne après un imprévu."


@pytest.fixture
def campaign(desk, db, candidacy_in, compliant_members, coordinator):
    """Two CNAM sessions on Monday 7 March 2016 in Paris (two rooms), a pool for three juries; the first one confirmed."""
    for _ in range(3):
        compliant_members("RNCP5385")
    ready = [candidacy_in(S.READY_FOR_JURY) for _ in range(8)]
    desk.post("/jurys/campagnes", data={"start": "2016-03-07", "end": "2016-03-08", "certifications": ["RNCP5385"],
                                        "sites": "Paris", "rooms": "2", "time_limit": "2"})
    run = db.session.scalars(select(PlanningRun)).one()
    assert desk.post(f"/jurys/campagnes/{run.id}/appliquer").status_code == 302
    sessions = db.session.scalars(select(JurySession).order_by(JurySession.starts_at, JurySession.id)).all()
    assert len(sessions) == 2
    ops.confirm_session(coordinator, sessions[0], acknowledge_unknowns=True)
    db.session.commit()
    return run, sessions, ready


def repair_page(desk, run, **data):
    form = {"place_new": "y", "preview": "1", **data}
    return desk.post(f"/jurys/campagnes/{run.id}/reparer", data=form)


def fingerprint(response) -> str:
    import re

    return re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]+)"', response.get_data(as_text=True)).group(1)


def apply(desk, run, preview, **data):
    form = {"place_new": "y", "apply": "1", "confirm": "y", "reason": REASON, "fingerprint": fingerprint(preview), **data}
    return desk.post(f"/jurys/campagnes/{run.id}/reparer", data=form)


def messages_to(db, email: str) -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == email).order_by(OutboxMessage.id)).all()


def test_a_member_who_can_no_longer_sit_is_replaced_and_the_confirmed_session_stays_confirmed(desk, db, campaign):
    run, (first, second), _ready = campaign
    leaving = first.members[0].member
    preview = repair_page(desk, run, withdrawn=[str(leaving.id)], withdrawn_from="2016-03-07")
    text = page_text(preview)
    assert preview.status_code == 200 and "Changements proposés" in text and f"remplace {leaving.full_name}" in text
    assert db.session.get(JurySession, first.id).members[0].member_id == leaving.id  # nothing written by the preview
    convened = {c.id for c in first.candidacies}
    response = apply(desk, run, preview, withdrawn=[str(leaving.id)], withdrawn_from="2016-03-07")
    assert response.status_code == 302
    db.session.expire_all()
    first = db.session.get(JurySession, first.id)
    assert first.status is SessionStatus.CONFIRMED and leaving.id not in {s.member_id for s in first.members}
    assert all(c.state is S.JURY_SCHEDULED for c in first.candidacies) and {c.id for c in first.candidacies} == convened
    assert leaving.id not in {s.member_id for s in db.session.get(JurySession, second.id).members}
    assert messages_to(db, leaving.email)[-1].kind.value == "member_released"
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.event == Action.REPAIR_PLANNING.value)).one()
    assert row.reason == REASON and row.details["changes"]


def test_a_lost_half_day_moves_its_candidates_with_their_convocations_cancelled(desk, db, campaign):
    run, (first, second), _ready = campaign
    slot = next(s["id"] for s in run.problem["slots"] if s["start"] == first.starts_at.isoformat(timespec="minutes"))
    moved, gone, lost_at = [c for c in first.candidacies], first.reference, first.starts_at
    members = [s.member.email for s in first.members]
    preview = repair_page(desk, run, lost_slots=[slot])
    assert "session supprimée : le créneau du 07/03/2016" in page_text(preview)
    assert apply(desk, run, preview, lost_slots=[slot]).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(JurySession).where(JurySession.reference == gone)) is None
    for candidacy in moved:
        db.session.refresh(candidacy)
        assert candidacy.state is S.READY_FOR_JURY and candidacy.jury_session is not None
        assert candidacy.jury_session.starts_at != lost_at
        assert "annul" in page_text_of(messages_to(db, candidacy.candidate.email)[-1]).lower()
    for email in members:  # the members learn the session is cancelled, not that it is being changed
        told = messages_to(db, email)[-1]
        assert told.kind.value == "session_cancelled" and REASON in told.body and "rouverte" not in told.body


def test_a_room_lost_gives_up_the_session_that_moves_least_and_places_its_candidates(desk, db, campaign):
    run, (first, second), _ready = campaign
    slot = next(s["id"] for s in run.problem["slots"] if s["start"] == first.starts_at.isoformat(timespec="minutes"))
    assert first.starts_at == second.starts_at  # both sessions share the half-day's two rooms
    preview = repair_page(desk, run, rooms_slot=slot, rooms_lost="1")
    text = page_text(preview)
    # the draft session goes (the confirmed one keeps its convened candidates), its candidates go elsewhere
    assert text.count("session supprimée") == 1 and second.reference in text.split("session supprimée")[0].split("<tr>")[-1]
    assert apply(desk, run, preview, rooms_slot=slot, rooms_lost="1").status_code == 302
    db.session.expire_all()
    assert db.session.get(JurySession, first.id).status is SessionStatus.CONFIRMED
    assert all(c.state is S.JURY_SCHEDULED for c in db.session.get(JurySession, first.id).candidacies)


def page_text_of(message: OutboxMessage) -> str:
    return f"{message.subject} {message.body}"


def test_files_ready_since_are_placed_convened_in_a_confirmed_session_proposed_in_a_new_one(desk, db, campaign, candidacy_in,
                                                                                           coordinator):
    from vae_app.candidacies.operations import fire

    run, (first, second), _ready = campaign
    released = first.candidacies[0]
    fire(released, "unschedule", coordinator, reason="Le candidat a demandé une autre date.")
    late = candidacy_in(S.READY_FOR_JURY)
    db.session.commit()
    preview = repair_page(desk, run)
    text = page_text(preview)
    assert late.reference in text and released.reference in text and "session ouverte (à confirmer)" in text
    assert apply(desk, run, preview).status_code == 302
    db.session.expire_all()
    placed = [db.session.get(type(late), c.id) for c in (released, late)]
    assert all(c.jury_session is not None for c in placed)
    for candidacy in placed:
        confirmed = candidacy.jury_session.status is SessionStatus.CONFIRMED
        assert candidacy.state is (S.JURY_SCHEDULED if confirmed else S.READY_FOR_JURY)
    assert {c.jury_session.status for c in placed} == {SessionStatus.CONFIRMED, SessionStatus.DRAFT}


def test_a_proposal_read_before_someone_else_changed_the_campaign_is_refused_and_nothing_changes(desk, db, campaign, coordinator):
    run, (first, second), _ready = campaign
    leaving = first.members[0].member
    preview = repair_page(desk, run, withdrawn=[str(leaving.id)], withdrawn_from="2016-03-07")
    ops.reopen_session(coordinator, first, "Changement de salle décidé par le service.")
    db.session.commit()
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    response = apply(desk, run, preview, withdrawn=[str(leaving.id)], withdrawn_from="2016-03-07")
    assert response.status_code == 409 and "ont changé depuis l'aperçu" in page_text(response)
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before


def test_a_proposal_read_before_a_member_was_replaced_is_refused(desk, db, campaign, coordinator, make_member):
    """Replacing a member changes no session row: the proposal still knows its jury is not the one it read."""
    from vae_app.juries.queries import replacements

    run, (first, second), _ready = campaign
    asked = {"withdrawn": [str(second.members[0].member_id)], "withdrawn_from": "2016-03-07"}
    preview = repair_page(desk, run, **asked)
    assert "Changements proposés" in page_text(preview)
    leaving = first.members[2]
    option = replacements(first, leaving.member_id, limit=1)[0]
    ops.replace_member(coordinator, first, leaving.member_id, option.member, "Le membre est souffrant ce jour-là.")
    db.session.commit()
    response = apply(desk, run, preview, **asked)
    assert response.status_code == 409 and "ont changé depuis l'aperçu" in page_text(response)


@pytest.mark.parametrize("data, field, message", [
    ({"reason": ""}, "reason", "obligatoire"),
    ({"confirm": ""}, "confirm", "Cochez la case"),
    ({"reason": "Motif avec \x07 une sonnerie collée"}, "reason", "caractère invisible interdit"),
    ({"reason": "x" * 2001}, "reason", "2 000 caractères au plus (2 001 saisis)"),  # numbers written the French way
])
def test_applying_needs_a_reason_and_the_box_ticked(desk, db, campaign, data, field, message):
    run, (first, _second), _ready = campaign
    leaving = first.members[0].member
    preview = repair_page(desk, run, withdrawn=[str(leaving.id)], withdrawn_from="2016-03-07")
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    response = apply(desk, run, preview, withdrawn=[str(leaving.id)], withdrawn_from="2016-03-07", **data)
    assert response.status_code == 422 and message in page_text(response)
    assert "Changements proposés" in page_text(response)  # the proposal stays in view beside the error
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before


@pytest.mark.parametrize("data, message", [
    ({"withdrawn_from": "2016-03-07"}, "Choisissez le ou les membres concernés."),
    ({"withdrawn": ["MEMBER"]}, "Indiquez à partir de quel jour, ou la seule demi-journée."),
    ({"lost_slots": ["20990101-0900-Nulle-part"]}, "n'est pas un choix valide pour ce champ."),
    ({"withdrawn": ["MEMBER"], "withdrawn_from": "2016-02-31"}, "Cette date n'existe pas"),
    ({"withdrawn": ["MEMBER"], "withdrawn_from": "2016-03-07", "withdrawn_slot": "SLOT"}, "Une date ou une demi-journée, pas les deux."),
    ({"rooms_slot": "SLOT"}, "Indiquez combien de salles sont perdues."),
    ({"rooms_lost": "1"}, "Choisissez la demi-journée où les salles sont perdues."),
    ({"rooms_slot": "SLOT", "rooms_lost": "3"}, "Salles de la campagne cette demi-journée : 2 ; vous ne pouvez pas en retirer davantage."),
    ({"rooms_slot": "SLOT", "rooms_lost": "99999999999999999999"}, "Le nombre doit être compris entre 1 et 30."),
])
def test_a_bad_request_is_refused_beside_its_field(desk, db, campaign, data, message):
    run, (first, _second), _ready = campaign
    member = str(first.members[0].member_id)
    slot = next(s["id"] for s in run.problem["slots"] if s["start"] == first.starts_at.isoformat(timespec="minutes"))
    data = {k: [member if v == "MEMBER" else v for v in value] if isinstance(value, list) else slot if value == "SLOT" else value
            for k, value in data.items()}

    response = repair_page(desk, run, **data)
    assert response.status_code == 422 and message in page_text(response)


def test_nothing_to_repair_says_so_and_offers_nothing_to_apply(desk, db, campaign):
    run, _sessions, _ready = campaign
    response = repair_page(desk, run, place_new="")
    assert "Rien à changer : le plan tient tel qu'il est." in page_text(response) and 'name="apply"' not in response.get_data(as_text=True)


def test_a_plan_not_applied_has_nothing_to_repair(desk, db, candidacy_in, compliant_members):
    compliant_members("RNCP5385")
    candidacy_in(S.READY_FOR_JURY)
    desk.post("/jurys/campagnes", data={"start": "2016-03-07", "end": "2016-03-08", "certifications": ["RNCP5385"],
                                        "sites": "Paris", "rooms": "1", "time_limit": "2"})
    run = db.session.scalars(select(PlanningRun)).one()
    response = desk.get(f"/jurys/campagnes/{run.id}/reparer")
    assert response.status_code == 200 and "Appliquez d'abord le plan" in page_text(response) and "<form" not in response.get_data(
        as_text=True).split("<main")[1]


def test_a_member_who_declared_an_unavailability_is_seen_and_replaced(desk, db, campaign):
    from vae_app.juries.models import MemberAvailability

    run, (first, _second), _ready = campaign
    member = first.members[1].member
    db.session.add(MemberAvailability(member=member, starts_at=datetime(2016, 4, 1, 9), ends_at=datetime(2016, 4, 1, 18)))
    db.session.commit()
    response = repair_page(desk, run)
    text = page_text(response)
    assert f"{member.full_name} n'est pas disponible le " in text and f"remplace {member.full_name}" in text


def test_a_member_withdrawn_by_a_repair_is_recorded_unavailable_and_not_seated_again(desk, db, campaign):
    run, (first, second), _ready = campaign
    leaving = first.members[0].member
    preview = repair_page(desk, run, withdrawn=[str(leaving.id)], withdrawn_from="2016-03-07")
    assert apply(desk, run, preview, withdrawn=[str(leaving.id)], withdrawn_from="2016-03-07").status_code == 302
    db.session.expire_all()
    leaving = db.session.get(JuryMember, leaving.id)
    assert [(u.starts_at, u.ends_at, u.reason) for u in leaving.unavailabilities] == [(datetime(2016, 3, 7), None, REASON)]
    # a second repair (a room lost) has the member's slots closed: they are seated nowhere
    slot = next(s["id"] for s in run.problem["slots"] if s["start"] == first.starts_at.isoformat(timespec="minutes"))
    again = repair_page(desk, run, rooms_slot=slot, rooms_lost="1")
    assert apply(desk, run, again, rooms_slot=slot, rooms_lost="1").status_code == 302
    db.session.expire_all()
    seated = db.session.scalar(select(func.count()).select_from(JurySession).join(JurySession.members).where(
        JurySession.members.any(member_id=leaving.id)))
    assert seated == 0


def test_the_campaign_page_says_its_plan_was_repaired_since(desk, db, campaign):
    run, (first, _second), _ready = campaign
    assert "Réparée" not in page_text(desk.get(f"/jurys/campagnes/{run.id}"))
    leaving = first.members[0].member
    preview = repair_page(desk, run, withdrawn=[str(leaving.id)], withdrawn_from="2016-03-07")
    assert apply(desk, run, preview, withdrawn=[str(leaving.id)], withdrawn_from="2016-03-07").status_code == 302
    assert "Réparée une fois depuis, le " in page_text(desk.get(f"/jurys/campagnes/{run.id}"))


def test_a_candidate_moved_to_the_other_room_of_the_same_half_day_is_said_so(desk, db, campaign):
    """The draft session's half-day loses nothing, but its room is wanted: a candidate withdrawn from the confirmed
    session frees a place there, and the draft's candidates cannot all move, so the wording is checked directly."""
    from vae_app.juries.views.campaign_repair import _proposed
    from vae_app.juries.planning.campaign_repair import RepairAsk, propose

    run, (first, second), _ready = campaign
    proposal = propose(run, RepairAsk(removed=[c.reference for c in first.candidacies][:1]))
    result = proposal.result
    # move one of the draft's candidates into the confirmed session, as a repair may, and read the wording
    index_second = proposal.sessions.index(second)
    new_second = next(s for s, o in zip(result.plan.sessions, result.origins) if o == index_second)
    new_first = next(s for s, o in zip(result.plan.sessions, result.origins) if o == proposal.sessions.index(first))
    moving = new_second.candidates.pop()
    new_first.candidates.append(moving)
    with desk.application.test_request_context():
        lines = _proposed(proposal)
    text = " ".join(c for line in lines for c in line["changes"])
    assert "passe dans l'autre session de la même demi-journée" in text and "part vers" not in text


def test_a_half_day_lost_and_a_file_taken_out_stay_so_for_the_next_repairs(desk, db, campaign):
    run, (first, second), _ready = campaign
    slot = next(s["id"] for s in run.problem["slots"] if s["start"] == first.starts_at.isoformat(timespec="minutes"))
    taken, lost_at = second.candidacies[0].reference, first.starts_at
    preview = repair_page(desk, run, lost_slots=[slot], removed=[taken])
    assert apply(desk, run, preview, lost_slots=[slot], removed=[taken]).status_code == 302
    db.session.expire_all()
    # the next repair neither opens a session on the lost half-day nor places the file taken out again
    from vae_app.juries.planning.campaign_repair import RepairAsk, propose

    proposal = propose(db.session.get(PlanningRun, run.id), RepairAsk())
    assert all(s.slot != slot for s in proposal.result.plan.sessions)
    assert taken not in {c for s in proposal.result.plan.sessions for c in s.candidates}
    assert db.session.scalar(select(func.count()).select_from(JurySession).where(JurySession.starts_at == lost_at)) == 0


def test_a_member_withdrawn_from_a_day_is_replaced_in_their_sessions_outside_the_campaign_too(desk, db, campaign, make_session,
                                                                                            make_member):
    run, (first, _second), _ready = campaign
    leaving = first.members[0].member
    outside = make_session(starts_at=datetime(2016, 3, 22, 9), members=[s.member for s in first.members])  # not on the grid
    make_member("cnam", tuple(leaving.qualifications), gender=leaving.gender, last_name="Suppléante")
    db.session.commit()
    preview = repair_page(desk, run, withdrawn=[str(leaving.id)], withdrawn_from="2016-03-07")
    assert f"{leaving.full_name} : session {outside.reference}" in page_text(preview)
    done = apply(desk, run, preview, withdrawn=[str(leaving.id)], withdrawn_from="2016-03-07")
    assert done.status_code == 302
    db.session.expire_all()
    assert leaving.id not in {s.member_id for s in db.session.get(JurySession, outside.id).members}


def test_a_session_given_up_says_so_where_it_was(desk, db, campaign):
    run, (first, _second), _ready = campaign
    slot = next(s["id"] for s in run.problem["slots"] if s["start"] == first.starts_at.isoformat(timespec="minutes"))
    gone = first.id
    preview = repair_page(desk, run, lost_slots=[slot])
    assert apply(desk, run, preview, lost_slots=[slot]).status_code == 302
    page = desk.get(f"/jurys/sessions/{gone}")
    assert page.status_code == 404 and "Cette session a été supprimée le 01/03/2016" in page_text(page) and REASON in page_text(page)


def test_a_file_taken_out_is_said_so_in_the_proposal_the_message_and_the_history(desk, db, campaign):
    run, (_first, second), _ready = campaign
    taken = second.candidacies[0]
    preview = repair_page(desk, run, removed=[taken.reference])
    assert f"{taken.reference} ({taken.candidate.full_name}) est retiré(e) de la campagne" in page_text(preview)
    done = apply(desk, run, preview, removed=[taken.reference])
    assert "1 dossier retiré de la campagne : il attend une autre session." in page_text(desk.get(done.headers["Location"]))
    history = page_text(desk.get(f"/jurys/sessions/{second.id}"))
    assert f"{taken.reference}, session {second.reference} : {REASON}" in history


def test_the_invited_members_of_a_draft_session_given_up_are_told_it_is_cancelled(app, desk, db, campaign, coordinator):
    from datetime import date

    from vae_app.juries import invitations

    run, (first, second), _ready = campaign
    with app.test_request_context():
        invitations.invite(coordinator, second, date(2016, 3, 4))
    db.session.commit()
    invited = [s.member.email for s in second.members]
    slot = next(s["id"] for s in run.problem["slots"] if s["start"] == first.starts_at.isoformat(timespec="minutes"))
    preview = repair_page(desk, run, rooms_slot=slot, rooms_lost="1")
    assert apply(desk, run, preview, rooms_slot=slot, rooms_lost="1").status_code == 302
    for email in invited:
        assert messages_to(db, email)[-1].kind.value == "session_cancelled"


def test_the_campaign_proposes_an_answer_date_before_its_first_session_in_preparation(desk, db, campaign):
    run, (_first, second), _ready = campaign
    html = desk.get(f"/jurys/campagnes/{run.id}").get_data(as_text=True)
    from datetime import timedelta

    expected = (second.starts_at.date() - timedelta(days=1)).isoformat()  # the 6th, for sessions on Monday the 7th
    assert re.search(rf'name="answer_by"[^>]*value="{expected}"', html), re.findall(r'<input[^>]*answer_by[^>]*>', html)

