"""The sign-in limit holds across the workers: three gunicorn workers allow 10 attempts a minute between them,
not 10 each (the counts live in the database without Redis)."""
from __future__ import annotations

import pytest
import requests

from .server import served, server_errors

pytestmark = pytest.mark.reliability


def test_ten_attempts_a_minute_for_the_whole_instance(tmp_path):
    with served(tmp_path, demo=False, login_limit="10 per minute") as (base, _env):
        statuses = [requests.post(f"{base}/api/v1/auth/token", timeout=30,
                                  json={"email": "personne@exemple.fr", "password": "pas le bon"}).status_code for _ in range(16)]
    assert statuses[:10] == [401] * 10 and set(statuses[10:]) == {429}, statuses
    assert server_errors(tmp_path) == []
