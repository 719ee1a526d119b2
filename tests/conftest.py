"""Fixtures in layers: the app (once per run, schema built by the migrations),
a database session rolled back after every test, a frozen clock, clients and
factories returning callables.

The database is SQLite in a temporary file, or PostgreSQL when
``VAE_TEST_DATABASE_URL`` is set (``make test-postgres``).
"""
from __future__ import annotations

import itertools
import os
from datetime import date, datetime, time
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient, FlaskCliRunner
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from sqlalchemy import text

from vae_app import clock as clock_module
from vae_app import create_app
from vae_app.auth.models import Role, User
from vae_app.candidacies.models import Candidacy, CandidacyState
from vae_app.certifications.models import Certification, Certifier
from vae_app.certifications.registry import load_cached
from vae_app.certifications.vocabulary import AccessRoute
from vae_app.extensions import db as _db
from vae_app.shared_data import shared_data  # noqa: F401 - the tests' way to the shared data

pytest_plugins = ["tests.workflow_fixtures"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = PROJECT_ROOT / "rules"


DEFAULT_NOW = datetime(2016, 3, 1, 9, 0)
TEST_PASSWORD = "correct horse battery staple"


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("VAE_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def reset_schema(engine) -> None:
    """Empty the test database, whatever an earlier run left in it."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        _db.drop_all()
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """One app for the run; the schema is built by running every migration."""
    from flask_migrate import upgrade

    url = database_url(tmp_path_factory)
    application = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "VAE_TODAY": None})
    with application.app_context():
        reset_schema(_db.engine)
        upgrade()
    return application


@pytest.fixture(scope="session")
def rules():
    """The project's rule book (pure: no app needed)."""
    return load_cached(RULES_DIR)


@pytest.fixture
def frozen_clock(app):
    """The app's clock, frozen on 2016-03-01 09:00; tests move it with ``.set()``."""
    previous = app.extensions[clock_module.EXTENSION_KEY]
    frozen = clock_module.FrozenClock(DEFAULT_NOW)
    clock_module.install(app, frozen)
    yield frozen
    clock_module.install(app, previous)


class ConnectionBoundSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session picks the engine itself; in tests it must use the test's connection."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return self.bind if self.bind is not None else super().get_bind(mapper, clause, bind, **kwargs)


@pytest.fixture
def db(app, frozen_clock):
    """A session bound to one connection whose outer transaction is rolled back.

    Code under test may commit: with ``create_savepoint`` its commits release
    savepoints, and nothing survives the test.
    """
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        _db.session = _db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": ConnectionBoundSession}
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def committed_rows(app):
    """For tests with several real connections (PostgreSQL only): ``commit(*objects)`` commits rows every
    connection sees; afterwards every table is emptied, children first, so nothing outlives the test."""
    with app.app_context():
        if _db.engine.dialect.name != "postgresql":
            pytest.skip("needs PostgreSQL's concurrent connections (make test-postgres); SQLite serialises writers itself")

    def commit(*objects) -> None:
        _db.session.add_all(objects)
        _db.session.commit()

    yield commit
    with app.app_context():
        _db.session.rollback()
        for table in reversed(_db.metadata.sorted_tables):
            _db.session.execute(table.delete())
        _db.session.commit()


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production: fresh ``g``,
    its own database session (on the test's connection), fresh locale. The
    test's own session is expired afterwards so it reads what the request wrote."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():  # the test's own session, when the test holds one
            _db.session.expire_all()
        return response


@pytest.fixture
def client(app, db):
    app.test_client_class = IsolatedClient
    return app.test_client()


class IsolatedCliRunner(FlaskCliRunner):
    """A command runs in its own app context (its own session), as in its own process."""

    def invoke(self, *args, **kwargs):
        with self.app.app_context():
            result = super().invoke(*args, **kwargs)
        _db.session.expire_all()
        return result


@pytest.fixture
def runner(app, db):
    return IsolatedCliRunner(app)


@pytest.fixture(scope="session")
def password_hash():
    """One real scrypt hash, reused: hashing per user would slow the suite."""
    user = User()
    user.set_password(TEST_PASSWORD)
    return user.password_hash


_counter = itertools.count(1)


@pytest.fixture
def certifiers(db, rules):
    """The certifiers and certifications of the rules, as rows: {code: row}."""
    made = {}
    for cert_rules in rules.certifications.values():
        certifier = made.get(cert_rules.certifier_code) or Certifier(code=cert_rules.certifier_code, name=cert_rules.certifier_name)
        made[cert_rules.certifier_code] = certifier
        db.session.add(Certification(code=cert_rules.code, certifier=certifier))
    db.session.flush()
    return made


@pytest.fixture
def make_user(db, password_hash, certifiers):
    def make(role: Role = Role.CANDIDATE, certifier: str | None = None, email: str | None = None, **kwargs) -> User:
        n = next(_counter)
        user = User(
            email=email or f"user{n}@test.vae.fr",
            first_name=kwargs.pop("first_name", "Prénom"),
            last_name=kwargs.pop("last_name", f"Nom{n}"),
            role=role,
            certifier=certifiers[certifier] if certifier else None,
            password_hash=password_hash,
            created_at=DEFAULT_NOW,
            **kwargs,
        )
        db.session.add(user)
        db.session.flush()
        return user

    return make


@pytest.fixture
def make_candidacy(db, make_user):
    def make(certification: str = "RNCP5385", state: CandidacyState = CandidacyState.DRAFT, candidate: User | None = None,
             route: AccessRoute = AccessRoute.VAE, received_on: date | None = None, **kwargs) -> Candidacy:
        cert = db.session.scalar(_db.select(Certification).where(Certification.code == certification))
        n = next(_counter)
        candidacy = Candidacy(
            reference=kwargs.pop("reference", f"TEST-{n:05d}"),
            candidate=candidate or make_user(Role.CANDIDATE),
            certification=cert,
            route=route,
            state=state,
            received_on=received_on,
            created_at=datetime.combine(received_on or DEFAULT_NOW.date(), time(9)),
            updated_at=datetime.combine(received_on or DEFAULT_NOW.date(), time(9)),
            **kwargs,
        )
        db.session.add(candidacy)
        db.session.flush()
        return candidacy

    return make


@pytest.fixture(autouse=True)
def _rate_limits_off_unless_asked(request):
    """The rate limits stay off outside the tests that ask for them (``limited``): a test that builds a production
    app turns on the limiter every app shares, and the hits it then counts would refuse later tests' logins."""
    from vae_app.extensions import limiter

    if "limited" not in request.fixturenames:
        limiter.enabled = False
    yield


@pytest.fixture
def limited(app):
    """The rate limits on, counted in memory, for one test (the suite runs with them off)."""
    from vae_app.extensions import limiter

    if not limiter.initialized:  # the suite's app is built with the limits off: an app with them on sets the limiter up
        create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"})
    limiter.enabled = True
    limiter.reset()
    yield
    limiter.reset()
    limiter.enabled = False


@pytest.fixture
def login(client):
    """Log a user in through the real form; returns the response."""

    def do(user: User, password: str = TEST_PASSWORD):
        return client.post("/connexion", data={"email": user.email, "password": password})

    return do


# --- the jury member pool ----------------------------------------------------------------------

JURY_5385 = [("cnam_president",), ("cnam_teacher", "pedagogical_head"), ("cnam_teacher",), ("cnam_teacher",),
             ("cnam_teacher",), ("qualified_professional", "employer_rep"), ("qualified_professional", "employee_rep")]
JURY_17992 = [("director_in_post",)] * 6 + [("askoria_trainer",)]
JURY_40792 = [("teacher_researcher",), ("public_teacher", "teacher_researcher"), ("public_teacher",), ("employer_rep",),
              ("employee_rep",)]
BTS_CERTIFIER = "siren-110044013"


@pytest.fixture
def make_member(db, certifiers):
    from vae_app.certifications.vocabulary import Gender
    from vae_app.juries.models import JuryMember

    def make(certifier: str = "cnam", qualifications=("cnam_teacher",), gender: Gender | None = None, **kwargs) -> "JuryMember":
        n = next(_counter)
        member = JuryMember(
            certifier=certifiers[certifier], first_name=kwargs.pop("first_name", "Membre"), last_name=kwargs.pop("last_name", f"N{n}"),
            email=kwargs.pop("email", f"membre{n}@test.vae.fr"), gender=gender or (Gender.FEMALE if n % 2 else Gender.MALE),
            qualifications=list(qualifications), site=kwargs.pop("site", "Paris"), max_sessions=kwargs.pop("max_sessions", 6), **kwargs,
        )
        member.certifications = [c for c in certifiers[certifier].certifications]
        db.session.add(member)
        db.session.flush()
        return member

    return make


@pytest.fixture
def compliant_members(make_member):
    """Seven members making a compliant VAE jury for the certification (F/M alternating)."""

    def make(certification: str = "RNCP5385"):
        if certification == "RNCP5385":
            return [make_member("cnam", quals) for quals in JURY_5385]
        if certification == "RNCP40792":
            return [make_member(BTS_CERTIFIER, quals, site="Rennes") for quals in JURY_40792]
        return [make_member("askoria", quals, site="Rennes") for quals in JURY_17992]

    return make


def page_text(response) -> str:
    """A page as a person reads it: entities decoded, white space collapsed."""
    import html

    return " ".join(html.unescape(response.get_data(as_text=True)).split())


@pytest.fixture
def desk(client, coordinator, login):
    """The test client, logged in as a CNAM coordinator."""
    login(coordinator)
    return client


def visible_text(response) -> str:
    """Only the words a person sees: tags removed, white space collapsed."""
    import html
    import re

    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
