"""A demo server on a free local port (fresh SQLite database, demo data, simulated 2016-03-01), and
how Debian's Chromium is driven against it: for the browser tests and the screenshots."""
from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

DEMO_DAY = date(2016, 3, 1)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"  # Debian's (a test tool's own download fails here)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def sign_in(page, base: str, email: str, password: str = "demo") -> None:
    """Sign in through the login form, in a Playwright page."""
    page.goto(f"{base}/connexion")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("input[type=submit]")
    page.wait_for_load_state()


@dataclass
class LiveDemo:
    """A demo server running in a thread: its base URL, how to stop it, and its simulated date."""

    url: str
    app: object
    stop: Callable[[], None]

    def move_to(self, day: date) -> None:
        """Set the server's simulated date (a jury's day comes); the next requests see it."""
        from .. import clock

        clock.install(self.app, clock.SimulatedDateClock(day))


def serve_demo(database: Path, day: date = DEMO_DAY) -> LiveDemo:
    """Start the server in a thread, on the simulated ``day`` (2016-03-01; a day of 2025 or later adds the live BTS)."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from .. import clock, create_app
    from ..certifications.registry import get_rules
    from ..database import unit_of_work
    from .loader import DemoLoader

    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "VAE_TODAY": day,
                                      "SECRET_KEY": "live-demo", "RATELIMIT_ENABLED": False, "VAE_PLANNER_SYNC": True})
    clock.install(app, clock.SimulatedDateClock(day))
    with app.app_context():
        upgrade()
        with unit_of_work():
            DemoLoader(get_rules()).load()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return LiveDemo(f"http://127.0.0.1:{server.server_port}", app, server.shutdown)
