"""The planning page proposes the sites where files wait for a jury; a plan without sessions offers nothing to apply;
a finished run says it is finished once."""
from __future__ import annotations

from datetime import datetime

import pytest
from tests.conftest import visible_text
from vae_app.candidacies.models import CandidacyState as S
from vae_app.juries.models import PlanningRun, RunStatus


def _proposed_sites(desk) -> str:
    page = desk.get("/jurys/campagnes").get_data(as_text=True)
    return page.split('id="sites"')[1].split('value="')[1].split('"')[0]


def test_the_default_sites_are_those_where_files_wait_for_a_jury_most_files_first(desk, candidacy_in, make_member):
    for site in ("Aix", "Bordeaux", "Caen", "Dijon"):  # the pool's sites: the first three alphabetically are not the answer
        make_member(site=site)
    for site in ("Rennes", "Lyon", "lyon ", "Lyon"):
        candidacy_in(S.READY_FOR_JURY, site=site)
    candidacy_in(S.SUBMITTED, site="Brest")  # not waiting for a jury
    assert _proposed_sites(desk) == "Lyon, Rennes"


def test_with_no_file_waiting_every_site_of_the_pool_is_proposed(desk, make_member):
    for site in ("Aix", "Bordeaux", "Caen", "Dijon"):
        make_member(site=site)
    assert _proposed_sites(desk) == "Aix, Bordeaux, Caen, Dijon"


@pytest.fixture
def empty_run(db, coordinator):
    run = PlanningRun(certifier_id=coordinator.certifier_id, created_at=datetime(2016, 3, 1), status=RunStatus.DONE, progress=1.0,
                      step="terminé", params={"start": "2016-03-07", "end": "2016-03-08", "certifications": ["RNCP5385"], "sites": ["Paris"]},
                      problem={"format": "vae-jury-planning/1", "as_of": "2016-03-01", "slots": [], "members": [], "candidates": []},
                      plan={"sessions": [], "unplanned": []},
                      scores={"planned": 0, "candidates": 0, "sessions": 0, "lower_bound": 0, "max_load": 0, "mean_load": 0,
                              "mixed_gender_share": 0, "own_site_share": 0, "wall_time_s": 0.1})
    db.session.add(run)
    db.session.flush()
    return run


def test_a_plan_without_sessions_offers_nothing_to_apply(desk, db, empty_run):
    page = visible_text(desk.get(f"/jurys/campagnes/{empty_run.id}"))
    assert "Appliquer" not in page and "il n'y a rien à appliquer" in page
    assert "Statut : Terminé" in page and page.lower().count("terminé") == 1
