"""The administrators' journal: newest first, each change named by its label and each record by its name (never a
raw value or an id), filtered by who, what, on what, when (JJ/MM/AAAA or ISO) and which file; exported in CSV."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import page_text
from vae_app.audit.actions import Action, Entity
from vae_app.audit.operations import record as audit


def table(response) -> str:
    """The words of the journal's table only (the filters' choices name every change too)."""
    import html
    import re

    body = response.get_data(as_text=True)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body[body.index("<tbody>"):body.index("</tbody>")])).split())


@pytest.fixture
def office(client, admin, login):
    login(admin)
    return client


@pytest.fixture
def history(db, admin, coordinator, make_user, make_candidacy):
    """An account edited then deactivated by the administrator on 01/03/2016, a file created on 10/03/2016 by a
    coordinator and submitted on 11/03/2016 by its candidate."""
    person = make_user(first_name="Berthe", last_name="Morisot")
    candidacy = make_candidacy(reference="CNAM-2016-00042")
    audit(entity=Entity.USER, entity_id=person.id, event=Action.DEACTIVATE_ACCOUNT, actor=admin, reason="Départ.",
          at=datetime(2016, 3, 1, 13, 5))
    audit(entity=Entity.USER, entity_id=person.id, event=Action.UPDATE_ACCOUNT, actor=admin, details={"fields": ["last_name", "role"]},
          at=datetime(2016, 3, 1, 12))
    audit(entity=Entity.CANDIDACY, entity_id=candidacy.id, candidacy_id=candidacy.id, event=Action.CREATE, actor=coordinator,
          at=datetime(2016, 3, 10, 9))
    audit(entity=Entity.CANDIDACY, entity_id=candidacy.id, candidacy_id=candidacy.id, event="submit", actor=candidacy.candidate,
          at=datetime(2016, 3, 11, 9))
    db.session.flush()
    return person, candidacy


def test_rows_newest_first_with_labels_names_and_paris_time(db, office, history):
    text = table(office.get("/admin/journal"))
    assert text.index("11/03/2016") < text.index("10/03/2016") < text.index("01/03/2016 14:05")  # 13:05 UTC is 14:05 in Paris
    assert "Compte désactivé" in text and "Compte : Berthe Morisot" in text and "Départ." in text
    assert "Champs modifiés : nom, rôle" in text and "last_name" not in text
    assert "Création du dossier" in text and "CNAM-2016-00042" in text and "Sophie" in text
    assert "deactivate_account" not in text and "create" not in text.split()


def test_filters(db, office, history, admin):
    def rows(query):
        return table(office.get("/admin/journal?" + query))

    assert "Morisot" in rows("qui=" + admin.last_name) and "CNAM-2016-00042" not in rows("qui=" + admin.last_name)
    assert "Création du dossier" in rows("qui=sophie") and "Compte désactivé" not in rows("qui=sophie")
    assert "Compte désactivé" in rows("quoi=deactivate_account") and "Création du dossier" not in rows("quoi=deactivate_account")
    assert "Création du dossier" in rows("objet=candidacy") and "Compte désactivé" not in rows("objet=candidacy")
    assert "Création du dossier" in rows("dossier=2016-00042") and "Compte désactivé" not in rows("dossier=2016-00042")
    for since, until in (("05/03/2016", "10/03/2016"), ("2016-03-05", "2016-03-10")):
        text = rows(f"du={since}&au={until}")
        assert "Création du dossier" in text and "Compte désactivé" not in text and "11/03/2016" not in text
    refused = office.get("/admin/journal?du=31/02/2016")
    assert refused.status_code == 400 and "date inexistante" in page_text(refused)
    assert office.get("/admin/journal?quoi=drop_table").status_code == 400


def test_the_export_holds_the_filtered_rows(db, office, history):
    response = office.get("/admin/journal.csv?objet=candidacy")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "Création du dossier" in body and "CNAM-2016-00042" in body and "Compte désactivé" not in body
    assert "10/03/2016 10:00" in body


def test_only_administrators_read_the_journal(db, client, login, coordinator):
    assert client.get("/admin/journal").status_code == 302
    login(coordinator)
    assert client.get("/admin/journal").status_code == 403
    assert client.get("/admin/journal.csv").status_code == 403


def test_a_session_s_row_names_its_session_and_an_application_s_change_names_its_fields_for_people(db, office, coordinator,
                                                                                                     make_candidacy):
    from vae_app.juries.models import JurySession

    session = db.session.scalars(db.select(JurySession)).first()
    if session is None:
        from vae_app.certifications.models import Certification
        from vae_app.certifications.vocabulary import AccessRoute

        cert = db.session.scalar(db.select(Certification).where(Certification.code == "RNCP5385"))
        session = JurySession(reference="JURY-CNAM-2016-04-01", certification=cert, route=AccessRoute.VAE,
                              starts_at=datetime(2016, 4, 1, 9), ends_at=datetime(2016, 4, 1, 12), site="Paris", capacity=4)
        db.session.add(session)
        db.session.flush()
    audit(entity=Entity.JURY_SESSION, entity_id=session.id, event=Action.CONFIRM_SESSION, actor=coordinator, at=datetime(2016, 3, 2, 9))
    candidacy = make_candidacy(reference="CNAM-2016-00043")
    audit(entity=Entity.CANDIDACY, entity_id=candidacy.id, candidacy_id=candidacy.id, event=Action.UPDATE_APPLICATION,
          actor=candidacy.candidate, details={"fields": ["address", "birth_date"]}, at=datetime(2016, 3, 2, 10))
    db.session.flush()
    text = table(office.get("/admin/journal"))
    assert session.reference in text
    assert "adresse, date de naissance" in text and "birth_date" not in text
    export = office.get("/admin/journal.csv")
    assert export.headers["Content-Type"] == "text/csv; charset=utf-8" and session.reference in export.get_data(as_text=True)
