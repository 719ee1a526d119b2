"""Pagination: the page asked for, and pages of a list computed in Python with the attributes of
Flask-SQLAlchemy's pages."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, request


def page_number() -> int:
    """The ``page`` query argument (1 when absent, below 1 or past the end: the nearest page);
    400 when it is not a whole number."""
    try:
        number = int(request.args.get("page", "1"))
    except ValueError:
        number = None
    if number is None or abs(number) >= 10**9:
        abort(400, description="page : doit être un entier positif")
    return max(1, number)


@dataclass
class ListPage:
    all_items: list
    page: int
    per_page: int

    def __post_init__(self):
        self.total = len(self.all_items)
        self.pages = (self.total + self.per_page - 1) // self.per_page
        self.page = max(1, min(self.page, self.pages or 1))
        self.items = self.all_items[(self.page - 1) * self.per_page: self.page * self.per_page]

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


class CountedPage(ListPage):
    """A page of a list counted beforehand, whose items are read for this page only (``fetch(offset, limit)``)."""

    def __init__(self, total: int, page: int, per_page: int, fetch):
        self.all_items = None
        self.total, self.per_page = total, per_page
        self.pages = (total + per_page - 1) // per_page
        self.page = max(1, min(page, self.pages or 1))
        self.items = fetch((self.page - 1) * per_page, per_page) if total else []
