"""People are found as they are written: case and accents ignored, names in either order, ``%`` and ``_`` literal —
in the coordinators' queue, the jury pool and the administrators' accounts, on SQLite and PostgreSQL alike."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import insert, select

from tests.conftest import page_text
from vae_app.auth import queries as account_queries
from vae_app.auth.models import Role, User
from vae_app.candidacies import queries
from vae_app.candidacies.models import CandidacyState as S
from vae_app.juries import queries as jury_queries
from vae_app.search import normalise


@pytest.mark.parametrize("written, normalised", [
    ("Émilie", "emilie"), ("QUÉRÉ", "quere"), ("Jean-Pierre  Lœuillet", "jean pierre loeuillet"),
    ("N’Diaye", "n diaye"), ("Ægir Straße", "aegir strasse"), ("  ", ""), (None, ""),
])
def test_names_are_normalised_without_case_accents_or_separators(written, normalised):
    assert normalise(written) == normalised


@pytest.fixture
def emilie(make_user, make_candidacy):
    """Émilie Quéré's filed application at the CNAM, and a namesake's at another certifier."""
    mine = make_candidacy("RNCP5385", state=S.SUBMITTED,
                          candidate=make_user(Role.CANDIDATE, first_name="Émilie", last_name="Quéré", email="e.quere@exemple.fr"))
    theirs = make_candidacy("RNCP17992", state=S.SUBMITTED,
                            candidate=make_user(Role.CANDIDATE, first_name="Émilie", last_name="Quéré", email="emilie.q@exemple.fr"))
    other = make_candidacy("RNCP5385", state=S.SUBMITTED, candidate=make_user(Role.CANDIDATE, first_name="Paul", last_name="Martin"))
    return mine, theirs, other


def found(db, coordinator, typed: str) -> list:
    ids = [c.id for c in queries.certifications_in_scope(coordinator.certifier_id)]
    return db.session.scalars(queries.queue(ids, None, typed, "dossier")).all()


@pytest.mark.parametrize("typed", ["emilie", "quere", "QUERE", "Quéré", "emilie quere", "quéré émilie", "Quere, Emilie",
                                   "  émil   qué ", "e.quere@exemple", "EMILIE QUÉRÉ"])
def test_the_queue_finds_a_candidate_however_her_name_is_typed(db, coordinator, emilie, typed):
    mine, theirs, other = emilie
    assert found(db, coordinator, typed.replace(",", "")) == [mine]


def test_a_word_the_candidate_does_not_have_finds_nothing(db, coordinator, emilie):
    assert found(db, coordinator, "emilie martin") == []


def test_another_certifiers_files_are_never_found(db, coordinator, emilie, desk):
    mine, theirs, _other = emilie
    assert theirs not in found(db, coordinator, "emilie.q@exemple.fr") and found(db, coordinator, theirs.reference) == []
    page = page_text(desk.get("/coordination/candidatures?q=quéré+émilie"))
    assert mine.reference in page and theirs.reference not in page


def test_the_queue_finds_a_file_by_its_reference_in_any_case(db, coordinator, emilie):
    mine, _theirs, _other = emilie
    assert found(db, coordinator, mine.reference.lower()) == [mine]
    assert found(db, coordinator, mine.reference[-3:]) == [mine]


@pytest.mark.parametrize("typed, name", [("t%p", "Cent%Pour"), ("e_m", "Anne_Marie")])
def test_percent_and_underscore_are_taken_literally(db, coordinator, make_user, make_candidacy, typed, name):
    literal = make_candidacy("RNCP5385", state=S.SUBMITTED, candidate=make_user(Role.CANDIDATE, last_name=name))
    lookalike = make_candidacy("RNCP5385", state=S.SUBMITTED,
                               candidate=make_user(Role.CANDIDATE, last_name=name.replace("%", "x").replace("_", "x")))
    assert found(db, coordinator, typed) == [literal] and lookalike.candidate.search_key


def test_the_key_follows_a_changed_name(db, coordinator, emilie):
    mine, _theirs, _other = emilie
    mine.candidate.last_name, mine.candidate.email = "Lefèvre-Nguyễn", "e.lefevre@exemple.fr"
    db.session.flush()
    assert found(db, coordinator, "nguyen lefevre") == [mine] and found(db, coordinator, "quere") == []


def test_rows_inserted_in_bulk_get_their_key(db):
    """The demo generator inserts people with Core statements: the column's default computes their key."""
    db.session.execute(insert(User.__table__), [{"email": "bulk@exemple.fr", "password_hash": "x", "first_name": "Hélène",
                                                  "last_name": "Dupré", "role": Role.CANDIDATE.value, "is_active_account": True,
                                                  "created_at": datetime(2016, 3, 1)}])
    assert db.session.scalar(select(User.search_key).where(User.email == "bulk@exemple.fr")) == "helene dupre bulk@exemple.fr"


def test_the_jury_pool_finds_a_member_however_written(db, certifiers, make_member):
    emilie = make_member("cnam", first_name="Émilie", last_name="Quéré", site="Saint-Étienne")
    make_member("cnam", first_name="Emile", last_name="Quer")
    make_member("askoria", first_name="Émilie", last_name="Quéré", email="q@askoria.fr")

    def pool(typed):
        return db.session.scalars(jury_queries.pool(certifiers["cnam"].id, typed)).all()

    assert pool("quere emilie") == [emilie] and pool("EMILIE") == [emilie] and pool("saint etienne") == [emilie]
    assert pool("emilie_") == []


def test_the_accounts_list_finds_an_account_however_written(db, make_user):
    account = make_user(Role.COORDINATOR, certifier="cnam", first_name="Émilie", last_name="Quéré")
    make_user(Role.COORDINATOR, certifier="cnam", first_name="Emile", last_name="Querel")

    def accounts(typed):
        return db.session.scalars(account_queries.accounts(text=typed)).all()

    assert accounts("quéré émilie") == [account] and accounts("EMILIE QUERE") == [account] and accounts("emilie%") == []
