"""The candidate portal in the browser's terms: register, apply, declare experience,
upload a document, see the pre-check, submit, follow the file."""
from __future__ import annotations

import html
import io

import pytest
from sqlalchemy import select

from vae_app.auth.models import Role, User
from vae_app.candidacies.models import Candidacy, CandidacyState as S, Document

from tests.samples import PDF, PNG


@pytest.fixture
def candidate(make_user, login):
    user = make_user(Role.CANDIDATE)
    login(user)
    return user


def start_application(client) -> Candidacy:
    response = client.post("/candidatures/nouvelle", data={"offer": "RNCP5385|vae"})
    assert response.status_code == 302
    candidacy_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    from vae_app.extensions import db

    return db.session.get(Candidacy, candidacy_id)


def fill_identity(client, candidacy_id):
    return client.post(f"/candidatures/{candidacy_id}/demande", data={
        "birth_date": "1975-04-12", "birth_place": "Lyon", "nationality": "française",
        "address": "12 rue des Lilas, 75020 Paris", "phone": "06 12 34 56 78", "sworn_statement": "y",
    })


def add_experience(client, candidacy_id, start="2008-01-01", end="2015-12-31", **extra):
    data = {"status": "salaried", "job_title": "Directrice de centre social", "organisation": "Centre social Belleville",
            "start": start, "end_on": end, "related": "yes", **extra}
    return client.post(f"/candidatures/{candidacy_id}/experiences", data=data)


def test_a_visitor_registers_as_a_candidate(client, db):
    response = client.post("/inscription", data={"first_name": "Léa", "last_name": "Morel", "email": "Lea.Morel@exemple.fr",
                                                 "password": "un-long-secret", "password_confirm": "un-long-secret"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/candidatures/nouvelle")
    user = db.session.scalar(select(User).where(User.email == "lea.morel@exemple.fr"))
    assert user.role is Role.CANDIDATE and user.check_password("un-long-secret")


def test_registration_refuses_a_short_password_beside_its_field(client):
    response = client.post("/inscription", data={"first_name": "A", "last_name": "B", "email": "libre@exemple.fr",
                                                 "password": "court", "password_confirm": "court"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="password-error"' in page


def test_registration_refuses_a_taken_email(client, make_user):
    make_user(Role.CANDIDATE, email="pris@exemple.fr")
    response = client.post("/inscription", data={"first_name": "A", "last_name": "B", "email": "PRIS@exemple.fr",
                                                 "password": "assez-long-pour-passer", "password_confirm": "assez-long-pour-passer"})
    assert response.status_code == 409 and "un compte existe déjà" in response.get_data(as_text=True)


def test_only_certifications_open_today_are_offered(client, candidate, frozen_clock):
    page = client.get("/candidatures/nouvelle").get_data(as_text=True)
    assert "RNCP5385|vae" in page and "RNCP17992|vae" in page
    frozen_clock.set(frozen_clock.today().replace(year=2017, month=9, day=1))  # RNCP5385 ended 2017-08-22
    page = client.get("/candidatures/nouvelle").get_data(as_text=True)
    assert "RNCP5385|vae" not in page and "RNCP17992|vae" in page
    assert client.post("/candidatures/nouvelle", data={"offer": "RNCP5385|vae"}).status_code == 422


def test_the_candidate_goes_from_application_to_submission(client, candidate, db):
    candidacy = start_application(client)
    assert candidacy.state is S.DRAFT and candidacy.reference.startswith("VAE-2016-")
    page = client.get(f"/candidatures/{candidacy.id}").get_data(as_text=True)
    assert "Pré-contrôle" in page and "défavorable" in page  # no experience yet
    assert fill_identity(client, candidacy.id).status_code == 302
    assert add_experience(client, candidacy.id, "2013-01-01", "2014-06-30").status_code == 302
    assert add_experience(client, candidacy.id, "2014-07-01", "2015-12-31", status="volunteer").status_code == 302
    assert add_experience(client, candidacy.id, "2012-01-01", "2012-12-31", hours="800").status_code == 302
    page = client.get(f"/candidatures/{candidacy.id}").get_data(as_text=True)
    assert "favorable" in page and "Durée requise : 3 ans" in page
    upload = client.post(f"/candidatures/{candidacy.id}/documents",
                         data={"kind": "employer_certificate", "file": (io.BytesIO(PDF), "attestation employeur.pdf")},
                         content_type="multipart/form-data")
    assert upload.status_code == 302
    response = client.post(f"/candidatures/{candidacy.id}/actions/submit", data={"version": str(candidacy.version), "confirm": "y"})
    assert response.status_code == 302
    db.session.refresh(candidacy)
    assert candidacy.state is S.SUBMITTED and candidacy.received_on.isoformat() == "2016-03-01"
    page = client.get(f"/candidatures/{candidacy.id}").get_data(as_text=True)
    assert "Réponse du certificateur due le" in page and "1er mai 2016" in page
    assert "Déposer la demande" in page  # in the timeline
    # the application can no longer be edited
    assert add_experience(client, candidacy.id).status_code == 409


def test_experience_form_errors_name_the_field_and_save_nothing(client, candidate, db):
    candidacy = start_application(client)
    response = add_experience(client, candidacy.id, start="2015-01-01", end="2014-01-01")
    assert response.status_code == 422
    assert "La fin doit être postérieure au début." in response.get_data(as_text=True)
    response = add_experience(client, candidacy.id, start="pas une date")
    assert response.status_code == 422
    db.session.refresh(candidacy)
    assert candidacy.experiences == []


@pytest.fixture
def one_period(client, candidate, db):
    """A draft application with one experience period: (candidacy, period)."""
    candidacy = start_application(client)
    add_experience(client, candidacy.id)
    db.session.refresh(candidacy)
    return candidacy, candidacy.experiences[0]


def test_an_experience_period_can_be_edited(client, one_period, db):
    candidacy, row = one_period
    edit = client.post(f"/candidatures/{candidacy.id}/experiences/{row.id}", data={
        "status": "self_employed", "job_title": "Consultante", "organisation": "Indépendante", "start": "2009-01-01",
        "end_on": "", "related": "unsaid"})
    assert edit.status_code == 302
    db.session.refresh(row)
    assert row.job_title == "Consultante" and row.end_on is None and row.related is None


def test_an_experience_period_is_removed_after_confirmation(client, one_period, db):
    candidacy, row = one_period
    confirm_page = client.get(f"/candidatures/{candidacy.id}/experiences/{row.id}/supprimer")
    assert "Supprimer cette période d'expérience ?" in html.unescape(confirm_page.get_data(as_text=True))
    assert client.post(f"/candidatures/{candidacy.id}/experiences/{row.id}/supprimer").status_code == 302
    db.session.refresh(candidacy)
    assert candidacy.experiences == []


@pytest.mark.parametrize("name,content,message", [
    ("cv.docx", b"PK\x03\x04 word document", "seuls les PDF, JPEG et PNG"),
    ("photo.pdf", PNG, "ne correspond pas à son contenu"),
    ("page.pdf", b"%PDF-1.4 <html><script>alert(1)</script>", "contenu actif"),
    ("vide.pdf", b"", "Le fichier est vide"),
])
def test_uploads_are_checked_from_their_content(client, candidate, db, name, content, message):
    candidacy = start_application(client)
    response = client.post(f"/candidatures/{candidacy.id}/documents", data={"kind": "other", "file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(Document)).all() == []


def test_an_upload_over_10_mb_is_refused(client, candidate, db):
    candidacy = start_application(client)
    big = PDF + b"0" * (10 * 1024 * 1024)
    response = client.post(f"/candidatures/{candidacy.id}/documents", data={"kind": "other", "file": (io.BytesIO(big), "gros.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "Le fichier fait 10,1 Mo, 10 Mo au plus" in response.get_data(as_text=True)


def test_documents_are_served_only_to_those_allowed(client, candidate, db, make_user, login):
    candidacy = start_application(client)
    client.post(f"/candidatures/{candidacy.id}/documents", data={"kind": "identity", "file": (io.BytesIO(PDF), "../../etc/passwd.pdf")},
                content_type="multipart/form-data")
    document = db.session.scalars(select(Document)).one()
    assert document.original_name == "passwd.pdf" and len(document.stored_name) == 32
    url = f"/candidatures/{candidacy.id}/documents/{document.id}"
    own = client.get(url)
    assert own.status_code == 200 and own.data == PDF
    assert own.headers["Content-Type"] == "application/pdf" and "attachment" in own.headers["Content-Disposition"]
    assert own.headers["X-Content-Type-Options"] == "nosniff"
    client.post("/deconnexion")
    login(make_user(Role.CANDIDATE))
    assert client.get(url).status_code == 403
    client.post("/deconnexion")
    login(make_user(Role.COORDINATOR, certifier="askoria"))
    assert client.get(url).status_code == 403
    client.post("/deconnexion")
    login(make_user(Role.COORDINATOR, certifier="cnam"))
    assert client.get(url).status_code == 200


def test_submitting_an_incomplete_application_says_what_is_missing(client, candidate):
    candidacy = start_application(client)
    response = client.post(f"/candidatures/{candidacy.id}/actions/submit", data={"version": "1", "confirm": "y"})
    assert response.status_code == 409
    page = html.unescape(response.get_data(as_text=True))
    assert "Champ obligatoire non renseigné : date de naissance." in page
    assert "Déclarez au moins une période d'expérience." in page


def test_the_candidate_writes_the_validation_file_per_component(client, db, candidacy_in, login):
    candidacy = candidacy_in(S.VALIDATION_FILE)
    login(candidacy.candidate)
    response = client.post(f"/candidatures/{candidacy.id}/dossier/GESTION", data={"text": "Budget de 2 M€, trois financeurs."})
    assert response.status_code == 302
    db.session.refresh(candidacy)
    assert {s.component_code: s.text for s in candidacy.validation_sections}["GESTION"] == "Budget de 2 M€, trois financeurs."
    assert client.post(f"/candidatures/{candidacy.id}/dossier/CUISINE", data={"text": "x"}).status_code == 404


def test_the_candidate_sees_acquired_components_and_their_expiry(client, candidacy_in, login):
    candidacy = candidacy_in(S.PARTIALLY_VALIDATED)
    login(candidacy.candidate)
    page = client.get(f"/candidatures/{candidacy.id}").get_data(as_text=True)
    assert "Composantes acquises" in page and "12/06/2020" in page
    assert "Reste à obtenir" in page and "PILOTAGE" in page


def test_another_candidate_cannot_see_the_file(client, candidacy_in, make_user, login):
    candidacy = candidacy_in(S.SUBMITTED)
    login(make_user(Role.CANDIDATE))
    assert client.get(f"/candidatures/{candidacy.id}").status_code == 403
    assert client.get(f"/candidatures/{candidacy.id}/precontrole.json").status_code == 403
    assert client.get("/candidatures/999999").status_code == 404
