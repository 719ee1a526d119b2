"""A refused sign-in says truly when the person may try again, from the limiter's own count: in a minute when the
minute's limit is used up, at the hour's end when the hourly one is (even while the minute's is the one that refused),
in the reader's language."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from zoneinfo import ZoneInfo

from tests.conftest import visible_text
from vae_app.auth.models import Role


@pytest.fixture
def attempts(client, make_user, limited, app, monkeypatch):
    """Sign-in attempts with a wrong password under the limit ``limit``: the last response."""
    user = make_user(Role.CANDIDATE)

    def attempt(limit: str, times: int):
        monkeypatch.setitem(app.config, "VAE_LOGIN_LIMIT", limit)
        for _ in range(times):
            response = client.post("/connexion", data={"email": user.email, "password": "wrong"})
        return response

    return attempt


def test_the_minute_s_limit_says_to_try_again_in_a_minute(attempts):
    response = attempts("2 per minute;100 per hour", 3)
    assert response.status_code == 429
    assert "Trop de tentatives de connexion : réessayez dans 1 minute." in visible_text(response)


def test_the_minute_s_limit_is_said_in_english_in_english(client, attempts):
    client.get("/langue/en")
    response = attempts("2 per minute;100 per hour", 3)
    assert response.status_code == 429
    assert "Too many sign-in attempts: try again in 1 minute." in visible_text(response)


def _said_time(text: str, pattern: str) -> datetime:
    found = re.search(pattern, text)
    assert found, text
    now = datetime.now(ZoneInfo("Europe/Paris"))
    return now.replace(hour=int(found["h"]), minute=int(found["m"]), second=0, microsecond=0)


@pytest.mark.parametrize("limit", ["100 per minute;2 per hour", "2 per minute;2 per hour"])
def test_the_hour_s_limit_says_the_time_it_ends_not_a_minute(attempts, limit):
    response = attempts(limit, 3)
    page = visible_text(response)
    assert response.status_code == 429 and "dans une minute" not in page and "dans 1 minute" not in page
    said = _said_time(page, r"Trop de tentatives de connexion : réessayez à (?P<h>\d{1,2}) h (?P<m>\d{2}), dans 60 minutes\.")
    expected = datetime.now(ZoneInfo("Europe/Paris")) + timedelta(hours=1)
    assert abs((said - expected).total_seconds()) % 86400 < 120 or abs((said - expected).total_seconds()) % 86400 > 86400 - 120


def test_the_hour_s_limit_is_said_in_english_in_english(client, attempts):
    client.get("/langue/en")
    page = visible_text(attempts("100 per minute;2 per hour", 3))
    assert re.search(r"Too many sign-in attempts: try again at \d{2}:\d{2}, in 60 minutes\.", page), page
