"""The France VAE client against a mock server generated from the published contract (Prism): every operation a
certifier uses, requests and responses checked against the contract, pages followed, the token kept secret, and
the feature off without configuration."""
from __future__ import annotations

import logging

import pytest

from vae_app.francevae.client import FranceVaeClient, FranceVaeError
from .conftest import Answer
from vae_app.francevae.contract import Contract, ContractMismatch
from vae_app.francevae.settings import OFF, client_for

ID = "123e4567-e89b-12d3-a456-426614174000"
TOKEN = "jeton-secret-du-certificateur"


@pytest.fixture
def client(prism_url, contract_path):
    return FranceVaeClient(prism_url, TOKEN, Contract.load(contract_path))


def test_every_read_a_certifier_makes_follows_the_contract(client):
    assert client.candidacy(ID)
    assert client.feasibility_file(ID) and client.feasibility_decisions(ID)
    assert client.validation_file(ID) and client.validation_decisions(ID)
    assert client.jury_information(ID) and client.jury_session(ID) and client.jury_result(ID)


def test_lists_from_the_mock_are_read_to_their_end(client):
    for listing in (client.feasibility_files(), client.validation_files(), client.jury_informations()):
        assert isinstance(list(listing), list)  # each page checked against the contract on the way


class Pages:
    """A France VAE that holds five feasibility files and serves them two at a time, recording what it is asked."""

    def __init__(self, total=5):
        self.asked, self.total = [], total

    def request(self, method, url, params=None, **kwargs):
        self.asked.append((params["decalage"], params["limite"]))
        start, size = params["decalage"], params["limite"]
        items = [{"candidatureId": f"00000000-0000-4000-8000-00000000000{n}"} for n in range(start, min(start + size, self.total))]
        body = {"data": items, "info": {"totalElements": self.total, "totalPages": -(-self.total // size), "pageCourante": start // size + 1}}
        return Answer(200, body)


def test_lists_are_read_page_by_page_up_to_the_total(contract_path):
    remote = Pages()
    client = FranceVaeClient("https://francevae.example", TOKEN, Contract.load(contract_path), session=remote)
    read = [f["candidatureId"][-1] for f in client.pages("/v1/dossiersDeFaisabilite", page_size=2)]
    assert read == [str(n) for n in range(5)]
    assert remote.asked == [(0, 2), (2, 2), (4, 2)]


def test_decisions_sessions_and_results_are_sent_as_the_contract_says(client):
    assert client.create_feasibility_decision(ID, "RECEVABLE", "Dossier complet.", ("decision.pdf", b"%PDF-1.4 test"))
    assert client.create_validation_decision(ID, "SIGNALE", "Une pièce manque.")
    assert client.put_jury_session(ID, {"date": "2026-12-20", "heure": "09:00:00+01:00", "adresseSession": "Rectorat, Rennes"})
    assert client.put_jury_result(ID, "SUCCES_TOTAL_CERTIFICATION_COMPLETE")


@pytest.mark.parametrize("call, words", [
    (lambda c: c.put_jury_result(ID, "REUSSI"), "resultat"),
    (lambda c: c.create_validation_decision(ID, "INCOMPLET"), "decision"),
    (lambda c: c.put_jury_session(ID, {"date": 20261220}), "date"),
    (lambda c: c.put_jury_session(ID, {"heure": "9h"}), "heure"),
    (lambda c: c.jury_result("../admin"), "identifiant invalide"),
])
def test_a_request_that_breaks_the_contract_is_never_sent(client, call, words):
    with pytest.raises(ContractMismatch) as mismatch:
        call(client)
    assert words in str(mismatch.value)


def test_a_response_that_breaks_the_contract_is_an_error_naming_the_field(contract_path):
    class Session:
        def request(self, *args, **kwargs):
            return Answer(200, {"resultat": "PEUT-ETRE"})

    client = FranceVaeClient("https://francevae.example", TOKEN, Contract.load(contract_path), session=Session())
    with pytest.raises(ContractMismatch) as mismatch:
        client.jury_result(ID)
    assert "réponse non conforme" in str(mismatch.value) and "resultat" in str(mismatch.value)


def test_an_unreachable_france_vae_is_said_so(contract_path):
    client = FranceVaeClient("http://127.0.0.1:9", TOKEN, Contract.load(contract_path), timeout=2)
    with pytest.raises(FranceVaeError) as error:
        client.candidacy(ID)
    assert "injoignable" in str(error.value) and TOKEN not in str(error.value)


def test_the_token_is_never_shown_nor_logged(client, caplog):
    caplog.set_level(logging.DEBUG)
    client.candidacy(ID)
    assert TOKEN not in repr(client) and TOKEN not in caplog.text


def test_without_configuration_the_feature_is_off(app, monkeypatch, contract_path):
    from vae_app.francevae.client import FranceVaeOff

    with app.app_context():
        with pytest.raises(FranceVaeOff) as off:
            client_for("cnam")
        assert str(off.value) == OFF
        monkeypatch.setitem(app.config, "VAE_FRANCEVAE_URL", "https://francevae.example")
        monkeypatch.setitem(app.config, "VAE_FRANCEVAE_CONTRACT", str(contract_path))
        monkeypatch.setitem(app.config, "VAE_FRANCEVAE_TOKENS", {"cnam": TOKEN})
        assert "askoria" in str(pytest.raises(FranceVaeOff, client_for, "askoria").value)
        assert client_for("cnam").base_url == "https://francevae.example"


@pytest.mark.parametrize("content", ["root:x:0:0:root:/root:/bin/bash\n", "", "a: [unclosed\n"])
def test_a_contract_that_is_no_openapi_document_is_said_never_a_traceback(app, db, certifiers, tmp_path, monkeypatch, runner,
                                                                          content):
    broken = tmp_path / "contract.yaml"
    broken.write_text(content)
    monkeypatch.setitem(app.config, "VAE_FRANCEVAE_URL", "http://127.0.0.1:9")
    monkeypatch.setitem(app.config, "VAE_FRANCEVAE_TOKENS", {"siren-110044013": "jeton"})
    monkeypatch.setitem(app.config, "VAE_FRANCEVAE_CONTRACT", str(broken))
    result = runner.invoke(args=["francevae", "pull", "--certifier", "siren-110044013"])
    assert result.exit_code == 2 and "n'est pas un document OpenAPI lisible" in result.output
    assert isinstance(result.exception, SystemExit)  # said, never a traceback
