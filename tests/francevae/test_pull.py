"""Pull: France VAE's feasibility files become candidacies here, keyed by France VAE's id; a second pull changes
nothing; a change on either side since is applied or reported, never silently overwritten."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from vae_app.audit.models import AuditEvent
from vae_app.auth.models import Role
from vae_app.candidacies.models import Candidacy, CandidacyState as S
from vae_app.francevae.client import FranceVaeClient
from vae_app.francevae.contract import Contract
from vae_app.francevae.models import FranceVaePull
from vae_app.francevae.pull import pull

IDS = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"]


def candidature(n: int, rncp="40792"):
    return {"id": IDS[n], "certification": {"codeRncp": rncp, "nom": "BTS SIO"},
            "candidat": {"prenom": "Nina", "nom": f"Le Bris{n}", "email": f"nina{n}@exemple.fr", "dateNaissance": "1990-05-04",
                         "communeNaissance": "Brest", "nationalite": "Française", "telephone": "0612345678",
                         "adresse": {"rue": "3 rue de Siam", "codePostal": "29200", "ville": "Brest"}}}


@pytest.fixture
def remote(france_vae):
    """France VAE holding two feasibility files for the certifier (one of them for a certification it does not run)."""
    for n, rncp in ((0, "40792"), (1, "99999")):
        france_vae.simulator.add_file(candidature(n, rncp), {"dateEnvoi": "2026-02-16T09:30:00Z", "statut": "EN_ATTENTE", "experiences": [
            {"titre": "Technicienne réseau", "dateDemarrage": "2018-09-01", "duree": "PLUS_DE_CINQ_ANS"}]})
    return france_vae.simulator, france_vae.client


@pytest.fixture
def academic_certifier(certifiers, frozen_clock):
    frozen_clock.set(datetime(2026, 3, 2, 10))
    return certifiers["siren-110044013"]


def test_a_pull_creates_the_files_and_a_second_one_changes_nothing(db, remote, academic_certifier):
    fake, client = remote
    first = pull(academic_certifier.id, client)
    assert len(first.created) == 1 and first.skipped == [f"{IDS[1]} : certification RNCP99999 inconnue ou d'un autre certificateur"]
    candidacy = db.session.scalar(select(Candidacy).where(Candidacy.francevae_id == IDS[0]))
    assert candidacy.state is S.SUBMITTED and candidacy.received_on == date(2026, 2, 16)
    assert candidacy.birth_place == "Brest" and candidacy.address == "3 rue de Siam, 29200 Brest"
    assert candidacy.candidate.email == "nina0@exemple.fr" and candidacy.experiences == []  # no CERFA status invented
    assert candidacy.francevae_snapshot["dossier"]["experiences"][0]["titre"] == "Technicienne réseau"
    events = db.session.scalars(select(AuditEvent.id)).all()
    second = pull(academic_certifier.id, client)
    assert (second.created, second.updated, second.unchanged) == ([], [], [candidacy.reference])
    assert db.session.scalars(select(AuditEvent.id)).all() == events  # not one row written


def test_a_remote_change_is_applied_when_nothing_changed_here(db, remote, academic_certifier, frozen_clock):
    fake, client = remote
    pull(academic_certifier.id, client)
    fake.files[IDS[0]]["candidature"]["candidat"]["telephone"] = "0698765432"
    frozen_clock.set(datetime(2026, 3, 3, 10))
    report = pull(academic_certifier.id, client)
    candidacy = db.session.scalar(select(Candidacy).where(Candidacy.francevae_id == IDS[0]))
    assert report.updated == [candidacy.reference] and candidacy.phone == "0698765432"


def test_a_change_on_both_sides_is_reported_and_nothing_is_overwritten(db, remote, academic_certifier, frozen_clock):
    fake, client = remote
    pull(academic_certifier.id, client)
    candidacy = db.session.scalar(select(Candidacy).where(Candidacy.francevae_id == IDS[0]))
    frozen_clock.set(datetime(2026, 3, 3, 10))
    candidacy.phone, candidacy.updated_at = "0611111111", datetime(2026, 3, 3, 10)  # a coordinator corrected it here
    fake.files[IDS[0]]["candidature"]["candidat"]["telephone"] = "0698765432"
    frozen_clock.set(datetime(2026, 3, 4, 10))
    report = pull(academic_certifier.id, client)
    assert report.conflicts == [candidacy.reference] and candidacy.phone == "0611111111"
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.event == "francevae_conflict")).one()


def test_the_pull_command_says_the_feature_is_off_without_configuration(db, runner):
    result = runner.invoke(args=["francevae", "pull"])
    assert result.exit_code == 2 and "n'est pas configuré" in result.output


def test_a_pull_from_the_mock_server_skips_what_it_cannot_place(db, prism_url, contract_path, academic_certifier):
    client = FranceVaeClient(prism_url, "jeton", Contract.load(contract_path))
    report = pull(academic_certifier.id, client)  # random documents: certifications this certifier does not run
    assert report.created == [] or all(r.startswith("FVAE-") for r in report.created)


def test_each_pull_is_kept_for_the_coordinators_page(db, remote, academic_certifier, client, login, make_user):
    from tests.conftest import visible_text
    from vae_app.auth.models import Role
    from vae_app.francevae.pull import record_pull

    fake, france_vae = remote
    record_pull(academic_certifier.id, pull(academic_certifier.id, france_vae))
    record_pull(academic_certifier.id, None, "GET /v1/dossiersDeFaisabilite : France VAE injoignable (ConnectionError)")
    db.session.commit()
    login(make_user(Role.COORDINATOR, certifier="siren-110044013"))
    page = visible_text(client.get("/coordination/france-vae"))
    assert "Interrompue : GET /v1/dossiersDeFaisabilite : France VAE injoignable" in page
    assert "Dernières réceptions" in page
    assert f"{IDS[1]} : certification RNCP99999 inconnue ou d'un autre certificateur" in page  # which file was left aside, and why


@pytest.fixture
def configured_for(app, france_vae, contract_path, monkeypatch):
    """The app configured to talk to the simulated France VAE, with a token for the academic certifier."""
    monkeypatch.setitem(app.config, "VAE_FRANCEVAE_URL", france_vae.url)
    monkeypatch.setitem(app.config, "VAE_FRANCEVAE_TOKENS", {"siren-110044013": "jeton"})
    monkeypatch.setitem(app.config, "VAE_FRANCEVAE_CONTRACT", str(contract_path))
    return france_vae


def test_a_coordinator_pulls_now_from_the_page(db, remote, configured_for, academic_certifier, client, login, make_user):
    from tests.conftest import visible_text
    from vae_app.auth.models import Role

    login(make_user(Role.COORDINATOR, certifier="siren-110044013"))
    answer = client.post("/coordination/france-vae/synchroniser", follow_redirects=True)
    page = visible_text(answer)
    assert answer.status_code == 200 and "La synchronisation est terminée" in page
    assert db.session.scalar(select(Candidacy).where(Candidacy.francevae_id == IDS[0])) is not None
    pulled = db.session.scalars(select(FranceVaePull)).one()
    assert (pulled.certifier_id, pulled.created, pulled.skipped, pulled.error) == (academic_certifier.id, 1, 1, None)


def test_a_coordinator_without_a_token_is_told_so(db, configured_for, certifiers, client, login, make_user, app, monkeypatch):
    from vae_app.auth.models import Role

    login(make_user(Role.COORDINATOR, certifier="cnam"))
    answer = client.post("/coordination/france-vae/synchroniser", follow_redirects=True)
    assert "Aucun jeton France VAE" in answer.get_data(as_text=True)
    assert db.session.scalars(select(FranceVaePull)).all() == [] and configured_for.proxy.requests == {}


def test_with_redis_the_pull_is_an_rq_job_a_worker_runs(db, remote, configured_for, academic_certifier, client, login, make_user,
                                                        app, monkeypatch):
    """A real Redis (``$VAE_TEST_REDIS_URL``, by default the machine's) and an RQ worker in this process."""
    import os

    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown
    from rq import Queue, SimpleWorker

    from vae_app.auth.models import Role

    url = os.environ.get("VAE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    redis = Redis.from_url(url)
    try:
        redis.ping()
    except RedisDown:
        pytest.skip(f"no Redis at {url} (apt-get install redis-server)")
    queue = Queue("francevae", connection=redis)
    queue.empty()
    monkeypatch.setitem(app.config, "VAE_FRANCEVAE_INLINE", False)
    monkeypatch.setitem(app.config, "VAE_REDIS_URL", url)
    login(make_user(Role.COORDINATOR, certifier="siren-110044013"))
    answer = client.post("/coordination/france-vae/synchroniser", follow_redirects=True)
    assert "La synchronisation est lancée" in answer.get_data(as_text=True)
    assert [job.func_name for job in queue.jobs] == ["vae_app.francevae.jobs.pull_job"] and queue.jobs[0].args == (["siren-110044013"],)
    assert db.session.scalars(select(FranceVaePull)).all() == []  # nothing yet: the worker has not run
    SimpleWorker([queue], connection=redis).work(burst=True)
    assert db.session.scalars(select(FranceVaePull)).one().created == 1
    assert db.session.scalar(select(Candidacy).where(Candidacy.francevae_id == IDS[0])) is not None


def test_the_simulate_command_serves_a_france_vae_a_pull_can_read(db, academic_certifier, contract_path, tmp_path):
    """``flask francevae simulate``: a France VAE on localhost holding BTS SIO files, for trying the sync."""
    import os
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    from vae_app.francevae.client import FranceVaeClient
    from vae_app.francevae.contract import Contract

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("VAE_") or k == "VAE_SHARED_DIR"}
    env.update(FLASK_APP="wsgi.py", VAE_DATABASE_URL=f"sqlite:///{tmp_path / 'sim.sqlite3'}", VAE_TODAY="2026-03-02",
               VAE_INSTANCE_PATH=str(tmp_path / "instance"))
    flask = Path(sys.executable).parent / "flask"
    server = subprocess.Popen([str(flask), "francevae", "simulate", "--port", str(port), "--files", "3", "--token", "t"],
                              cwd=Path(__file__).resolve().parents[2], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        report = pull(academic_certifier.id, FranceVaeClient(f"http://127.0.0.1:{port}", "t", Contract.load(contract_path)))
        assert len(report.created) == 3 and report.skipped == []
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert f"VAE_FRANCEVAE_URL=http://127.0.0.1:{port}" in output


def test_a_file_that_cannot_be_kept_here_is_skipped_with_the_reason_and_the_others_land(db, france_vae, academic_certifier):
    long_name = "N" * 300  # France VAE allows 255 characters; a last name here holds 100
    france_vae.simulator.add_file(candidature(0), {"dateEnvoi": "2026-02-16T09:30:00Z", "statut": "EN_ATTENTE"})
    odd = candidature(1)
    odd["candidat"]["nom"] = long_name[:255]
    france_vae.simulator.add_file(odd, {"dateEnvoi": "2026-02-16T09:30:00Z", "statut": "EN_ATTENTE"})
    report = pull(academic_certifier.id, france_vae.client)
    assert len(report.created) == 1 and len(report.skipped) == 1
    assert report.skipped[0].startswith(f"{IDS[1]} : données refusées — last_name (100 caractères au plus")
    assert db.session.scalar(select(Candidacy).where(Candidacy.francevae_id == IDS[1])) is None


def test_a_candidacy_france_vae_describes_against_its_contract_is_skipped_not_the_pull(db, france_vae, academic_certifier):
    france_vae.simulator.add_file(candidature(0), {"dateEnvoi": "2026-02-16T09:30:00Z", "statut": "EN_ATTENTE"})
    odd = candidature(1)
    odd["candidat"]["dateNaissance"] = "1980-13-45"  # not a date
    france_vae.simulator.add_file(odd, {"dateEnvoi": "2026-02-16T09:30:00Z", "statut": "EN_ATTENTE"})
    report = pull(academic_certifier.id, france_vae.client)
    assert len(report.created) == 1
    assert report.skipped[0].startswith(f"{IDS[1]} : candidature décrite par France VAE hors de son contrat — data.candidat.dateNaissance")


def test_our_own_act_changing_france_vae_status_is_no_conflict(db, remote, academic_certifier, frozen_clock):
    """A decision here changes the file's status there: the next pull keeps it as read, and reports nothing."""
    fake, client = remote
    pull(academic_certifier.id, client)
    candidacy = db.session.scalar(select(Candidacy).where(Candidacy.francevae_id == IDS[0]))
    frozen_clock.set(datetime(2026, 3, 3, 10))
    candidacy.updated_at = datetime(2026, 3, 3, 10)  # a move here
    fake.files[IDS[0]]["dossier"]["statut"] = "RECEVABLE"  # France VAE's status follows our decision
    frozen_clock.set(datetime(2026, 3, 4, 10))
    report = pull(academic_certifier.id, client)
    assert report.conflicts == [] and report.updated == [candidacy.reference]
    assert candidacy.francevae_snapshot["dossier"]["statut"] == "RECEVABLE"
    assert pull(academic_certifier.id, client).unchanged == [candidacy.reference]


def test_a_conflict_is_reported_at_each_pull_but_written_to_the_history_once(db, remote, academic_certifier, frozen_clock):
    fake, client = remote
    pull(academic_certifier.id, client)
    candidacy = db.session.scalar(select(Candidacy).where(Candidacy.francevae_id == IDS[0]))
    candidacy.phone = "0611111111"
    fake.files[IDS[0]]["candidature"]["candidat"]["telephone"] = "0698765432"
    assert pull(academic_certifier.id, client).conflicts == [candidacy.reference]
    assert pull(academic_certifier.id, client).conflicts == [candidacy.reference]
    [row] = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "francevae_conflict")).all()
    assert row.details == {"fields": ["phone"], "france_vae": {"phone": "0698765432"}}


def test_a_file_is_not_attached_to_the_account_of_another_person_or_role(db, france_vae, academic_certifier, make_user):
    coordinator = make_user(Role.COORDINATOR, certifier="siren-110044013")
    odd = candidature(0)
    odd["candidat"]["email"] = coordinator.email.upper()
    france_vae.simulator.add_file(odd, {"dateEnvoi": "2026-02-16T09:30:00Z", "statut": "EN_ATTENTE"})
    report = pull(academic_certifier.id, france_vae.client)
    assert report.created == [] and "compte existant d'une autre personne ou d'un autre rôle" in report.skipped[0]


def test_names_from_france_vae_lose_their_controls_and_a_doubtful_address_is_not_taken(db, france_vae, academic_certifier):
    reversed_name = candidature(0)
    reversed_name["candidat"]["prenom"] = "\u202eNina\x07"
    reversed_name["candidat"]["communeNaissance"] = "Brest\u2066"
    france_vae.simulator.add_file(reversed_name, {"dateEnvoi": "2026-02-16T09:30:00Z", "statut": "EN_ATTENTE"})
    doubtful = candidature(1)
    doubtful["candidat"]["email"] = "nina1@exemple.fr\r\nBcc: x@exemple.fr"[:40]
    france_vae.simulator.add_file(doubtful, {"dateEnvoi": "2026-02-16T09:30:00Z", "statut": "EN_ATTENTE"})
    report = pull(academic_certifier.id, france_vae.client)
    candidacy = db.session.scalar(select(Candidacy).where(Candidacy.francevae_id == IDS[0]))
    assert candidacy.candidate.first_name == "Nina" and candidacy.birth_place == "Brest"
    assert report.skipped == [f"{IDS[1]} : candidat sans adresse électronique valide"]


@pytest.mark.parametrize("status", ["RECEVABLE", "IRRECEVABLE", "INCOMPLET", "ARCHIVE", "ABANDONNE"])
def test_a_file_already_dealt_with_on_france_vae_is_not_made_a_new_application(db, france_vae, academic_certifier, status):
    """Its decision is not copied here as if this certifier had taken it here (the record says only what happened)."""
    france_vae.simulator.add_file(candidature(0), {"dateEnvoi": "2024-02-16T09:30:00Z", "statut": status})
    report = pull(academic_certifier.id, france_vae.client)
    assert report.created == [] and report.skipped[0].startswith(f"{IDS[0]} : déjà traité sur France VAE (statut {status})")


def test_a_pulled_file_shows_what_france_vae_sent(db, remote, academic_certifier, client, login, make_user):
    from tests.conftest import visible_text

    fake, france_vae = remote
    fake.files[IDS[0]]["dossier"]["documents"] = [{"nom": "dossier-faisabilite.pdf", "url": "https://francevae.example/f/1"}]
    pull(academic_certifier.id, france_vae)
    db.session.commit()
    candidacy = db.session.scalar(select(Candidacy).where(Candidacy.francevae_id == IDS[0]))
    login(make_user(Role.COORDINATOR, certifier="siren-110044013"))
    page = visible_text(client.get(f"/candidatures/{candidacy.id}"))
    assert "Reçu de France VAE" in page and IDS[0] in page and "en attente de la réponse du certificateur" in page
    assert "Technicienne réseau — depuis le 01/09/2018 — plus de cinq ans" in page
    assert "dossier-faisabilite.pdf" in page and "faite sur France VAE, non recueillie ici" in page


def test_pulls_asked_again_within_the_minute_are_refused_with_the_reason(db, remote, configured_for, academic_certifier, client,
                                                                         login, make_user, limited):
    from tests.conftest import visible_text

    login(make_user(Role.COORDINATOR, certifier="siren-110044013"))
    codes = [client.post("/coordination/france-vae/synchroniser").status_code for _ in range(3)]
    refused = client.post("/coordination/france-vae/synchroniser", follow_redirects=True)
    assert codes == [302, 302, 302] and refused.request.path == "/coordination/france-vae"  # back on the page, told why
    assert "vient d'être demandée pour ce certificateur" in visible_text(refused)
    assert len(db.session.scalars(select(FranceVaePull)).all()) == 1
