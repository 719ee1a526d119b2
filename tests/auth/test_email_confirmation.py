"""A self-registered address is confirmed by the link sent to it; until then only that link goes there, and what
waited leaves once it is confirmed. The language of the messages is the account's choice."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select

from vae_app.audit.models import AuditEvent
from vae_app.auth.models import User
from vae_app.mail.delivery import deliver
from vae_app.mail.models import MessageKind, OutboxMessage
from vae_app.mail.outbox import queue

from ..mail.conftest import smtp, smtp_server  # noqa: F401 (fixtures)

PASSWORD = "un mot de passe solide"


def register(client, email="claire.nouvelle@exemple.fr"):
    response = client.post("/inscription", data={"first_name": "Claire", "last_name": "Nouvelle", "email": email,
                                                 "password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return email


def link_in(message: OutboxMessage) -> str:
    return re.search(r"https?://\S+", message.body).group(0).split("localhost", 1)[-1]


def test_registration_sends_the_confirmation_link_and_holds_everything_else(client, db, frozen_clock, smtp):
    email = register(client)
    user = db.session.scalar(select(User).where(User.email == email))
    [confirmation] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == email)).all()
    assert user.email_confirmation_pending and confirmation.kind is MessageKind.EMAIL_CONFIRMATION
    queue(MessageKind.APPLICATION_RECEIVED, user, subject="Accusé de réception", body="Bonjour.\n")
    db.session.commit()
    frozen_clock.set(datetime(2016, 3, 1, 9, 1))
    assert deliver() == {"sent": 1, "retry": 0, "failed": 0, "held": 1}
    assert [mail["Subject"] for mail in smtp.received] == [confirmation.subject]
    page = client.get(link_in(confirmation))
    assert page.status_code == 200 and "Votre adresse électronique est confirmée" in page.get_data(as_text=True)
    db.session.expire_all()
    assert not user.email_confirmation_pending and user.email_confirmed_at == datetime(2016, 3, 1, 9, 1)
    assert deliver()["sent"] == 1  # what waited leaves at the next run, not hours later
    assert client.get(link_in(confirmation)).status_code == 200  # a second visit says it is confirmed, changes nothing
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.event == "confirm_email")).all()) == 1


def test_a_link_expires_and_confirms_only_the_address_it_was_sent_to(client, db, frozen_clock):
    email = register(client)
    [confirmation] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == email)).all()
    frozen_clock.set(datetime(2016, 3, 1, 9) + timedelta(days=7, minutes=1))
    assert client.get(link_in(confirmation)).status_code == 410
    assert client.get("/confirmer-adresse/" + "x" * 600).status_code == 410
    assert client.get(link_in(confirmation)[:-3] + "abc").status_code == 410


def test_a_new_link_can_be_asked_for_from_the_account_page(client, db, frozen_clock):
    email = register(client)
    page = client.get("/compte").get_data(as_text=True)
    assert "pas encore confirmée" in page
    refused = client.post("/compte/confirmation", data={})  # at once: refused, the first link has just left
    assert refused.status_code == 409 and "attendez quelques minutes" in refused.get_data(as_text=True)
    assert len(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == email)).all()) == 1
    frozen_clock.set(datetime(2016, 3, 1, 9, 6))
    assert client.post("/compte/confirmation", data={}).status_code == 302
    client.post("/compte/confirmation", data={})
    assert len(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == email)).all()) == 2


def test_the_language_of_the_messages_is_chosen_on_the_account_page(client, db):
    email = register(client)
    assert client.post("/compte", data={"language": "en"}).status_code == 302
    user = db.session.scalar(select(User).where(User.email == email))
    assert user.language == "en"
    refused = client.post("/compte", data={"language": "de"})
    assert refused.status_code == 422 and user.language == "en"


def test_the_operation_refuses_a_language_it_does_not_write(db, make_user):
    import pytest

    from vae_app.auth.operations import set_language
    from vae_app.errors import InvalidData

    with pytest.raises(InvalidData) as refused:
        set_language(make_user(), "de")
    assert "language" in refused.value.errors
