"""A forgotten password: a signed link by e-mail (through a real SMTP server), valid one hour, good once; the same
answer whether or not the address has an account; the reset ends every other session of the account."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from tests.conftest import TEST_PASSWORD, visible_text
from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role
from vae_app.mail.delivery import deliver
from vae_app.mail.models import MessageKind, OutboxMessage

NEW = "un tout nouveau mot de passe"


def ask(client, email):
    return client.post("/mot-de-passe-oublie", data={"email": email}, follow_redirects=True)


def the_link(smtp) -> str:
    body = smtp.received[-1].get_body(("plain",)).get_content()
    return re.search(r"https?://\S+/mot-de-passe-oublie/\S+", body).group(0).split("localhost", 1)[-1]


def test_the_link_arrives_works_once_and_ends_every_other_session(app, db, smtp, client, make_user, frozen_clock):
    frozen_clock.set(datetime(2026, 3, 2, 10))
    person = make_user(Role.CANDIDATE, first_name="Éloïse", last_name="Quéré")
    db.session.commit()
    other_device = app.test_client()
    other_device.post("/connexion", data={"email": person.email, "password": TEST_PASSWORD})
    assert other_device.get("/compte/mot-de-passe").status_code == 200
    known = visible_text(ask(client, person.email))
    unknown = visible_text(ask(client, "personne@exemple.fr"))
    assert "Un courriel va être envoyé à cette adresse, si elle correspond à un compte" in known and known == unknown  # the same answer
    assert db.session.scalars(select(OutboxMessage.kind)).all() == [MessageKind.PASSWORD_RESET]
    deliver()
    [mail] = smtp.received
    assert mail["To"] == f"Éloïse Quéré <{person.email}>" and "nouveau mot de passe" in mail["Subject"]
    assert "Bonjour Éloïse Quéré," in mail.get_body(("plain",)).get_content()
    link = the_link(smtp)
    assert client.get(link).status_code == 200
    assert client.post(link, data={"new_password": NEW, "new_password_confirm": NEW}).status_code == 302
    fresh = app.test_client()
    assert fresh.post("/connexion", data={"email": person.email, "password": TEST_PASSWORD}).status_code == 401
    assert fresh.post("/connexion", data={"email": person.email, "password": NEW}).status_code == 302
    assert other_device.get("/compte/mot-de-passe").status_code == 302  # the other session ended
    assert client.get(link).status_code == 410  # good once
    assert "Ce lien n'est plus valable" in visible_text(client.get(link))
    reset = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "change_password")).one()
    assert reset.entity_id == person.id and "réinitialisation" in reset.reason


def test_the_link_expires_after_an_hour_on_the_app_clock(app, db, smtp, client, make_user, frozen_clock):
    from datetime import timedelta

    person = make_user(Role.CANDIDATE)
    db.session.commit()
    ask(client, person.email)
    deliver()
    link = the_link(smtp)
    issued = frozen_clock.now()
    frozen_clock.set(issued + timedelta(seconds=3599))
    assert client.get(link).status_code == 200
    frozen_clock.set(issued + timedelta(seconds=3601))
    assert client.get(link).status_code == 410


def test_a_forged_a_tampered_or_a_huge_link_is_refused(db, client, make_user):
    assert client.get("/mot-de-passe-oublie/abc").status_code == 410
    assert client.get("/mot-de-passe-oublie/" + "a" * 5000).status_code == 410
    assert client.post("/mot-de-passe-oublie/abc", data={"new_password": NEW, "new_password_confirm": NEW}).status_code == 410


def test_a_deactivated_account_gets_no_link(db, client, make_user):
    person = make_user(Role.CANDIDATE)
    person.is_active_account = False
    db.session.commit()
    assert "si elle correspond à un compte" in visible_text(ask(client, person.email))
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_the_message_is_in_english_for_who_chose_english(db, smtp, client, make_user):
    person = make_user(Role.CANDIDATE)
    person.language = "en"
    db.session.commit()
    ask(client, person.email)
    deliver()
    mail = smtp.received[-1]
    assert mail["Content-Language"] == "en" and "new password" in mail["Subject"].lower()
