"""Import from the RNCP open data: V4.1 and V3, ZIP, filters, errors, idempotence, people's work kept."""
from __future__ import annotations

import os
import shutil
from datetime import date
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from vae_app.certifications.cli import rules_cli
from vae_app.certifications.rules import load_rules, read_yaml
from vae_app.certifications.vocabulary import AccessRoute

from ..conftest import shared_data

ROOT = Path(__file__).resolve().parents[2]
EXTRACT = "rncp-v4.1-extract-RNCP35340-RNCP40792.xml"


REAL = shared_data(EXTRACT) / EXTRACT
needs_real = pytest.mark.skipif(not REAL.is_file(), reason=f"{EXTRACT} not found: set VAE_SHARED_DIR to the shared folder")

V41 = """<?xml version="1.0" encoding="UTF-8"?>
<FICHES>
  <VERSION_FLUX>4.1</VERSION_FLUX>
  <FICHE>
    <NUMERO_FICHE>RNCP90001</NUMERO_FICHE>
    <NOUVELLES_CERTIFICATIONS><NOUVELLE_CERTIFICATION><ID_FICHE_NOUVELLE_CERTIFICATION>RNCP90002</ID_FICHE_NOUVELLE_CERTIFICATION></NOUVELLE_CERTIFICATION></NOUVELLES_CERTIFICATIONS>
    <INTITULE>Encadrant de proximité</INTITULE>
    <NOMENCLATURE_EUROPE><NIVEAU>NIV5</NIVEAU><INTITULE>Niveau 5</INTITULE></NOMENCLATURE_EUROPE>
    <CERTIFICATEURS>
      <CERTIFICATEUR><SIRET_CERTIFICATEUR>12345678900011</SIRET_CERTIFICATEUR><NOM_CERTIFICATEUR>Institut Alpha</NOM_CERTIFICATEUR></CERTIFICATEUR>
      <CERTIFICATEUR><SIRET_CERTIFICATEUR>98765432100022</SIRET_CERTIFICATEUR><NOM_CERTIFICATEUR>École Bêta</NOM_CERTIFICATEUR></CERTIFICATEUR>
    </CERTIFICATEURS>
    <SI_JURY_FI><ACTIF>Non</ACTIF></SI_JURY_FI>
    <SI_JURY_CA><ACTIF>Oui</ACTIF><COMPOSITION>Trois professionnels.</COMPOSITION></SI_JURY_CA>
    <SI_JURY_FC><ACTIF>Oui</ACTIF><COMPOSITION>Trois professionnels.</COMPOSITION></SI_JURY_FC>
    <SI_JURY_CQ><ACTIF>Non</ACTIF></SI_JURY_CQ>
    <SI_JURY_CL><ACTIF>Non</ACTIF></SI_JURY_CL>
    <SI_JURY_VAE><ACTIF>Oui</ACTIF><COMPOSITION>Deux formateurs et deux professionnels du secteur.</COMPOSITION></SI_JURY_VAE>
    <ACCESSIBLE_NOUVELLE_CALEDONIE>Non</ACCESSIBLE_NOUVELLE_CALEDONIE>
    <BLOCS_COMPETENCES>
      <BLOC_COMPETENCES><CODE>RNCP90001BC01</CODE><LIBELLE>Animer une équipe</LIBELLE><LISTE_COMPETENCES>Organiser le travail</LISTE_COMPETENCES><MODALITES_EVALUATION>Mise en situation</MODALITES_EVALUATION></BLOC_COMPETENCES>
      <BLOC_COMPETENCES><CODE>RNCP90001BC02</CODE><LIBELLE>Gérer un budget</LIBELLE></BLOC_COMPETENCES>
    </BLOCS_COMPETENCES>
    <DATE_FIN_ENREGISTREMENT>31/12/2027</DATE_FIN_ENREGISTREMENT>
    <DATE_EFFET>01/01/2023</DATE_EFFET>
    <DATE_LIMITE_DELIVRANCE>31/12/2028</DATE_LIMITE_DELIVRANCE>
    <ACTIF>Oui</ACTIF>
  </FICHE>
  <FICHE>
    <INTITULE>Fiche sans numéro</INTITULE>
    <SI_JURY_VAE><ACTIF>Oui</ACTIF></SI_JURY_VAE>
  </FICHE>
  <FICHE>
    <NUMERO_FICHE>RNCP90002</NUMERO_FICHE>
    <ANCIENNES_CERTIFICATIONS><ANCIENNE_CERTIFICATION><ID_FICHE_ANCIENNE_CERTIFICATION>RNCP90001</ID_FICHE_ANCIENNE_CERTIFICATION></ANCIENNE_CERTIFICATION></ANCIENNES_CERTIFICATIONS>
    <INTITULE>Encadrant de proximité (nouvelle version)</INTITULE>
    <CERTIFICATEURS><CERTIFICATEUR><SIRET_CERTIFICATEUR>12345678900011</SIRET_CERTIFICATEUR><NOM_CERTIFICATEUR>Institut Alpha</NOM_CERTIFICATEUR></CERTIFICATEUR></CERTIFICATEURS>
    <SI_JURY_VAE><ACTIF>Oui</ACTIF><COMPOSITION>Quatre professionnels.</COMPOSITION></SI_JURY_VAE>
    <DATE_EFFET>01/01/2028</DATE_EFFET>
  </FICHE>
</FICHES>
"""

V3 = """<?xml version="1.0" encoding="UTF-8"?>
<FICHES>
  <FICHE>
    <NUMERO_FICHE>RNCP80001</NUMERO_FICHE>
    <INTITULE>Assistant de direction</INTITULE>
    <CERTIFICATEURS><CERTIFICATEUR><NOM_CERTIFICATEUR>Organisme Gamma</NOM_CERTIFICATEUR></CERTIFICATEUR></CERTIFICATEURS>
    <SI_JURY_FI>Oui</SI_JURY_FI><JURY_FI>Deux enseignants, deux professionnels.</JURY_FI>
    <SI_JURY_CA>Non</SI_JURY_CA>
    <SI_JURY_FC>Oui</SI_JURY_FC><JURY_FC>Deux enseignants, deux professionnels.</JURY_FC>
    <SI_JURY_CQ>Non</SI_JURY_CQ>
    <SI_JURY_CL>Non</SI_JURY_CL>
    <SI_JURY_VAE>Oui</SI_JURY_VAE><JURY_VAE>Trois professionnels et un enseignant.</JURY_VAE>
    <DATE_DECISION>15/06/2014</DATE_DECISION>
  </FICHE>
</FICHES>
"""


@pytest.fixture
def rules_dir(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def run(*args):
    return CliRunner().invoke(rules_cli, ["import-rncp", *map(str, args)])


@needs_real
def test_the_real_v41_extract_imports_into_valid_rules(rules_dir):
    (rules_dir / "certifications" / "rncp-40792.yaml").unlink()  # the project's own, structured by hand: imported afresh here
    result = run(REAL, "--rules-dir", rules_dir)
    assert result.exit_code == 0, result.output
    assert "2 créée(s)" in result.output
    book = load_rules(rules_dir)
    old, new = book.certification("RNCP35340"), book.certification("RNCP40792")
    assert old.raw["successor"]["value"]["code"] == "RNCP40792" and old.raw["predecessor"]["value"]["code"] == "RNCP17108"
    assert not new.composition_structured
    vae = new.route_on(AccessRoute.VAE, new.registration[0].start)
    assert vae.open and not vae.jury.structured and "jury" in vae.jury.text.lower()
    assert len(new.components) == 5


@needs_real
def test_importing_the_fiche_again_keeps_what_a_person_structured_and_changes_nothing(rules_dir):
    before = (rules_dir / "certifications" / "rncp-40792.yaml").read_text(encoding="utf-8")
    result = run(REAL, "--only", "RNCP40792", "--rules-dir", rules_dir)
    assert result.exit_code == 0, result.output
    assert "1 inchangée(s)" in result.output
    assert (rules_dir / "certifications" / "rncp-40792.yaml").read_text(encoding="utf-8") == before
    cert = load_rules(rules_dir).certification("RNCP40792")
    assert cert.composition_structured and [o.id for o in cert.award_options] == ["A", "B"]
    assert cert.france_vae == (True, date(2025, 9, 1))


def test_v41_fields_routes_blocs_and_a_broken_fiche(rules_dir, tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(V41, encoding="utf-8")
    result = run(export, "--rules-dir", rules_dir)
    assert result.exit_code == 1  # one fiche is broken: the others are imported all the same
    assert "fiche n° 2 : NUMERO_FICHE manquant" in result.output
    assert "2 créée(s)" in result.output
    document = read_yaml(rules_dir / "certifications" / "rncp-90001.yaml")
    assert document["certifier"]["siret"] == "12345678900011" and document["certifier"]["others"][0]["name"] == "École Bêta"
    assert document["registration"][0] == {"from": "2023-01-01", "kind": "registration", "source": document["registration"][0]["source"],
                                           "to": "2027-12-31", "award_until": "2028-12-31"}
    routes = {r: spec["history"][0]["value"] for r, spec in document["access_routes"].items()}
    assert routes["initial_education"] == {"open": False} and routes["vae"]["jury"]["text"].startswith("Deux formateurs")
    assert [c["code"] for c in document["components"]] == ["RNCP90001BC01", "RNCP90001BC02"]
    assert document["components"][1]["assessments"] == []
    assert document["overseas"]["nouvelle_caledonie"]["value"] == "no" and document["overseas"]["polynesie_francaise"]["value"] == "unknown"
    assert document["successor"]["value"]["code"] == "RNCP90002"
    load_rules(rules_dir)


def test_v3_is_read_too(rules_dir, tmp_path):
    export = tmp_path / "v3.xml"
    export.write_text(V3, encoding="utf-8")
    result = run(export, "--rules-dir", rules_dir)
    assert result.exit_code == 0, result.output and "export V3" in result.output
    book = load_rules(rules_dir)
    cert = book.certification("RNCP80001")
    assert cert.route_on(AccessRoute.VAE, cert.registration[0].start).jury.text == "Trois professionnels et un enseignant."
    assert not cert.route_on(AccessRoute.APPRENTICESHIP, cert.registration[0].start).open


def test_the_published_zip_is_taken_as_it_is_and_filters_apply(rules_dir, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("export_fiches_RNCP_V4_1.xml", V41)
    result = run(archive, "--rules-dir", rules_dir, "--only", "RNCP90002,RNCP99999")
    assert "créée      RNCP90002" in result.output and "RNCP99999 : absente de l'export" in result.output
    assert not (rules_dir / "certifications" / "rncp-90001.yaml").exists()
    dry = run(archive, "--rules-dir", rules_dir, "--certifier", "98765432100022", "--dry-run")
    assert "créée      RNCP90001" in dry.output and "rien n'a été écrit" in dry.output
    assert not (rules_dir / "certifications" / "rncp-90001.yaml").exists()


@needs_real
def test_reimport_is_idempotent_and_keeps_what_a_person_structured(rules_dir, tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(REAL.read_text(encoding="utf-8"), encoding="utf-8")
    run(export, "--rules-dir", rules_dir)
    path = rules_dir / "certifications" / "rncp-40792.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    vae = document["access_routes"]["vae"]["history"][0]["value"]["jury"]
    vae.update({"size": {"exact": 4}, "seats": [{"id": "teachers", "qualifications": ["cnam_teacher"], "count": 2},
                                                {"id": "pros", "qualifications": ["qualified_professional"], "count": 2}]})
    document["metadata"]["composition_structured"] = True
    document["component_validity"] = {"history": [{"from": "2025-09-01", "value": {"years": 5}, "source": "saisie du service VAE"}]}
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    again = run(export, "--rules-dir", rules_dir)
    assert "2 inchangée(s)" in again.output, again.output
    export.write_text(REAL.read_text(encoding="utf-8").replace("31/08/2028", "31/08/2029"), encoding="utf-8")
    changed = run(export, "--rules-dir", rules_dir)
    assert "mise à jour RNCP40792 : registration" in changed.output
    kept = read_yaml(path)
    assert kept["access_routes"]["vae"]["history"][0]["value"]["jury"]["seats"][0]["id"] == "teachers"
    assert kept["metadata"]["composition_structured"] is True and kept["component_validity"]["history"][0]["value"]["years"] == 5
    assert kept["registration"][0]["to"] == "2029-08-31"
    assert load_rules(rules_dir).certification("RNCP40792").composition_structured


@pytest.mark.parametrize("content,message,code", [
    ("<FICHES><FICHE><NUMERO_FICHE>RNCP1</NUMERO_FICHE>", "XML invalide ligne", 1),
    ("<AUTRE/>", "un export RNCP commence par <FICHES>", 2),
])
def test_invalid_files_say_why(rules_dir, tmp_path, content, message, code):
    export = tmp_path / "bad.xml"
    export.write_text(content, encoding="utf-8")
    result = run(export, "--rules-dir", rules_dir)
    assert result.exit_code == code and message in result.output


@needs_real
def test_an_imported_certification_is_unknown_to_the_checker_never_pass(rules_dir):
    from vae_app.juries.composition import Jury, Member, check_composition

    run(REAL, "--rules-dir", rules_dir)
    book = load_rules(rules_dir)
    members = tuple(Member(f"M{i}", "F", frozenset({"qualified_professional"})) for i in range(4))
    report = check_composition(Jury("RNCP35340", AccessRoute.VAE, book.certification("RNCP35340").registration[-1].start, members), book)
    assert report.compliant is not True
    assert any(f.rule == "STRUCT" and f.outcome == "unknown" and "non structurée" in f.message for f in report.findings)


@needs_real
def test_the_catalogue_lists_imported_certifications_and_links_successors(app, desk, rules_dir, monkeypatch):
    from tests.conftest import visible_text
    from vae_app.certifications import registry

    run(REAL, "--rules-dir", rules_dir)
    monkeypatch.setitem(app.extensions, registry.EXTENSION_KEY, registry.load_cached(rules_dir))
    page = visible_text(desk.get("/certifications"))
    assert "RNCP35340 (importée)" in page and "RNCP40792 (importée)" in page
    assert "composition non structurée" in page and "← RNCP17108" in page and "→ RNCP40792" in page
    closed = visible_text(desk.get("/certifications?statut=successor"))
    assert "RNCP35340" in closed and "RNCP5385" not in closed  # on 2016-03-01 RNCP 5385 is still registered
    assert "RNCP5385" not in visible_text(desk.get("/certifications?q=services+informatiques"))
    assert desk.get("/certifications?statut=perdu").status_code == 400


@needs_real
def test_a_closed_certification_offers_its_successor(client, make_user, login, frozen_clock, app, rules_dir, monkeypatch):
    from tests.conftest import visible_text
    from vae_app.auth.models import Role
    from vae_app.certifications import registry

    run(REAL, "--rules-dir", rules_dir)
    monkeypatch.setitem(app.extensions, registry.EXTENSION_KEY, registry.load_cached(rules_dir))
    frozen_clock.set(frozen_clock.today().replace(year=2026))
    login(make_user(Role.CANDIDATE))
    page = visible_text(client.get("/candidatures/nouvelle"))
    assert "RNCP35340" in page and "la certification suivante est RNCP40792" in page


@needs_real
def test_sync_creates_the_rows_of_imported_certifications_once(app, runner, db, rules_dir, monkeypatch):
    from sqlalchemy import select

    from vae_app.certifications import registry
    from vae_app.certifications.models import Certification

    run(REAL, "--rules-dir", rules_dir)
    monkeypatch.setitem(app.extensions, registry.EXTENSION_KEY, registry.load_cached(rules_dir))
    first = runner.invoke(args=["certifications", "sync"])
    assert "RNCP40792" in first.output and "RNCP5385" in first.output
    assert "0 certificateur(s) et 0 certification(s)" in runner.invoke(args=["certifications", "sync"]).output
    assert set(db.session.scalars(select(Certification.code))) == {"RNCP5385", "RNCP17992", "RNCP35340", "RNCP40792"}


# --------------------------------------------------------------------------- all or nothing (issue 17, item 15)

def _listing(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((directory / "certifications").glob("*.yaml"))}


def test_a_fiche_that_ends_before_it_starts_is_reported_and_not_written(rules_dir, tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(V41.replace("<DATE_FIN_ENREGISTREMENT>31/12/2027", "<DATE_FIN_ENREGISTREMENT>31/12/2020"), encoding="utf-8")
    result = run(export, "--rules-dir", rules_dir)
    assert result.exit_code == 1
    assert "RNCP90001 : non importée" in result.output
    assert not (rules_dir / "certifications" / "rncp-90001.yaml").exists()
    assert (rules_dir / "certifications" / "rncp-90002.yaml").exists()  # the sound fiche of the same export is in
    load_rules(rules_dir)  # and the app still starts


def test_an_import_interrupted_half_way_leaves_the_rules_as_they_were(rules_dir, tmp_path, monkeypatch):
    from vae_app.certifications import rncp_import

    export = tmp_path / "export.xml"
    export.write_text(V41, encoding="utf-8")
    before = _listing(rules_dir)
    real_dump, written = yaml.safe_dump, []

    def dump_then_die(*args, **kwargs):
        written.append(1)
        if len(written) == 2:
            raise KeyboardInterrupt  # Ctrl-C, or the machine stopping, during the second fiche
        return real_dump(*args, **kwargs)

    monkeypatch.setattr(rncp_import.yaml, "safe_dump", dump_then_die)
    with pytest.raises(KeyboardInterrupt):
        rncp_import.import_export(export, rules_dir)
    assert _listing(rules_dir) == before
    assert not list(rules_dir.glob(".import-*"))


def test_what_a_killed_import_left_is_ignored_by_the_app_and_cleared_by_the_next(rules_dir, tmp_path):
    leftover = rules_dir / ".import-killed"
    (leftover / "certifications").mkdir(parents=True)
    (leftover / "certifications" / "rncp-1.yaml").write_text("broken: [", encoding="utf-8")
    load_rules(rules_dir)
    export = tmp_path / "export.xml"
    export.write_text(V41, encoding="utf-8")
    run(export, "--rules-dir", rules_dir)
    assert not leftover.exists()


def test_a_set_that_would_not_load_is_not_written_at_all(rules_dir, tmp_path):
    """A hand-written file already holds RNCP90002 under another name: the imported set would define it twice."""
    shutil.copy(rules_dir / "certifications" / "rncp-5385.yaml", rules_dir / "certifications" / "encadrant.yaml")
    document = read_yaml(rules_dir / "certifications" / "encadrant.yaml")
    document["code"] = "RNCP90002"
    (rules_dir / "certifications" / "encadrant.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    before = _listing(rules_dir)
    export = tmp_path / "export.xml"
    export.write_text(V41, encoding="utf-8")
    result = run(export, "--rules-dir", rules_dir)
    assert result.exit_code == 1
    assert "rien n'a été écrit" in result.output and "RNCP90002 is already defined" in result.output
    assert _listing(rules_dir) == before


def test_two_imports_at_once_the_second_is_told_to_wait(rules_dir, tmp_path):
    import fcntl

    export = tmp_path / "export.xml"
    export.write_text(V41, encoding="utf-8")
    with open(rules_dir / ".import.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = run(export, "--rules-dir", rules_dir)
    assert result.exit_code == 2 and "un autre import est en cours" in result.output


def test_a_dry_run_writes_nothing_and_still_reports_a_broken_fiche(rules_dir, tmp_path):
    before = _listing(rules_dir)
    export = tmp_path / "export.xml"
    export.write_text(V41.replace("<DATE_FIN_ENREGISTREMENT>31/12/2027", "<DATE_FIN_ENREGISTREMENT>31/12/2020"), encoding="utf-8")
    result = run(export, "--rules-dir", rules_dir, "--dry-run")
    assert result.exit_code == 1 and "RNCP90001 : non importée" in result.output and "rien n'a été écrit" in result.output
    assert _listing(rules_dir) == before


# --------------------------------------------------------------------------- certifiers (issue 18, items 12-13)

SEVERAL = """<?xml version="1.0" encoding="UTF-8"?>
<FICHES><VERSION_FLUX>4.1</VERSION_FLUX>
  <FICHE>
    <NUMERO_FICHE>RNCP90010</NUMERO_FICHE><INTITULE>Coordinateur de parcours</INTITULE>
    <CERTIFICATEURS>
      <CERTIFICATEUR><SIRET_CERTIFICATEUR>111 222 333 00011</SIRET_CERTIFICATEUR><NOM_CERTIFICATEUR>Ancien Organisme</NOM_CERTIFICATEUR>
        <ETAT_CERTIFICATEUR>Inactif</ETAT_CERTIFICATEUR><DATE_DERNIERE_MODIFICATION_ETAT>01/09/2022</DATE_DERNIERE_MODIFICATION_ETAT></CERTIFICATEUR>
      <CERTIFICATEUR><SIRET_CERTIFICATEUR>444.555.666.00022</SIRET_CERTIFICATEUR><NOM_CERTIFICATEUR>Nouvel Organisme</NOM_CERTIFICATEUR>
        <ETAT_CERTIFICATEUR>Actif</ETAT_CERTIFICATEUR><DATE_DERNIERE_MODIFICATION_ETAT>01/09/2022</DATE_DERNIERE_MODIFICATION_ETAT></CERTIFICATEUR>
    </CERTIFICATEURS>
    <SI_JURY_VAE><ACTIF>Oui</ACTIF><COMPOSITION>Trois professionnels.</COMPOSITION></SI_JURY_VAE>
    <DATE_EFFET>01/01/2021</DATE_EFFET><DATE_FIN_ENREGISTREMENT>31/12/2026</DATE_FIN_ENREGISTREMENT>
  </FICHE>
</FICHES>
"""


def test_the_active_certifier_manages_and_every_other_is_kept_with_its_state(rules_dir, tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(SEVERAL, encoding="utf-8")
    assert run(export, "--rules-dir", rules_dir).exit_code == 0
    certifier = read_yaml(rules_dir / "certifications" / "rncp-90010.yaml")["certifier"]
    assert certifier["history"][0]["value"]["name"] == "Nouvel Organisme"
    assert (certifier["siret"], certifier["state"], certifier["state_since"]) == ("44455566600022", "active", "2022-09-01")
    assert [(o["name"], o["siret"], o["state"]) for o in certifier["others"]] == [("Ancien Organisme", "11122233300011", "inactive")]
    load_rules(rules_dir)


@pytest.mark.parametrize("given", ["111 222 333 00011", "11122233300011", "444 555 666 00022"])
def test_a_siret_written_with_spaces_or_dots_is_found_by_the_certifier_filter(rules_dir, tmp_path, given):
    export = tmp_path / "export.xml"
    export.write_text(SEVERAL, encoding="utf-8")
    result = run(export, "--rules-dir", rules_dir, "--certifier", given)
    assert result.exit_code == 0 and "1 créée(s)" in result.output


def test_a_fiche_left_out_by_a_filter_is_counted_in_the_summary(rules_dir, tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(SEVERAL, encoding="utf-8")
    result = run(export, "--rules-dir", rules_dir, "--certifier", "99999999900099")
    assert result.exit_code == 0 and "0 créée(s)" in result.output and "1 hors du filtre" in result.output


def test_a_certifier_filter_that_is_not_a_siret_is_refused(rules_dir, tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(SEVERAL, encoding="utf-8")
    result = run(export, "--rules-dir", rules_dir, "--certifier", "ASKORIA")
    assert result.exit_code == 2 and "SIRET de 14 chiffres" in result.output


def fiche(number: str, certifiers: str, dates: str = "<DATE_EFFET>01/01/2021</DATE_EFFET>"
          "<DATE_FIN_ENREGISTREMENT>31/12/2026</DATE_FIN_ENREGISTREMENT>") -> str:
    return (f"<FICHE><NUMERO_FICHE>{number}</NUMERO_FICHE><INTITULE>Titre {number}</INTITULE><ACTIF>Oui</ACTIF>"
            f"<CERTIFICATEURS>{certifiers}</CERTIFICATEURS>"
            "<SI_JURY_VAE><ACTIF>Oui</ACTIF><COMPOSITION>Trois professionnels.</COMPOSITION></SI_JURY_VAE>"
            f"{dates}</FICHE>")


def certifier(name: str, siret: str, state: str = "Actif") -> str:
    return (f"<CERTIFICATEUR><SIRET_CERTIFICATEUR>{siret}</SIRET_CERTIFICATEUR><NOM_CERTIFICATEUR>{name}</NOM_CERTIFICATEUR>"
            f"<ETAT_CERTIFICATEUR>{state}</ETAT_CERTIFICATEUR></CERTIFICATEUR>")


def imported(rules_dir, tmp_path, *fiches: str):
    export = tmp_path / "export.xml"
    export.write_text("<?xml version='1.0' encoding='UTF-8'?><FICHES>" + "".join(fiches) + "</FICHES>", encoding="utf-8")
    return run(export, "--rules-dir", rules_dir)


def code_of(rules_dir, number: str) -> str:
    return read_yaml(rules_dir / "certifications" / f"rncp-{number[4:]}.yaml")["certifier"]["code"]


def test_a_certifier_is_known_by_its_siren_not_its_name(rules_dir, tmp_path):
    """Two bodies of the same name are two certifiers; one body written under two names (two of its establishments)
    is one."""
    result = imported(rules_dir, tmp_path,
                      fiche("RNCP90021", certifier("Institut de Formation Sociale", "111 222 333 00011")),
                      fiche("RNCP90022", certifier("Institut de Formation Sociale", "999 888 777 00055")),
                      fiche("RNCP90023", certifier("IFS Bretagne", "111 222 333 00029")))
    assert result.exit_code == 0, result.output
    assert code_of(rules_dir, "RNCP90021") != code_of(rules_dir, "RNCP90022")
    assert code_of(rules_dir, "RNCP90021") == code_of(rules_dir, "RNCP90023") == "siren-111222333"


def test_a_reimport_keeps_the_code_and_the_facts_a_person_gave_the_certifier(rules_dir, tmp_path):
    assert imported(rules_dir, tmp_path, fiche("RNCP90024", certifier("Organisme", "11122233300011"))).exit_code == 0
    path = rules_dir / "certifications" / "rncp-90024.yaml"
    text = path.read_text(encoding="utf-8").replace("code: siren-111222333", "code: organisme")
    path.write_text(text, encoding="utf-8")
    assert imported(rules_dir, tmp_path, fiche("RNCP90024", certifier("Organisme renommé", "11122233300011"))).exit_code == 0
    assert code_of(rules_dir, "RNCP90024") == "organisme"


@pytest.mark.parametrize("certifiers, dates, said", [
    (certifier("Alpha", "11122233300011") + certifier("Bêta", "44455566600022"), None, "2 certificateurs actifs : Alpha (le premier)"),
    (certifier("Alpha", "11122233300011", "Inactif") + certifier("Bêta", "44455566600022", "Inactif"), None,
     "aucun certificateur actif : Alpha"),
    (certifier("Alpha", "1112223330001"), None, "SIRET illisible '1112223330001'"),
    (certifier("Alpha", "1112223330001A"), None, "SIRET illisible"),
    (certifier("Alpha", "11122233300011"), "<DATE_EFFET>01/01/2021</DATE_EFFET><DATE_FIN_ENREGISTREMENT>31/12/2026"
     "</DATE_FIN_ENREGISTREMENT><DATE_LIMITE_DELIVRANCE>31/12/2025</DATE_LIMITE_DELIVRANCE>", "DATE_LIMITE_DELIVRANCE (2025-12-31) précède"),
])
def test_what_a_person_should_check_is_said_and_the_fiche_imported(rules_dir, tmp_path, certifiers, dates, said):
    result = imported(rules_dir, tmp_path, fiche("RNCP90025", certifiers, *( [dates] if dates else [])))
    assert result.exit_code == 0 and "1 créée(s)" in result.output
    assert f"à vérifier RNCP90025 : {said}" in result.output, result.output


@pytest.mark.parametrize("dates", ["<DATE_EFFET>01/01/0211</DATE_EFFET>",
                                   "<DATE_EFFET>01/01/2021</DATE_EFFET><DATE_FIN_ENREGISTREMENT>31/12/9999</DATE_FIN_ENREGISTREMENT>"])
def test_a_date_no_one_means_is_an_error_of_the_fiche(rules_dir, tmp_path, dates):
    result = imported(rules_dir, tmp_path, fiche("RNCP90026", certifier("Alpha", "11122233300011"), dates))
    assert result.exit_code == 1 and "RNCP90026 : date" in result.output and "hors des années 1900 à 2099" in result.output


def test_a_certifier_without_a_readable_siret_never_takes_a_known_code_and_is_reported(rules_dir, tmp_path):
    result = imported(rules_dir, tmp_path, fiche("RNCP90027", certifier("CNAM", "")),
                      fiche("RNCP90028", certifier("Siren 520000000", "1234")))
    assert result.exit_code == 0, result.output
    assert code_of(rules_dir, "RNCP90027") == "nom-cnam" and code_of(rules_dir, "RNCP90028") == "nom-siren-520000000"
    assert "à vérifier RNCP90027 : CNAM n'a pas de SIRET lisible" in result.output
