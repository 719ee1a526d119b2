"""The statistics page, the lists behind its figures, its exports and ``flask stats``: as a coordinator sees them."""
from __future__ import annotations

import io
import json
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from vae_app.auth.models import Role
from vae_app.candidacies.models import CandidacyState as S
from vae_app.mail.delivery import _record
from vae_app.mail.models import MessageKind, OutboxMessage
from vae_app.statistics.models import StatFact
from vae_app.statistics.facts import FactKind

from ..conftest import page_text
from . import dataset

pytest_plugins = ["tests.workflow_fixtures"]


@pytest.fixture
def stories(db, frozen_clock, make_candidacy):
    return dataset.write(db, frozen_clock, make_candidacy)


@pytest.fixture
def as_coordinator(client, login, coordinator, stories):
    login(coordinator)
    return client


def test_the_page_shows_each_figure_with_a_link_to_its_files_the_charts_and_the_definitions(as_coordinator):
    response = as_coordinator.get("/statistiques?de=2014&a=2016")
    assert response.status_code == 200
    text = page_text(response)
    for words in ("Demandes reçues", "Jurys tenus", "Taux de réussite", "Délai jury → décision notifiée", "Définitions",
                  "Composantes expirées sans avoir servi", "Dossiers en cours en fin d'année", "Données du graphique"):
        assert words in text, words
    html = response.get_data(as_text=True)
    assert html.count("<svg") == 5 and 'role="img"' in html
    assert "/statistiques/dossiers?" in html and "chiffre=received" in html
    assert "50 %" in text  # the 2014 success rate, the French way
    assert "38,5" in text  # a median the French way


def test_the_list_behind_a_figure_holds_its_files(as_coordinator, stories):
    response = as_coordinator.get("/statistiques/dossiers?certification=RNCP5385&chiffre=received&annee=2014&de=2014&a=2016")
    text = page_text(response)
    assert response.status_code == 200 and "4 dossiers comptés" in text
    assert all(stories[name].reference in text for name in ("F1", "F2", "F3", "F9"))
    sessions = page_text(as_coordinator.get("/statistiques/dossiers?certification=RNCP5385&chiffre=juries&annee=2015"))
    assert "2 sessions" in sessions and "S-B" in sessions and "S-C" in sessions
    delays = page_text(as_coordinator.get("/statistiques/dossiers?certification=RNCP5385&chiffre=delay_jury&annee=2015"))
    assert "196" in delays and "161" in delays


def test_the_list_behind_a_figure_exports_every_row_with_dates_as_dates(as_coordinator, stories):
    url = "/statistiques/dossiers.xlsx?certification=RNCP5385&chiffre=delay_jury&annee=2015"
    rows = list(load_workbook(io.BytesIO(as_coordinator.get(url).data)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Dossier", "Candidat", "Jury du", "Délai (jours)")
    assert sorted(r[3] for r in rows[1:]) == [161, 196] and all(isinstance(r[2], datetime) for r in rows[1:])
    text = as_coordinator.get(url.replace(".xlsx", ".csv")).data.decode("utf-8-sig")
    assert "15/06/2015" in text and "16/11/2015" in text
    sessions = as_coordinator.get("/statistiques/dossiers.csv?certification=RNCP5385&chiffre=juries&annee=2015").data.decode("utf-8-sig")
    assert "S-B" in sessions and "S-C" in sessions


def test_as_known_on_a_past_day_is_said_on_the_page_and_in_the_list(as_coordinator, stories):
    text = page_text(as_coordinator.get("/statistiques?de=2015&a=2015&au=31/12/2015"))
    assert "selon le journal au 31 décembre 2015" in text
    listed = page_text(as_coordinator.get("/statistiques/dossiers?certification=RNCP5385&chiffre=admissible&annee=2015&au=2015-12-31"))
    assert "1 dossier compté" in listed
    assert stories["F7"].reference not in listed


@pytest.mark.parametrize("query, words", [
    ("de=abcd", "De (année)"), ("a=2031", "À (année)"), ("au=31/02/2016", "Selon le journal au"),
    ("au=02/03/2016", "Selon le journal au"), ("de=2016&a=2014", "De (année)"),
])
def test_a_period_that_cannot_be_read_is_said_on_its_field_with_400(as_coordinator, query, words):
    """The error summary names the field and links to it; the page keeps what was typed."""
    response = as_coordinator.get(f"/statistiques?{query}")
    assert response.status_code == 400
    assert words in page_text(response) and "error-summary" in response.get_data(as_text=True)
    assert 'href="#field-' in response.get_data(as_text=True)


def test_the_period_s_messages_are_in_english_in_english_mode(as_coordinator):
    as_coordinator.get("/langue/en")
    text = page_text(as_coordinator.get("/statistiques?de=abcd&au=31/02/2015"))
    assert "four digits" in text and "is not a possible date" in text and "année" not in text


@pytest.mark.parametrize("url", [
    "/statistiques?de=2014%00", "/statistiques/dossiers?chiffre=nothing&annee=2015", "/statistiques/dossiers?chiffre=received&annee=1999",
    "/statistiques/dossiers?chiffre=received&annee=99999999999999999999",
    "/statistiques/dossiers?chiffre=open&annee=2015&precision=certified", "/statistiques/dossiers?chiffre=holders&annee=2015&precision=nope",
    "/statistiques/dossiers?chiffre=full&annee=2015&precision=PILOTAGE", "/statistiques/dossiers?chiffre=open&annee=2015&precision=%3Cb%3E",
    "/statistiques.json?de=x",
])
def test_bad_input_is_refused_with_a_4xx_never_a_500(as_coordinator, url):
    assert 400 <= as_coordinator.get(url).status_code < 500


def test_a_coordinator_sees_only_their_certifier_s_certifications(client, login, other_coordinator, stories):
    login(other_coordinator)
    assert client.get("/statistiques?certification=RNCP5385").status_code == 404
    assert client.get("/statistiques/dossiers?certification=RNCP5385&chiffre=received&annee=2015").status_code == 404
    page = client.get("/statistiques")
    assert page.status_code == 200 and "RNCP17992" in page_text(page) and "RNCP5385" not in page_text(page)
    body = json.loads(client.get("/statistiques.json?certification=toutes").data)
    assert [c["certification"] for c in body["certifications"]] == ["RNCP17992"]


def test_the_xlsx_export_has_typed_cells_and_a_sheet_of_definitions(as_coordinator):
    response = as_coordinator.get("/statistiques.xlsx?certification=RNCP5385&de=2014&a=2015")
    assert response.status_code == 200 and "statistiques-RNCP5385-2014-2015" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Chiffres", "Définitions"]
    rows = list(workbook["Chiffres"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Certification", "Année", "Chiffre", "Précision", "Valeur")
    received = next(r for r in rows if r[1] == 2014 and r[2] == "Demandes reçues")
    assert received[4] == 4 and isinstance(received[4], int) and isinstance(received[8], datetime)
    assert received[8].date() == date(2016, 3, 1)
    rate = next(r for r in rows if r[1] == 2014 and r[2].startswith("Taux de réussite"))
    assert rate[4] == 0.5
    delay = next(r for r in rows if r[1] == 2014 and r[2].startswith("Délai réception"))
    assert (delay[5], delay[6], delay[7]) == (38.5, 42, 4)
    definitions = list(workbook["Définitions"].iter_rows(values_only=True))
    assert len(definitions) > 15 and all(row[1] for row in definitions[1:])


def test_the_csv_export_is_french_and_the_json_one_complete(as_coordinator):
    text = as_coordinator.get("/statistiques.csv?certification=RNCP5385&de=2014&a=2015").data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Certification;Année;Chiffre")
    assert "RNCP5385;2014;Demandes reçues;;4;;;;01/03/2016" in text
    assert ";38,5;42;4;" in text
    body = json.loads(as_coordinator.get("/statistiques.json?certification=RNCP5385&de=2014&a=2015").data)
    figures = {(f["key"], f["detail"]): f["values"] for f in body["certifications"][0]["figures"]}
    assert figures[("received", None)] == {"2014": 4, "2015": 4}
    assert figures[("delay_eligibility", None)]["2014"] == {"n": 4, "median_days": 38.5, "p90_days": 42}
    assert set(body["definitions"]) >= {"received", "success_rate", "open"}


def test_flask_stats_writes_the_figures_of_one_or_every_certification(runner, stories, tmp_path):
    result = runner.invoke(args=["stats", "RNCP5385", "--from", "2014", "--to", "2015", "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["certifications"][0]["figures"][0]["values"] == {"2014": 4, "2015": 4}
    out = tmp_path / "all.xlsx"
    result = runner.invoke(args=["stats", "all", "--from", "2014", "--to", "2015", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    certifications = {row[0] for row in load_workbook(out)["Chiffres"].iter_rows(min_row=2, values_only=True)}
    assert {"RNCP5385", "RNCP17992"} <= certifications


@pytest.mark.parametrize("args, words", [
    (["stats", "RNCP0000"], "CERTIFICATION"), (["stats", "RNCP5385", "--from", "20x4"], "--from"),
    (["stats", "RNCP5385", "--as-of", "2016-03-02"], "--as-of"), (["stats", "RNCP5385", "--to", "2031"], "--to"),
])
def test_flask_stats_refuses_what_it_cannot_read_with_exit_2(runner, stories, args, words):
    result = runner.invoke(args=args)
    assert result.exit_code == 2 and words in result.output


def test_a_move_fired_through_the_workflow_is_counted_at_once(db, candidacy_in, coordinator, frozen_clock):
    from vae_app.candidacies.operations import fire

    candidacy = candidacy_in(S.SUBMITTED, received_on=date(2016, 1, 4))
    fire(candidacy, "declare_eligible", coordinator, reason="Expérience suffisante, pièces complètes, avis favorable.")
    facts = db.session.execute(StatFact.__table__.select().where(StatFact.candidacy_id == candidacy.id,
                                                                  StatFact.kind == FactKind.ADMISSIBLE)).all()
    assert [(f.day, f.known_from) for f in facts] == [(date(2016, 3, 1), datetime(2016, 3, 1, 9))]


def test_a_decision_delivered_to_the_candidate_is_recorded_as_notified(db, stories, frozen_clock):
    candidacy = stories["F4"]  # refused on 16/11/2015, never notified
    message = OutboxMessage(to_email=candidacy.candidate.email, recipient_id=candidacy.candidate_id, candidacy_id=candidacy.id,
                            subject="Décision du jury", body="…", kind=MessageKind.JURY_DECISION, created_at=datetime(2016, 3, 1),
                            next_attempt_at=datetime(2016, 3, 1))
    db.session.add(message)
    db.session.flush()
    _record(message.id, "sent", None)
    db.session.flush()
    rows = db.session.execute(StatFact.__table__.select().where(StatFact.candidacy_id == candidacy.id,
                                                                 StatFact.kind == FactKind.NOTIFIED)).all()
    assert len(rows) == 1 and rows[0].days == (date(2016, 3, 1) - date(2015, 11, 16)).days
