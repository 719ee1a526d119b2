"""No instance runs on a known session key: production refuses to start without one; elsewhere a key is
drawn at random on first start, kept in the instance folder, and shared by every worker."""
from __future__ import annotations

import stat
from concurrent.futures import ProcessPoolExecutor

import pytest
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

from vae_app import create_app
from vae_app.instance_key import instance_key


@pytest.fixture
def instance(tmp_path, monkeypatch):
    monkeypatch.delenv("VAE_SECRET_KEY", raising=False)
    monkeypatch.setenv("VAE_INSTANCE_PATH", str(tmp_path / "instance"))
    return tmp_path / "instance"


def build(tmp_path):
    return create_app("development", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})


def test_an_instance_without_a_key_draws_one_and_keeps_it_to_itself(tmp_path, instance):
    first = build(tmp_path).config["SECRET_KEY"]
    assert len(first) >= 48 and first == (instance / "secret_key").read_text().strip()
    assert stat.S_IMODE((instance / "secret_key").stat().st_mode) == 0o600
    assert build(tmp_path).config["SECRET_KEY"] == first  # kept across restarts


def test_two_instances_never_share_a_key(tmp_path, monkeypatch, instance):
    first = build(tmp_path).config["SECRET_KEY"]
    monkeypatch.setenv("VAE_INSTANCE_PATH", str(tmp_path / "other"))
    assert build(tmp_path).config["SECRET_KEY"] != first


def test_a_cookie_signed_with_the_old_published_key_opens_nothing(tmp_path, instance):
    app = build(tmp_path)
    forger = create_app("development", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "dev-only-not-secret"})
    forged = SecureCookieSessionInterface().get_signing_serializer(forger).dumps({"_user_id": "5", "_fresh": True})
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    with pytest.raises(BadSignature):
        serializer.loads(forged)


def test_workers_starting_together_agree_on_one_key(tmp_path):
    with ProcessPoolExecutor(max_workers=6) as pool:
        keys = {key for key, _created in pool.map(instance_key, [tmp_path / "shared"] * 12)}
    assert len(keys) == 1


def test_a_damaged_key_file_is_said_not_used(tmp_path, instance):
    instance.mkdir(parents=True)
    (instance / "secret_key").write_text("short")
    with pytest.raises(SystemExit, match="secret_key"):
        build(tmp_path)
