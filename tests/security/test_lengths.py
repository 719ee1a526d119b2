"""Every text fits where it is kept: what a form, the API's schema or an import accepts is never longer than
the column that stores it — and anything that still is (or holds a NUL character) is refused, naming the
attribute, before the database sees it (PostgreSQL would answer with a server error)."""
from __future__ import annotations

import json

import pytest
from wtforms.validators import Length

from vae_app.auth.forms import RegisterForm
from vae_app.auth.models import User
from vae_app.candidacies.forms import ApplicationForm, ExperienceForm, SectionForm
from vae_app.candidacies.models import Candidacy, CandidacyState as S, ExperiencePeriod
from vae_app.errors import InvalidData
from vae_app.juries.forms import MemberForm, SessionForm, TieForm
from vae_app.juries.models import JuryMember, JurySession, MemberTie

FORMS = [(RegisterForm, User), (ApplicationForm, Candidacy), (ExperienceForm, ExperiencePeriod), (MemberForm, JuryMember),
         (SessionForm, JurySession), (TieForm, MemberTie)]


def column_length(model, name: str) -> int | None:
    column = model.__table__.columns.get(name)
    return getattr(column.type, "length", None) if column is not None else None


def form_limits(app, form_class):
    with app.test_request_context():
        form = form_class(formdata=None, meta={"csrf": False})
        for name, field in form._fields.items():
            for validator in field.validators:
                if isinstance(validator, Length) and validator.max and validator.max > 0:
                    yield name, validator.max


@pytest.mark.parametrize("form_class,model", FORMS, ids=[f.__name__ for f, _m in FORMS])
def test_a_form_accepts_no_more_than_its_column_keeps(app, form_class, model):
    too_long = [(name, limit, column_length(model, name)) for name, limit in form_limits(app, form_class)
                if column_length(model, name) and limit > column_length(model, name)]
    assert too_long == []


def test_the_application_schema_accepts_no_more_than_the_columns_keep():
    from vae_app.certifications.eligibility import application_schema

    experience = application_schema()["properties"]["experiences"]["items"]["properties"]
    for name in ("job_title", "organisation"):
        assert experience[name]["maxLength"] <= column_length(ExperiencePeriod, name)


def test_the_api_s_applicant_fields_are_held_to_their_columns(client, db, make_user):
    from tests.conftest import TEST_PASSWORD

    user = make_user()
    token = client.post("/api/v1/auth/token", json={"email": user.email, "password": TEST_PASSWORD}).get_json()["token"]
    response = client.post("/api/v1/candidacies", headers={"Authorization": f"Bearer {token}"}, json={
        "certification": "RNCP5385", "route": "vae", "applicant": {"phone": "0" * 300},
        "experiences": [{"status": "salaried", "start": "2012-01-01", "end": "2014-12-31", "related": True}]})
    assert response.status_code == 422 and "applicant.phone" in response.get_json()["errors"]


def test_the_pool_import_holds_names_to_their_columns():
    from vae_app.juries.pool_io import validate

    rows = validate([(2, {"nom": "N" * 500, "prenom": "P", "email": "a@exemple.fr", "genre": "F", "qualifications": "cnam_teacher"})],
                    {"cnam_teacher"}, set())
    assert any(error.startswith("nom") for error in rows[0].errors)


@pytest.mark.parametrize("value,words", [("0" * 31, "30 caractères au plus"), ("01\x0023", "caractère nul")])
def test_whatever_the_path_a_text_too_long_or_with_a_nul_is_refused_before_the_database(db, candidacy_in, value, words):
    candidacy = candidacy_in(S.DRAFT)
    candidacy.phone = value
    with pytest.raises(InvalidData) as refused:
        db.session.flush()
    db.session.rollback()
    assert words in json.dumps(refused.value.errors, ensure_ascii=False) and "phone" in refused.value.errors
