"""``flask rules show``: a certification as it stood on a day."""
from __future__ import annotations

import json

from click.testing import CliRunner

from vae_app.certifications.cli import rules_cli


def show(*args):
    return CliRunner().invoke(rules_cli, ["show", *args])


def test_show_rncp5385_in_2015_as_json():
    result = show("RNCP5385", "--on", "2015-06-01", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["title"] == "Manager d'organismes à vocation sociale et culturelle"
    assert body["certifier"]["name"].startswith("Conservatoire national des arts et métiers")
    assert body["registered"] is True and body["registration"]["to"] == "2017-08-22"
    vae = next(r for r in body["routes"] if r["route"] == "vae")
    assert vae["open"] is True and vae["jury"]["size"] == {"exact": 7}
    assert [s["count"] for s in vae["jury"]["seats"]] == [1, 4, 2]
    assert [c["code"] for c in body["components"]] == ["PILOTAGE", "GESTION", "COORDINATION", "PROJETS"]
    validity = body["component_validity"]
    assert validity["certification_years"] == 5
    assert validity["applies_to_components_validated_that_day"]["expires_on"] == "2020-06-01"


def test_show_during_the_2007_gap_says_not_registered():
    result = show("RNCP5385", "--on", "2007-02-01")
    assert result.exit_code == 0
    assert "Enregistrée au RNCP : NON" in result.output
    assert "Gestionnaire d'organismes" in result.output


def test_show_askoria_before_2011_has_vae_closed_and_the_old_name():
    body = json.loads(show("RNCP17992", "--on", "2010-05-01", "--json").output)
    assert body["certifier"]["name"] == "Institut Régional du Travail Social de Bretagne"
    assert next(r for r in body["routes"] if r["route"] == "vae")["open"] is False


def test_show_after_august_2016_components_are_permanent():
    body = json.loads(show("RNCP17992", "--on", "2016-09-01", "--json").output)
    applies = body["component_validity"]["applies_to_components_validated_that_day"]
    assert applies["permanent"] is True and applies["rule"] == "P2"


def test_show_refuses_an_unknown_code_or_a_bad_date():
    unknown = show("RNCP1", "--on", "2015-06-01")
    assert unknown.exit_code == 2 and "unknown certification 'RNCP1'" in unknown.output
    bad = show("RNCP5385", "--on", "01/06/2015")
    assert bad.exit_code == 2 and "--on" in bad.output
