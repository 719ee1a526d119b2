"""The administrators' accounts: an account opened with no usable password and a link, valid a week and good once, to
choose it; the coordinator's certifier and a taken address refused beside their fields; a stale form refused; a
deactivated account closed everywhere (sessions, remember-me cookies, API tokens); the last administrator kept; a
pool member invited to open their account; every change in the journal, in the same transaction."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import TEST_PASSWORD, page_text
from vae_app.audit.models import AuditEvent
from vae_app.auth import operations as auth_ops
from vae_app.auth.models import Role, User
from vae_app.errors import Conflict, InvalidData
from vae_app.juries.models import JuryMember
from vae_app.mail.models import MessageKind, OutboxMessage

NEW = "un tout nouveau mot de passe"


@pytest.fixture
def office(client, admin, login):
    """The test client, signed in as an administrator."""
    login(admin)
    return client


def account_form(**overrides) -> dict:
    return {"first_name": "Ada", "last_name": "Lovelace", "email": "Ada.Lovelace@Exemple.fr", "role": "candidate", "certifier": "",
            "language": "fr", **overrides}


def events(db, name: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.event == name).order_by(AuditEvent.id)).all()


def link_in(message: OutboxMessage) -> str:
    return re.search(r"https?://\S+/compte/activer/\S+", message.body).group(0).split("localhost", 1)[-1]


def sign_in(app, email: str, password: str = TEST_PASSWORD):
    browser = app.test_client()
    return browser, browser.post("/connexion", data={"email": email, "password": password})


def test_an_opened_account_chooses_its_password_through_the_link_once(app, db, office, admin):
    response = office.post("/admin/comptes/nouveau", data=account_form())
    assert response.status_code == 302
    account = db.session.scalar(select(User).where(User.email == "ada.lovelace@exemple.fr"))
    assert account.role is Role.CANDIDATE and account.is_active_account and not account.email_confirmation_pending
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.kind is MessageKind.ACCOUNT_CREATED and message.recipient_id == account.id
    assert "Bonjour Ada Lovelace," in message.body and "7 jours" in message.body and admin.full_name in message.body
    [created] = events(db, "create_account")
    assert created.actor_id == admin.id and created.entity_id == account.id
    assert sign_in(app, account.email)[1].status_code == 401  # no password signs in before one is chosen
    link = link_in(message)
    stranger = app.test_client()
    assert stranger.get(link).status_code == 200
    assert stranger.post(link, data={"new_password": NEW, "new_password_confirm": NEW}).status_code == 302
    assert sign_in(app, account.email, NEW)[1].status_code == 302
    assert stranger.get(link).status_code == 410  # good once
    db.session.refresh(account)
    assert account.email_confirmed_at is not None
    assert "création du compte" in events(db, "change_password")[-1].reason


def test_the_link_lasts_a_week_on_the_app_clock_and_is_not_a_reset_link(app, db, office, frozen_clock):
    from datetime import timedelta

    issued = frozen_clock.now()
    office.post("/admin/comptes/nouveau", data=account_form())
    link = link_in(db.session.scalars(select(OutboxMessage)).one())
    assert app.test_client().get(link.replace("/compte/activer/", "/mot-de-passe-oublie/")).status_code == 410
    frozen_clock.set(issued + timedelta(days=7, seconds=-60))
    assert app.test_client().get(link).status_code == 200
    frozen_clock.set(issued + timedelta(days=7, seconds=60))
    response = app.test_client().get(link)
    assert response.status_code == 410 and "pendant une semaine" in page_text(response)


def test_a_coordinator_needs_a_certifier_and_no_one_else_has_one(db, office, certifiers):
    response = office.post("/admin/comptes/nouveau", data=account_form(role="coordinator"))
    assert response.status_code == 422 and 'id="certifier-error"' in response.get_data(as_text=True)
    assert "obligatoire pour un compte de coordination" in page_text(response)
    response = office.post("/admin/comptes/nouveau", data=account_form(certifier=str(certifiers["cnam"].id)))
    assert response.status_code == 422 and "seul un compte de coordination" in page_text(response)
    assert db.session.scalar(select(User).where(User.email == "ada.lovelace@exemple.fr")) is None
    assert office.post("/admin/comptes/nouveau", data=account_form(role="coordinator", certifier=str(certifiers["cnam"].id))).status_code == 302
    assert db.session.scalar(select(User).where(User.email == "ada.lovelace@exemple.fr")).certifier_id == certifiers["cnam"].id


def test_a_taken_or_invalid_address_is_refused_beside_its_field(db, office, make_user):
    taken = make_user(email="prise@exemple.fr")
    response = office.post("/admin/comptes/nouveau", data=account_form(email="PRISE@exemple.fr"))
    assert response.status_code == 422 and 'id="email-error"' in response.get_data(as_text=True)
    assert "un autre compte a déjà cette adresse" in page_text(response)
    response = office.post("/admin/comptes/nouveau", data=account_form(email="pas une adresse"))
    assert response.status_code == 422 and "adresse électronique invalide" in page_text(response)
    other = make_user()
    response = office.post(f"/admin/comptes/{other.id}", data=account_form(email=taken.email, stamp=other.edit_stamp))
    assert response.status_code == 422 and "un autre compte a déjà cette adresse" in page_text(response)


def test_an_edit_is_audited_and_a_stale_form_does_not_overwrite(db, office, make_user, admin):
    person = make_user(Role.JURY_MEMBER, email="juré@exemple.fr".replace("é", "e"))
    stamp = person.edit_stamp
    response = office.post(f"/admin/comptes/{person.id}", data=account_form(email=person.email, role="jury_member", stamp=stamp,
                                                                            language="en"))
    assert response.status_code == 302
    db.session.refresh(person)
    assert (person.first_name, person.last_name, person.language) == ("Ada", "Lovelace", "en")
    [updated] = events(db, "update_account")
    assert updated.actor_id == admin.id and set(updated.details["fields"]) == {"first_name", "last_name", "language"}
    stale = office.post(f"/admin/comptes/{person.id}", data=account_form(email=person.email, role="jury_member", stamp=stamp,
                                                                        last_name="Byron"))
    assert stale.status_code == 409 and "modifiées entre-temps" in page_text(stale)
    db.session.refresh(person)
    assert person.last_name == "Lovelace" and len(events(db, "update_account")) == 1


def test_a_role_that_would_leave_records_behind_is_refused(db, office, make_candidacy):
    candidacy = make_candidacy()
    person = candidacy.candidate
    response = office.post(f"/admin/comptes/{person.id}", data=account_form(email=person.email, role="jury_member", stamp=person.edit_stamp))
    assert response.status_code == 422 and "ce compte a des candidatures" in page_text(response)


def test_a_deactivated_account_is_closed_everywhere_until_reactivated(app, db, office, make_user, admin):
    person = make_user(Role.COORDINATOR, certifier="cnam")
    db.session.commit()
    browser, signed = sign_in(app, person.email)
    assert signed.status_code == 302 and browser.get("/accueil").status_code in (200, 302)
    token = app.test_client().post("/api/v1/auth/token", json={"email": person.email, "password": TEST_PASSWORD}).get_json()["token"]
    api = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/candidacies", headers=api).status_code == 200
    unticked = office.post(f"/admin/comptes/{person.id}/desactiver", data={"reason": "Départ du service."})
    assert unticked.status_code == 422 and db.session.get(User, person.id).is_active_account
    no_reason = office.post(f"/admin/comptes/{person.id}/desactiver", data={"reason": " ", "confirm": "y"})
    assert no_reason.status_code == 422
    assert office.post(f"/admin/comptes/{person.id}/desactiver", data={"reason": "Départ du service.", "confirm": "y"}).status_code == 302
    assert not db.session.get(User, person.id).is_active_account
    assert browser.get("/coordination/candidatures").status_code == 302  # the open session ended
    assert app.test_client().get("/api/v1/candidacies", headers=api).status_code == 401
    assert sign_in(app, person.email)[1].status_code == 401
    [closed] = events(db, "deactivate_account")
    assert closed.actor_id == admin.id and closed.reason == "Départ du service."
    assert office.post(f"/admin/comptes/{person.id}/desactiver", data={"reason": "Encore une fois.", "confirm": "y"}).status_code == 409
    assert office.post(f"/admin/comptes/{person.id}/reactiver", data={"reason": "Retour dans le service.", "confirm": "y"}).status_code == 302
    assert sign_in(app, person.email)[1].status_code == 302
    assert app.test_client().get("/api/v1/candidacies", headers=api).status_code == 401  # the old token stays revoked
    assert events(db, "reactivate_account")[0].reason == "Retour dans le service."


def test_an_administrator_cannot_deactivate_themselves(db, office, admin):
    response = office.post(f"/admin/comptes/{admin.id}/desactiver", data={"reason": "Je pars.", "confirm": "y"})
    assert response.status_code == 409 and "votre propre compte" in page_text(response)
    assert db.session.get(User, admin.id).is_active_account
    response = office.post(f"/admin/comptes/{admin.id}", data=account_form(email=admin.email, role="candidate", stamp=admin.edit_stamp))
    assert response.status_code == 422 and "votre propre rôle" in page_text(response)


def test_the_last_active_administrator_stays(db, make_user):
    """Two administrators closing each other's accounts at once: the second finds itself closed already and the last
    active administrator is kept (the operation, as it runs in the second request)."""
    last, closing = make_user(Role.ADMIN), make_user(Role.ADMIN, is_active_account=False)
    with pytest.raises(Conflict, match="dernier compte d'administration"):
        auth_ops.deactivate_account(closing, last, "Plus besoin.")
    with pytest.raises(InvalidData) as refused:
        auth_ops.update_account(closing, last, auth_ops.AccountValues(last.email, "A", "B", Role.CANDIDATE, None), None)
    assert "dernier compte d'administration" in refused.value.errors["role"]
    assert last.is_active_account and last.role is Role.ADMIN


def test_an_administrator_deactivates_another(db, office, make_user):
    other = make_user(Role.ADMIN)
    assert office.post(f"/admin/comptes/{other.id}/desactiver", data={"reason": "Départ.", "confirm": "y"}).status_code == 302
    assert not db.session.get(User, other.id).is_active_account


def test_the_list_filters(db, office, make_user):
    make_user(Role.COORDINATOR, certifier="cnam", last_name="Zébulon")
    make_user(Role.COORDINATOR, certifier="askoria", last_name="Yvelines", is_active_account=False)
    make_user(Role.CANDIDATE, last_name="Xavier")
    text = page_text(office.get("/admin/comptes?role=coordinator&certificateur=cnam"))
    assert "Zébulon" in text and "Yvelines" not in text and "Xavier" not in text
    text = page_text(office.get("/admin/comptes?etat=inactifs"))
    assert "Yvelines" in text and "Zébulon" not in text
    text = page_text(office.get("/admin/comptes?q=xav"))
    assert "Xavier" in text and "Zébulon" not in text
    assert office.get("/admin/comptes?role=roi").status_code == 400
    assert office.get("/admin/comptes?certificateur=inconnu").status_code == 400


def test_only_administrators_reach_the_accounts(app, db, client, login, coordinator, make_user):
    assert client.get("/admin/comptes").status_code == 302  # to the sign-in page
    login(coordinator)
    assert client.get("/admin/comptes").status_code == 403
    assert client.post("/admin/comptes/nouveau", data=account_form()).status_code == 403
    assert client.post(f"/admin/comptes/{coordinator.id}/desactiver", data={"reason": "Essai.", "confirm": "y"}).status_code == 403
    assert db.session.scalar(select(User).where(User.email == "ada.lovelace@exemple.fr")) is None


# --- the pool's invitation


def test_a_coordinator_invites_a_pool_member_to_open_their_account(db, desk, coordinator, make_member):
    member = make_member("cnam", first_name="Grace", last_name="Hopper", email="grace.hopper@exemple.fr")
    assert "Inviter à créer son compte" in page_text(desk.get("/jurys/membres"))
    response = desk.post(f"/jurys/membres/{member.id}/inviter")
    assert response.status_code == 302
    db.session.refresh(member)
    account = db.session.get(User, member.user_id)
    assert account.role is Role.JURY_MEMBER and account.email == member.email and account.full_name == "Grace Hopper"
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.kind is MessageKind.ACCOUNT_CREATED and message.to_email == member.email and "/compte/activer/" in message.body
    assert [e.actor_id for e in events(db, "invite_member")] == [coordinator.id]
    assert events(db, "create_account")[0].entity_id == account.id
    again = desk.post(f"/jurys/membres/{member.id}/inviter")
    assert again.status_code == 409 and "déjà un compte" in page_text(again)


def test_an_address_another_account_has_is_refused_beside_the_field(db, desk, make_member, make_user):
    make_user(Role.CANDIDATE, email="deja@exemple.fr")
    member = make_member("cnam", email="deja@exemple.fr")
    response = desk.post(f"/jurys/membres/{member.id}/inviter")
    assert response.status_code == 409 and 'id="email-error"' in response.get_data(as_text=True)
    assert "un autre compte a déjà cette adresse" in page_text(response)
    db.session.refresh(member)
    assert member.user_id is None and db.session.scalars(select(OutboxMessage)).all() == []


def test_a_jury_members_account_without_a_pool_row_is_tied(db, desk, make_member, make_user):
    account = make_user(Role.JURY_MEMBER, email="jure@exemple.fr")
    member = make_member("cnam", email="jure@exemple.fr")
    assert desk.post(f"/jurys/membres/{member.id}/inviter").status_code == 302
    assert db.session.get(JuryMember, member.id).user_id == account.id
    assert events(db, "link_member") and db.session.scalars(select(OutboxMessage)).all() == []


def test_another_certifiers_coordinator_cannot_invite(db, client, login, other_coordinator, make_member):
    member = make_member("cnam")
    login(other_coordinator)
    assert client.post(f"/jurys/membres/{member.id}/inviter").status_code == 403
    assert db.session.get(JuryMember, member.id).user_id is None
