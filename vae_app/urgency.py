"""What « urgent » means, on every page that says it: a deadline within :data:`URGENT_DAYS` days, or already past.

One definition for every kind of deadline (the answer on admissibility, the jury, a component's expiry, the end of
a registration…), so that the queue, the deadlines page and the expiry dashboard flag the same files."""
from __future__ import annotations

URGENT_DAYS = 30


def is_urgent(days: int) -> bool:
    """Whether a deadline ``days`` from today (negative: past) is urgent."""
    return days <= URGENT_DAYS
