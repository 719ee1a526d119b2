"""URL converters: a row id beyond what the database holds names no page (404), never an error."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1  # the largest BIGINT; SQLite's integers stop there too


class RowIdConverter(IntegerConverter):
    """``<int:…>`` in every route: a whole number no larger than a row id can be."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def register_converters(app) -> None:
    app.url_map.converters["int"] = RowIdConverter
