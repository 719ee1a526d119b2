"""Personal data: the candidate's export, and the purge of finished files past the retention."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime

from sqlalchemy import func, select

from vae_app.audit.models import AuditEvent
from vae_app.auth.models import User
from vae_app.candidacies.models import Candidacy, CandidacyState as S, Document, DocumentContent, DocumentKind
from vae_app.components.models import OutboxMessage


def test_export_gives_every_row_and_file_of_a_candidate(runner, candidacy_in, db, tmp_path):
    candidacy = candidacy_in(S.PARTIALLY_VALIDATED)
    candidacy.documents.append(Document(kind=DocumentKind.IDENTITY, original_name="id.pdf", stored_name="b" * 32,
                                        content_type="application/pdf", size_bytes=9, sha256="0" * 64,
                                        uploaded_at=datetime(2015, 1, 1), content=DocumentContent(data=b"%PDF-1.4x")))
    db.session.add(OutboxMessage(to_email=candidacy.candidate.email, subject="Rappel", body="Corps", kind="x",
                                 created_at=datetime(2016, 1, 1)))
    db.session.flush()
    out = tmp_path / "export.zip"
    result = runner.invoke(args=["privacy", "export", candidacy.candidate.email, "--out", str(out)])
    assert result.exit_code == 0, result.output
    archive = zipfile.ZipFile(io.BytesIO(out.read_bytes()))
    data = json.loads(archive.read("data.json"))
    item = data["candidacies"][0]
    assert data["account"]["email"] == candidacy.candidate.email
    assert item["address"] == "12 rue des Lilas, 75020 Paris" and item["experiences"][0]["organisation"] == "Centre social Belleville"
    assert item["acquired_components"][0]["component_code"] == "GESTION"
    assert archive.read(item["documents"][0]["file"]) == b"%PDF-1.4x"
    assert data["emails"][0]["subject"] == "Rappel"
    assert runner.invoke(args=["privacy", "export", "personne@nulle.part"]).exit_code == 2


def test_purge_anonymises_old_finished_files_and_keeps_the_statistics(runner, candidacy_in, db, frozen_clock):
    old = candidacy_in(S.REFUSED)
    old.updated_at = datetime(2010, 1, 1)
    recent = candidacy_in(S.REFUSED)
    active = candidacy_in(S.SUBMITTED)
    active.updated_at = datetime(2009, 1, 1)
    db.session.add(AuditEvent(at=datetime(2010, 1, 1), entity="candidacy", entity_id=old.id, candidacy_id=old.id, event="record_decision",
                              from_state="jury_scheduled", to_state="refused", reason="Motif nominatif"))
    db.session.flush()
    email = old.candidate.email
    dry = runner.invoke(args=["privacy", "purge", "--older-than", "5", "--dry-run"])
    assert old.reference in dry.output and recent.reference not in dry.output and active.reference not in dry.output
    result = runner.invoke(args=["privacy", "purge", "--older-than", "5"])
    assert "1 dossier(s), 1 compte(s) anonymisé(s)" in result.output
    db.session.expire_all()
    purged = db.session.get(Candidacy, old.id)
    assert purged.address is None and purged.birth_date is None and purged.anonymised_on == date(2016, 3, 1)
    assert purged.state is S.REFUSED and purged.decided_on is not None  # the statistics stay
    assert purged.experiences[0].organisation == "—" and purged.experiences[0].start == date(2008, 1, 1)
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.candidacy_id == old.id)).all()
    assert {r.event for r in rows} >= {"record_decision", "privacy_purge"} and all(r.reason is None or "anonymisé" in r.reason for r in rows)
    user = db.session.get(User, purged.candidate_id)
    assert user.email.endswith("@anonyme.invalid") and not user.is_active and user.email != email
    assert db.session.get(Candidacy, recent.id).address is not None
    assert "0 dossier(s)" in runner.invoke(args=["privacy", "purge", "--older-than", "5"]).output
    assert db.session.scalar(select(func.count(Candidacy.id))) == 3
