"""Members invited to sit: the coordinator invites a jury (or a campaign's juries); each member answers once, from
the e-mail's link without a password or from their space, only for themselves; a decline frees the seat of a
session in preparation and offers replacements; unanswered invitations are recalled once before the date asked."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests.conftest import page_text
from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role
from vae_app.errors import Conflict, InvalidData
from vae_app.juries import invitations
from vae_app.juries.models import AnswerChannel, InvitationAnswer, JuryInvitation, SessionStatus
from vae_app.mail.models import MessageKind, OutboxMessage

SESSION_DAY = datetime(2016, 3, 21, 9)


@pytest.fixture
def draft(make_session, compliant_members):
    return make_session(starts_at=SESSION_DAY, status=SessionStatus.DRAFT, members=compliant_members())


@pytest.fixture
def invited(app, db, draft, coordinator, frozen_clock):
    with app.test_request_context():
        invitations.invite(coordinator, draft, date(2016, 3, 8))
    db.session.commit()
    return draft


def link_of(db, member) -> str:
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == member.email,
                                                             OutboxMessage.kind == MessageKind.JURY_INVITATION)).one()
    return re.search(r"http://localhost(/jurys/invitation/\S+)", message.body).group(1)


def csrf(response) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    return found.group(1) if found else ""


def post_answer(client, url, **data):
    return client.post(url, data={"csrf_token": csrf(client.get(url)), **data})


def events(db, name):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.event == name).order_by(AuditEvent.id)).all()


def test_inviting_a_jury_mails_each_member_their_own_link_and_journals_it(db, invited):
    rows = invited.invitations
    assert len(rows) == 7 and all(i.answer is None and i.answered_at is None for i in rows)  # unanswered: neither yes nor no
    links = {link_of(db, i.member) for i in rows}
    assert len(links) == 7
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == MessageKind.JURY_INVITATION)).first()
    assert "21 mars 2016" in message.subject and "au plus tard le 8 mars 2016" in message.body and "2016-03" not in message.body
    assert len(events(db, "invite_to_jury")) == 7


def test_a_jury_is_not_invited_twice(app, db, invited, coordinator):
    with app.test_request_context(), pytest.raises(Conflict):
        invitations.invite(coordinator, invited, date(2016, 3, 8))


@pytest.mark.parametrize("answer_by, message", [
    (date(2016, 2, 29), "au moins jusqu'à demain"),
    (date(2016, 3, 1), "au moins jusqu'à demain"),
    (date(2016, 3, 21), "avant la session, au plus tard le 20/03/2016"),
    (None, "obligatoire"),
])
def test_the_date_to_answer_by_must_come_before_the_session_and_not_be_past(app, draft, coordinator, frozen_clock, answer_by,
                                                                             message):
    with app.test_request_context(), pytest.raises(InvalidData) as refused:
        invitations.invite(coordinator, draft, answer_by)
    assert message in str(refused.value.errors["answer_by"])


def test_the_link_shows_the_invitation_and_a_get_never_answers(db, client, invited):
    member = invited.invitations[0].member
    page = client.get(link_of(db, member))
    text = page_text(page)
    assert page.status_code == 200 and f"Bonjour {member.full_name}" in text and "lundi" not in text.split("Date")[0]
    assert "le 21 mars 2016, de 9 h à 12 h 30" in text or "le 21 mars 2016, de 9h" in text.replace(" h", "h") or "21 mars 2016" in text
    db.session.expire_all()
    assert invited.invitations[0].answer is None


def test_a_member_accepts_from_the_link_without_a_password_once_and_only_once(db, client, invited):
    invitation = invited.invitations[0]
    url = link_of(db, invitation.member)
    done = post_answer(client, url, answer="yes")
    assert done.status_code == 200 and "votre accord est enregistré" in page_text(done)
    db.session.expire_all()
    assert invitation.answer is InvitationAnswer.ACCEPTED and invitation.channel is AnswerChannel.LINK
    again = post_answer(client, url, answer="no", reason="Je me suis trompé.")
    assert again.status_code == 409 and "Vous avez déjà répondu à cette invitation le 01/03/2016" in page_text(again)
    db.session.expire_all()
    assert invitation.answer is InvitationAnswer.ACCEPTED
    row = events(db, "answer_invitation")[-1]
    assert row.actor_id is None and row.reason == f"{invitation.member.full_name} accepte"


def test_an_altered_link_or_one_sent_to_an_older_address_answers_nothing(db, client, invited):
    invitation = invited.invitations[0]
    url = link_of(db, invitation.member)
    assert client.get(url[:-3] + "xyz").status_code == 410
    assert client.get("/jurys/invitation/" + "a" * 600).status_code == 410
    invitation.member.email = "nouvelle.adresse@exemple.fr"
    db.session.commit()
    page = client.get(url)
    assert page.status_code == 410 and "n'est pas valable" in page_text(page)


def test_a_decline_frees_the_seat_of_a_session_in_preparation_and_offers_replacements(db, client, login, invited, coordinator,
                                                                                        make_member):
    invitation = next(i for i in invited.invitations if i.member.qualifications == ["cnam_teacher"])
    leaving = invitation.member
    make_member("cnam", ("cnam_teacher",), gender=leaving.gender, last_name="Remplaçante")
    db.session.commit()
    done = post_answer(client, link_of(db, leaving), answer="no", reason="En congé cette semaine-là.")
    assert "Le service cherchera un autre membre" in page_text(done)
    db.session.expire_all()
    assert leaving.id not in {s.member_id for s in invited.members}
    assert invitation.answer is InvitationAnswer.DECLINED and invitation.reason == "En congé cette semaine-là."
    assert events(db, "remove_member")[-1].reason == f"{leaving.full_name} : a décliné l'invitation"
    client.post("/deconnexion")
    login(coordinator)
    text = page_text(client.get(f"/jurys/sessions/{invited.id}"))
    assert "Ont décliné l'invitation" in text and "« En congé cette semaine-là. »" in text
    assert "Pour prendre la place de " + leaving.full_name in text and "Remplaçante" in text


def test_a_decline_of_a_confirmed_session_keeps_the_member_convened_and_alerts_the_coordinator(db, client, login, invited,
                                                                                                coordinator):
    from vae_app.juries import operations as ops

    ops.confirm_session(coordinator, invited, acknowledge_unknowns=True)
    invitation = invited.invitations[0]
    invitations.answer(invitation, False, None, channel=AnswerChannel.LINK, actor=None)
    db.session.commit()
    assert invitation.member_id in {s.member_id for s in invited.members} and invitation.reason is None
    login(coordinator)
    text = page_text(client.get(f"/jurys/sessions/{invited.id}"))
    assert f"{invitation.member.full_name} a décliné l'invitation le 01/03/2016 mais reste dans la composition du jury" in text


def test_a_confirmed_session_is_not_invited_its_members_are_convened(app, make_session, coordinator, frozen_clock):
    session = make_session(starts_at=SESSION_DAY)
    with app.test_request_context(), pytest.raises(Conflict) as refused:
        invitations.invite(coordinator, session, date(2016, 3, 8))
    assert "déjà convoqués" in str(refused.value)


def test_a_member_who_declined_is_neither_offered_again_nor_seated_again(app, db, invited, coordinator):
    from vae_app.juries import operations as ops
    from vae_app.juries.queries import offered_members

    invitation = invited.invitations[0]
    invitations.answer(invitation, False, "Empêché.", channel=AnswerChannel.LINK, actor=None)
    assert invitation.member_id not in {o.id for o in offered_members(invited, "", 500)[0]}
    with pytest.raises(InvalidData) as refused:
        ops.add_member(coordinator, invited, invitation.member)
    assert "a décliné l'invitation à cette session" in str(refused.value.errors["member"])


def test_a_member_taken_off_the_jury_cannot_answer_with_their_old_link(db, client, invited, coordinator):
    from vae_app.juries import operations as ops

    invitation = invited.invitations[0]
    url = link_of(db, invitation.member)
    ops.remove_member(coordinator, invited, invitation.member_id)
    db.session.commit()
    assert "Vous ne faites plus partie de ce jury" in page_text(client.get(url))
    refused = client.post(url, data={"answer": "yes"})
    assert refused.status_code == 409
    db.session.expire_all()
    assert invitation.answer is None


def test_the_link_of_a_session_deleted_since_says_so(db, client, invited, coordinator):
    from vae_app.juries import operations as ops

    url = link_of(db, invited.invitations[0].member)
    ops.delete_session(coordinator, invited)
    db.session.commit()
    page = client.get(url)
    assert page.status_code == 410 and "la session a été annulée ou supprimée" in page_text(page)


def test_the_assembly_screen_says_who_is_invited_accepted_declined_or_silent(db, client, login, invited, coordinator, frozen_clock):
    first, second = invited.invitations[:2]
    invitations.answer(first, True, None, channel=AnswerChannel.LINK, actor=None)
    db.session.commit()
    login(coordinator)
    text = page_text(client.get(f"/jurys/sessions/{invited.id}"))
    assert "a accepté le 01/03/2016" in text and "invitation envoyée le 01/03/2016, réponse attendue au plus tard le 08/03/2016" in text
    frozen_clock.set(datetime(2016, 3, 9, 9))
    text = page_text(client.get(f"/jurys/sessions/{invited.id}"))
    assert "pas de réponse (attendue au plus tard le 08/03/2016)" in text


def test_a_member_answers_from_their_space_only_their_own_invitations(db, client, login, invited, make_user):
    invitation, other = invited.invitations[:2]
    account = make_user(Role.JURY_MEMBER)
    invitation.member.user_id = account.id
    db.session.commit()
    login(account)
    home = client.get("/accueil")
    assert "Mes invitations" in page_text(home) and "Réponse attendue au plus tard le 08/03/2016" in page_text(home)
    token = csrf(home)
    assert client.post(f"/jurys/mes-invitations/{other.id}", data={"csrf_token": token, f"i{other.id}-answer": "yes"}).status_code == 404
    done = client.post(f"/jurys/mes-invitations/{invitation.id}", data={"csrf_token": token, f"i{invitation.id}-answer": "yes"})
    assert done.status_code == 302
    db.session.expire_all()
    assert invitation.answer is InvitationAnswer.ACCEPTED and invitation.channel is AnswerChannel.SPACE and other.answer is None
    assert events(db, "answer_invitation")[-1].actor_id == account.id


def test_an_answer_with_no_choice_or_a_reason_too_long_is_refused_beside_its_field(db, client, invited):
    url = link_of(db, invited.invitations[0].member)
    refused = post_answer(client, url)
    assert refused.status_code == 422 and "Choisissez votre réponse." in page_text(refused)
    refused = post_answer(client, url, answer="no", reason="x" * 501)
    assert refused.status_code == 422 and "500 caractères au plus." in page_text(refused)
    db.session.expire_all()
    assert invited.invitations[0].answer is None


def test_unanswered_invitations_are_recalled_once_two_days_before_the_date_asked(app, db, invited, frozen_clock):
    invitations.answer(invited.invitations[0], True, None, channel=AnswerChannel.LINK, actor=None)
    frozen_clock.set(datetime(2016, 3, 5, 8))
    with app.test_request_context():
        assert invitations.remind() == 0  # three days before: not yet
        frozen_clock.set(datetime(2016, 3, 6, 8))
        assert invitations.remind() == 6  # the one who accepted is not recalled
        assert invitations.remind() == 0  # once
    reminders = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == MessageKind.JURY_INVITATION_REMINDER)).all()
    assert len(reminders) == 6 and "au plus tard le 8 mars 2016" in reminders[0].body


def test_the_reminder_command_links_to_the_public_address(app, db, invited, frozen_clock):
    from click.testing import CliRunner

    from vae_app.juries.cli import juries_cli

    frozen_clock.set(datetime(2016, 3, 7, 8))
    app.config["VAE_BASE_URL"] = "https://vae.exemple.fr"
    result = app.test_cli_runner().invoke(juries_cli, ["remind-invitations"])
    assert result.exit_code == 0 and "7 invitation(s) rappelée(s)" in result.output
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == MessageKind.JURY_INVITATION_REMINDER)).first()
    assert "https://vae.exemple.fr/jurys/invitation/" in message.body


def test_a_link_does_not_carry_the_members_address(db, invited):
    import base64

    member = invited.invitations[0].member
    token = link_of(db, member).rsplit("/", 1)[1]
    payload = token.split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert member.email not in decoded and "@" not in decoded


def test_a_session_deleted_by_hand_tells_its_invited_members(db, invited, coordinator):
    from vae_app.juries import operations as ops

    members = [i.member.email for i in invited.invitations]
    ops.delete_session(coordinator, invited)
    told = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == MessageKind.SESSION_CANCELLED)).all()
    assert sorted(m.to_email for m in told) == sorted(members) and "supprimée par le service" in told[0].body
