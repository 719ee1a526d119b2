"""An oversized upload is answered on its form's file field, in the reader's language, with the file's real size and
the form's limit (« 12,1 Mo, 10 Mo au plus ») — never a bare 413 page in English. A body beyond the request limit is
still refused unread: an upload form's page comes back with the reason on its field; any other request gets a
translated page with a way back."""
from __future__ import annotations

import io

import pytest

from tests.conftest import page_text
from vae_app.auth.models import Role
from vae_app.candidacies.models import CandidacyState as S

from ..samples import PDF

MB = 1024 * 1024


@pytest.fixture
def draft(db, candidacy_in, login):
    candidacy = candidacy_in(S.DRAFT)
    db.session.commit()
    login(candidacy.candidate)
    return candidacy


def test_a_supporting_document_over_10_mb_is_refused_on_its_field_and_the_chosen_kind_is_kept(client, draft):
    response = client.post(f"/candidatures/{draft.id}/documents", content_type="multipart/form-data",
                           data={"kind": "payslip", "file": (io.BytesIO(PDF + b"0" * (12 * MB)), "bulletin.pdf")})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Le fichier fait 12,1 Mo, 10 Mo au plus" in page_text(response) and 'id="file-error"' in body
    assert '<option selected value="payslip">' in body


def test_the_pool_import_over_2_mb_is_refused_on_its_field(desk):
    big = b"nom;prenom;email\n" + b"x" * (3 * MB)
    response = desk.post("/jurys/membres/import", data={"file": (io.BytesIO(big), "vivier.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Le fichier fait 3,1 Mo, 2 Mo au plus" in page_text(response) and 'id="file-error"' in response.get_data(as_text=True)


def test_the_pool_import_over_the_request_limit_is_said_on_its_field_in_english_too(app, desk, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", MB)
    desk.get("/langue/en")
    response = desk.post("/jurys/membres/import", data={"file": (io.BytesIO(b"x" * (4 * MB)), "vivier.csv")},
                         content_type="multipart/form-data")
    assert response.status_code == 413
    assert "The file is 4.1 MB, 2 MB at most" in page_text(response) and 'id="file-error"' in response.get_data(as_text=True)


def test_a_supporting_document_over_the_request_limit_is_said_on_its_field(app, client, draft, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", MB)
    response = client.post(f"/candidatures/{draft.id}/documents", content_type="multipart/form-data",
                           data={"kind": "payslip", "file": (io.BytesIO(PDF + b"0" * (3 * MB)), "bulletin.pdf")})
    assert response.status_code == 413
    assert "Le fichier fait 3,1 Mo, 10 Mo au plus" in page_text(response) and 'id="file-error"' in response.get_data(as_text=True)


def test_a_body_beyond_the_limit_on_another_candidates_file_shows_nothing_of_it(app, client, draft, make_user, login, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", MB)
    client.post("/deconnexion")
    login(make_user(Role.CANDIDATE))
    response = client.post(f"/candidatures/{draft.id}/documents", content_type="multipart/form-data",
                           data={"kind": "payslip", "file": (io.BytesIO(b"0" * (2 * MB)), "bulletin.pdf")})
    assert response.status_code == 403 and draft.reference not in page_text(response)


def test_any_other_request_beyond_the_limit_gets_a_translated_page_with_a_way_back(app, client, draft, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", MB)
    client.get("/langue/en")
    response = client.post(f"/candidatures/{draft.id}/demande", data={"address": "x" * (2 * MB)},
                           headers={"Referer": f"http://localhost/candidatures/{draft.id}"})
    assert response.status_code == 413
    text = page_text(response)
    assert "The request sent is 2.1 MB, 1 MB at most" in text and "Request Entity Too Large" not in text
    assert f'href="http://localhost/candidatures/{draft.id}"' in response.get_data(as_text=True)


@pytest.mark.parametrize("size, upload, said", [
    (12 * MB + 1, True, "Le fichier fait 12,1 Mo, 10 Mo au plus"),
    (None, True, "Le fichier dépasse 10 Mo"),  # sent in chunks: its size is not known, the limit is
    (40 * MB, False, "La demande envoyée fait 40 Mo, 10 Mo au plus"),
    (None, False, "La demande envoyée dépasse 10 Mo"),
])
def test_a_refused_body_is_said_with_its_size_only_when_known(app, size, upload, said):
    from vae_app.web.errors import oversized, translated

    with app.test_request_context("/"):
        assert translated(oversized(size, 10 * MB, upload=upload)).startswith(said)
