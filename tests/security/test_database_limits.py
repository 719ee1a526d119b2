"""The database backend of the rate limits: a window per key, counted across connections, reset when it closes."""
from __future__ import annotations

import time

import pytest

from vae_app.rate_limits import DatabaseStorage, counts_url


@pytest.fixture
def storage(app, db):
    store = DatabaseStorage(database_url=counts_url(app.config["SQLALCHEMY_DATABASE_URI"]))
    store.reset()
    yield store
    store.reset()
    store.engine.dispose()


def test_hits_are_counted_in_a_window_and_start_again_after_it(storage):
    assert [storage.incr("login/ana", 60) for _ in range(3)] == [1, 2, 3] and storage.get("login/ana") == 3
    assert storage.get("login/other") == 0 and storage.get_expiry("login/ana") > time.time()
    assert storage.incr("short", 0) == 1 and storage.incr("short", 60) == 1  # the 0-second window had closed
    storage.clear("login/ana")
    assert storage.get("login/ana") == 0 and storage.check()


def test_two_connections_share_one_count(app, storage):
    other = DatabaseStorage(database_url=counts_url(app.config["SQLALCHEMY_DATABASE_URI"]))
    try:
        storage.incr("shared", 60)
        assert other.incr("shared", 60) == 2
    finally:
        other.engine.dispose()
