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
from vae_app.mail.models import OutboxMessage


def test_export_gives_every_row_and_file_of_a_candidate(runner, candidacy_in, db, tmp_path):
    candidacy = candidacy_in(S.PARTIALLY_VALIDATED)
    candidacy.documents.append(Document(kind=DocumentKind.IDENTITY, original_name="id.pdf", stored_name="b" * 32,
                                        content_type="application/pdf", size_bytes=9, sha256="0" * 64,
                                        uploaded_at=datetime(2015, 1, 1), content=DocumentContent(data=b"%PDF-1.4x")))
    db.session.add(OutboxMessage(to_email=candidacy.candidate.email, subject="Rappel", body="Corps", kind="expiry_reminder",
                                 created_at=datetime(2016, 1, 1), next_attempt_at=datetime(2016, 1, 1)))
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


def test_no_one_can_register_the_address_an_anonymised_account_gets(client, db):
    for address in ("anonyme-18@anonyme.invalid", "x@anonyme.invalid"):
        response = client.post("/api/v1/auth/register", json={"email": address, "password": "un mot de passe solide",
                                                              "first_name": "Ana", "last_name": "Nyme"})
        assert response.status_code == 422 and "email" in response.get_json()["errors"]


def test_anonymised_addresses_cannot_be_guessed(runner, candidacy_in, db, frozen_clock):
    old = [candidacy_in(S.REFUSED) for _ in range(2)]
    for c in old:
        c.updated_at = datetime(2010, 1, 1)
    db.session.flush()
    assert runner.invoke(args=["privacy", "purge", "--older-than", "5"]).exit_code == 0
    db.session.expire_all()
    addresses = [db.session.get(User, c.candidate_id).email for c in old]
    assert all(a != f"anonyme-{c.candidate_id}@anonyme.invalid" for c, a in zip(old, addresses)) and len(set(addresses)) == 2
    assert all(len(a.split("@")[0].removeprefix("anonyme-")) >= 24 for a in addresses)  # 96 random bits


def test_one_person_s_failure_does_not_stop_the_purge_of_the_others(runner, candidacy_in, db, frozen_clock, monkeypatch):
    from vae_app.auth import privacy

    old = [candidacy_in(S.REFUSED) for _ in range(3)]
    for c in old:
        c.updated_at = datetime(2010, 1, 1)
    db.session.flush()
    failing = old[1].candidate_id
    real = privacy._anonymise_account

    def fragile(user):
        if user.id == failing:  # what a duplicate address did to the whole purge before
            from sqlalchemy.exc import IntegrityError

            user.email = "changed@exemple.fr"
            db.session.flush()
            raise IntegrityError("UPDATE users", {}, Exception("UNIQUE constraint failed: users.email"))
        real(user)

    monkeypatch.setattr(privacy, "_anonymise_account", fragile)
    result = runner.invoke(args=["privacy", "purge", "--older-than", "5"])
    assert result.exit_code == 1 and f"compte n° {failing}" in result.output
    db.session.expire_all()
    emails = {c.candidate_id: db.session.get(User, c.candidate_id).email for c in old}
    assert emails[old[0].candidate_id].endswith("@anonyme.invalid") and emails[old[2].candidate_id].endswith("@anonyme.invalid")
    assert not emails[failing].endswith("@anonyme.invalid")
    assert all(db.session.get(Candidacy, c.id).anonymised_on for c in old)  # every file was anonymised


def test_the_purge_removes_every_copy_of_the_person(runner, candidacy_in, db, frozen_clock, make_member, other_coordinator, coordinator):
    from vae_app.juries import operations as jury_ops
    from vae_app.juries.models import TieKind

    old = candidacy_in(S.REFUSED)
    old.updated_at = datetime(2010, 1, 1)
    name = old.candidate.full_name
    member = make_member("cnam", ("cnam_teacher",))
    jury_ops.add_tie(coordinator, member, old.candidate, TieKind.PERSONAL, note="voisine")
    db.session.add(OutboxMessage(to_email="coordination@exemple.fr", subject="Rappels", kind="expiry_digest", created_at=datetime(2015, 1, 1),
                                 next_attempt_at=datetime(2015, 1, 1),
                                 body=f"- {old.reference} ({name}) : GESTION expire bientôt\n- VAE-2015-0002 (Autre Personne) : PROJETS"))
    db.session.flush()
    assert runner.invoke(args=["privacy", "purge", "--older-than", "5"]).exit_code == 0
    db.session.expire_all()
    digest = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "expiry_digest"))
    assert name not in digest.body and "Autre Personne" in digest.body
    tie_rows = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "jury_member", AuditEvent.event == "add_tie")).all()
    assert tie_rows and all(name not in (r.reason or "") for r in tie_rows)


def test_a_database_error_prints_no_value_of_its_statement(db):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from vae_app.auth.models import Role

    secret = "hash-que-personne-ne-doit-lire"
    db.session.add(User(email=None, first_name="X", last_name="Y", role=Role.CANDIDATE, created_at=datetime(2016, 1, 1),
                        password_hash=secret))
    from vae_app.web.errors import loggable

    with pytest.raises(IntegrityError) as error:
        db.session.flush()
    db.session.rollback()
    logged = loggable(error.value)
    assert secret not in logged and "INSERT INTO users" in logged and "Traceback" in logged
