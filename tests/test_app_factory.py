"""The app factory: configurations, environment overrides, refusal on bad settings."""
from __future__ import annotations

from datetime import date

import pytest

from vae_app import clock, create_app


def test_each_configuration_builds_an_app(tmp_path, monkeypatch):
    monkeypatch.setenv("VAE_SECRET_KEY", "s3cret")
    for name in ("development", "testing", "production"):
        app = create_app(name, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
        assert app.config["SECRET_KEY"]
    assert create_app("production", {"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("VAE_SECRET_KEY", raising=False)
    with pytest.raises(SystemExit, match="VAE_SECRET_KEY"):
        create_app("production", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_unknown_configuration_name_is_refused():
    with pytest.raises(SystemExit, match="must be one of"):
        create_app("staging")


def test_vae_today_fixes_the_date(monkeypatch):
    monkeypatch.setenv("VAE_TODAY", "2016-03-01")
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        assert clock.today() == date(2016, 3, 1)
        assert clock.now().date() == date(2016, 3, 1)
        assert clock.get_clock().simulated


def test_without_vae_today_the_clock_is_real(monkeypatch):
    monkeypatch.delenv("VAE_TODAY", raising=False)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        assert clock.today() == date.today()
        assert not clock.get_clock().simulated


def test_malformed_vae_today_names_the_variable(monkeypatch):
    monkeypatch.setenv("VAE_TODAY", "01/03/2016")
    with pytest.raises(SystemExit, match="VAE_TODAY='01/03/2016'"):
        create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_database_url_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("VAE_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.db")
