"""The validation file's documents (livret 2): the candidate attaches PDFs to each component's part — the RNCP 5385
« mémoire » is 150 pages — with the checks of every upload; a document not yet filed can be taken back, a filed one
stays as filed; a part counts as written when it holds a text or a document; the coordinator and the jury members
who read the file see each component's documents under the component's name."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import page_text
from tests.juries.test_member_space import seated  # noqa: F401 - the fixture: a confirmed session hearing two candidates
from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role
from vae_app.candidacies.models import CandidacyState as S, Document, DocumentKind
from vae_app.candidacies.operations import fire
from vae_app.errors import MoveRefused

from ..samples import PDF, PNG

PILOTAGE = "PILOTAGE — Pilotage stratégique d'un organisme à vocation sociale ou culturelle"


def attach(client, candidacy, code: str, data: bytes, name: str = "memoire.pdf"):
    return client.post(f"/candidatures/{candidacy.id}/dossier/{code}/documents",
                       data={f"document-{code}-file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def part(response, code: str) -> str:
    """One component's part of the validation file on the candidacy page, as a person reads it."""
    body = response.get_data(as_text=True)
    start = body.index(f'id="composante-{code}"')
    return " ".join(body[start:body.index("</article>", start)].split())


def events(db, name: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.event == name).order_by(AuditEvent.id)).all()


@pytest.fixture
def writing(db, candidacy_in, login):
    """A candidate writing their validation file, signed in."""
    candidacy = candidacy_in(S.VALIDATION_FILE)
    db.session.commit()
    login(candidacy.candidate)
    return candidacy


def test_the_candidate_attaches_several_pdfs_to_a_components_part_each_audited(db, client, writing):
    assert attach(client, writing, "PILOTAGE", PDF, "mémoire 150 pages.pdf").status_code == 302
    assert attach(client, writing, "PILOTAGE", PDF, "annexes.pdf").status_code == 302
    assert attach(client, writing, "GESTION", PDF, "budget.pdf").status_code == 302
    db.session.refresh(writing)
    assert [d.original_name for d in writing.validation_documents("PILOTAGE")] == ["memoire 150 pages.pdf", "annexes.pdf"]
    assert all(d.kind is DocumentKind.VALIDATION_FILE and d.filed_on is None for d in writing.documents)
    assert writing.supporting_documents == []
    assert [(e.details["component"], e.actor_id) for e in events(db, "attach_validation_document")] == \
        [("PILOTAGE", writing.candidate_id), ("PILOTAGE", writing.candidate_id), ("GESTION", writing.candidate_id)]
    assert PILOTAGE in events(db, "attach_validation_document")[0].reason
    page = client.get(f"/candidatures/{writing.id}")
    pilotage = part(page, "PILOTAGE")
    assert "memoire 150 pages.pdf" in pilotage and "annexes.pdf" in pilotage and "budget.pdf" not in pilotage
    assert "Aucune pièce déposée." in page_text(page)  # the application's supporting documents are another list


@pytest.mark.parametrize("data, name, message", [
    (PNG, "scan.png", "seul le PDF est accepté ici"),
    (b"%PDF-1.4 <html><script>alert(1)</script>", "memoire.pdf", "contenu actif"),
    (PDF, "memoire.docx", "ne correspond pas à son contenu"),
])
def test_a_refused_file_is_said_on_its_own_components_field_and_nothing_is_kept(db, client, writing, data, name, message):
    response = attach(client, writing, "GESTION", data, name)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    error = body[body.index('id="document-GESTION-file-error"'):]
    assert message in error[:400]
    assert 'id="document-PILOTAGE-file-error"' not in body
    assert db.session.scalars(select(Document)).all() == [] and events(db, "attach_validation_document") == []


def test_an_oversized_file_is_refused_on_its_field_with_its_real_size(db, client, writing):
    response = attach(client, writing, "PILOTAGE", PDF + b"0" * (12 * 1024 * 1024))
    assert response.status_code == 422
    body = page_text(response)
    assert "Le fichier fait 12,1 Mo, 10 Mo au plus" in body
    assert 'id="document-PILOTAGE-file-error"' in response.get_data(as_text=True)
    assert db.session.scalars(select(Document)).all() == []


def test_an_oversized_file_is_said_in_english_to_an_english_reader(client, writing):
    client.get("/langue/en")
    response = attach(client, writing, "PILOTAGE", PDF + b"0" * (12 * 1024 * 1024))
    assert response.status_code == 422 and "The file is 12.1 MB, 10 MB at most" in page_text(response)


def test_a_body_beyond_the_request_limit_is_said_on_the_components_field(app, client, writing, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    response = attach(client, writing, "GESTION", PDF + b"0" * (2 * 1024 * 1024))
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "Le fichier fait 2,1 Mo, 10 Mo au plus" in page_text(response) and 'id="document-GESTION-file-error"' in body


def test_a_document_not_yet_filed_is_taken_back_after_confirmation_and_audited(db, client, writing):
    attach(client, writing, "PILOTAGE", PDF)
    document = db.session.scalars(select(Document)).one()
    url = f"/candidatures/{writing.id}/dossier/documents/{document.id}/supprimer"
    question = client.get(url)
    assert question.status_code == 200 and PILOTAGE in page_text(question)
    assert client.post(url, data={"confirm": "y"}).status_code == 302
    assert db.session.scalars(select(Document)).all() == []
    removed = events(db, "remove_validation_document")
    assert len(removed) == 1 and removed[0].details["component"] == "PILOTAGE" and "memoire.pdf" in removed[0].reason


def test_a_supporting_document_is_not_removed_from_the_validation_file(db, client, writing):
    from vae_app.candidacies.models import DocumentContent

    writing.documents.append(Document(kind=DocumentKind.IDENTITY, original_name="id.pdf", stored_name="e" * 32,
                                      content_type="application/pdf", size_bytes=len(PDF), sha256="0" * 64,
                                      uploaded_at=writing.created_at, content=DocumentContent(data=PDF)))
    db.session.commit()
    document = writing.documents[0]
    assert client.post(f"/candidatures/{writing.id}/dossier/documents/{document.id}/supprimer", data={"confirm": "y"}).status_code == 404
    assert len(writing.documents) == 1


def test_filed_documents_stay_as_filed_when_the_file_comes_back_to_the_candidate(db, client, writing, coordinator, frozen_clock):
    attach(client, writing, "PILOTAGE", PDF)
    db.session.refresh(writing)
    fire(writing, "submit_validation_file", writing.candidate)
    db.session.commit()
    document = writing.validation_documents("PILOTAGE")[0]
    assert document.filed_on == date(2016, 3, 1)
    assert client.get(f"/candidatures/{writing.id}/dossier/documents/{document.id}/supprimer").status_code == 409  # under assessment
    assert attach(client, writing, "PILOTAGE", PDF, "autre.pdf").status_code == 409  # the file is filed: nothing is added
    fire(writing, "return_validation_file", coordinator, reason="Les pages 12 à 20 du mémoire sont illisibles.")
    db.session.commit()
    refused = client.post(f"/candidatures/{writing.id}/dossier/documents/{document.id}/supprimer", data={"confirm": "y"})
    assert refused.status_code == 409 and "déposé avec le dossier de validation le 01/03/2016" in page_text(refused)
    assert attach(client, writing, "PILOTAGE", PDF, "memoire lisible.pdf").status_code == 302  # a new version joins it
    db.session.refresh(writing)
    assert [(d.original_name, d.filed_on) for d in writing.validation_documents("PILOTAGE")] == \
        [("memoire.pdf", date(2016, 3, 1)), ("memoire lisible.pdf", None)]
    assert "déposé avec le dossier le 01/03/2016" in part(client.get(f"/candidatures/{writing.id}"), "PILOTAGE")


def test_a_part_counts_as_written_with_a_text_or_a_document(db, writing):
    from vae_app.candidacies.documents import attach as attach_bytes

    for section in writing.validation_sections:
        if section.component_code == "PILOTAGE":
            section.text = "  "
    with pytest.raises(MoveRefused) as refused:
        fire(writing, "submit_validation_file", writing.candidate)
    assert PILOTAGE in refused.value.reasons[0] and "GESTION" not in refused.value.reasons[0]
    db.session.rollback()
    writing = db.session.merge(writing)
    for section in writing.validation_sections:
        if section.component_code == "PILOTAGE":
            section.text = ""
    attach_bytes(writing, writing.candidate, DocumentKind.VALIDATION_FILE, "memoire.pdf", PDF, max_count=40,
                 max_total_bytes=100 * 1024 * 1024, component_code="PILOTAGE")
    assert fire(writing, "submit_validation_file", writing.candidate) is S.UNDER_ASSESSMENT


def test_the_coordinator_sees_and_downloads_each_components_documents(db, client, writing, coordinator, login):
    attach(client, writing, "PILOTAGE", PDF)
    document = db.session.scalars(select(Document)).one()
    client.post("/deconnexion")
    login(coordinator)
    assert "memoire.pdf" in part(client.get(f"/candidatures/{writing.id}"), "PILOTAGE")
    got = client.get(f"/candidatures/{writing.id}/documents/{document.id}")
    assert got.status_code == 200 and got.data == PDF
    assert attach(client, writing, "PILOTAGE", PDF).status_code == 403  # only the candidate writes the file


def test_jury_members_of_the_session_read_the_filed_documents_named_by_component(db, client, login, seated, frozen_clock):
    from vae_app.candidacies.documents import attach as attach_bytes

    session, (first, _second), _member, account = seated
    filed = attach_bytes(first, first.candidate, DocumentKind.VALIDATION_FILE, "memoire.pdf", PDF, max_count=40,
                         max_total_bytes=100 * 1024 * 1024, component_code="PILOTAGE")
    filed.filed_on = date(2015, 12, 1)
    unfiled = attach_bytes(first, first.candidate, DocumentKind.VALIDATION_FILE, "brouillon.pdf", PDF, max_count=40,
                           max_total_bytes=100 * 1024 * 1024, component_code="PILOTAGE")
    db.session.commit()
    login(account)
    page = page_text(client.get(f"/jurys/sessions/{session.id}/dossiers/{first.id}"))
    assert f"Documents joints à « {PILOTAGE} »" in page and "memoire.pdf" in page and "brouillon.pdf" not in page
    got = client.get(f"/jurys/sessions/{session.id}/dossiers/{first.id}/pieces/{filed.id}")
    assert got.status_code == 200 and got.data == PDF
    assert f"dossier de validation, {PILOTAGE} : « memoire.pdf »" in events(db, "read_by_jury")[-1].reason
    assert client.get(f"/jurys/sessions/{session.id}/dossiers/{first.id}/pieces/{unfiled.id}").status_code == 404


def test_a_jury_member_not_on_the_session_cannot_read_the_documents(db, client, login, seated, make_user, frozen_clock):
    from vae_app.candidacies.documents import attach as attach_bytes

    session, (first, _second), _member, _account = seated
    filed = attach_bytes(first, first.candidate, DocumentKind.VALIDATION_FILE, "memoire.pdf", PDF, max_count=40,
                         max_total_bytes=100 * 1024 * 1024, component_code="PILOTAGE")
    filed.filed_on = date(2015, 12, 1)
    db.session.commit()
    login(make_user(Role.JURY_MEMBER))
    assert client.get(f"/jurys/sessions/{session.id}/dossiers/{first.id}/pieces/{filed.id}").status_code == 404
    assert events(db, "read_by_jury") == []
