"""The one clock of the application.

Every rule evaluation, deadline and audit timestamp asks this module for
"today" or "now". ``VAE_TODAY`` (config) fixes the date: the demo runs on
2016-03-01 and the layout shows a banner. Tests install a :class:`FrozenClock`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from flask import current_app

EXTENSION_KEY = "vae_clock"


def wall_now() -> datetime:
    """The real time (naive UTC), whatever date the app simulates: for a worker's sign of life, never for a date
    that goes on the record."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class SystemClock:
    """The real date and time."""

    simulated = False

    def now(self) -> datetime:
        """Current UTC time, naive (the database stores naive UTC)."""
        return datetime.now(timezone.utc).replace(tzinfo=None)

    def today(self) -> date:
        return date.today()


@dataclass
class SimulatedDateClock(SystemClock):
    """A fixed date; the time of day still runs, so events keep their order."""

    fixed: date
    simulated = True

    def now(self) -> datetime:
        return datetime.combine(self.fixed, super().now().time())

    def today(self) -> date:
        return self.fixed


@dataclass
class FrozenClock(SystemClock):
    """A fully frozen instant, for tests; ``advance`` moves it."""

    instant: datetime
    simulated = True

    def now(self) -> datetime:
        return self.instant

    def today(self) -> date:
        return self.instant.date()

    def set(self, when: date | datetime) -> None:
        self.instant = when if isinstance(when, datetime) else datetime.combine(when, time(9))


def clock_for(fixed: date | None) -> SystemClock:
    return SimulatedDateClock(fixed) if fixed else SystemClock()


def install(app, clock: SystemClock) -> None:
    app.extensions[EXTENSION_KEY] = clock


def get_clock() -> SystemClock:
    return current_app.extensions[EXTENSION_KEY]


def today() -> date:
    """Today's date for the running app (simulated when configured)."""
    return get_clock().today()


def now() -> datetime:
    """Now, naive UTC (simulated date when configured)."""
    return get_clock().now()
