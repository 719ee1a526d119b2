"""Finding people as they are written: one normalisation for what is stored and what is typed, one way of matching.

A person's ``search_key`` holds their names and address lower-cased, without accents, hyphens or apostrophes
(« Émilie Quéré-Le Gall » → « emilie quere le gall »). What a person types is normalised the same way and cut into
words; a row matches when it holds every word, anywhere and in any order (« quere emilie », « emil quer »).
``%`` and ``_`` are taken literally. On PostgreSQL a trigram index (pg_trgm, GIN) serves these ``LIKE '%…%'``;
on SQLite the index on the key is scanned instead of the table.
"""
from __future__ import annotations

import re
import unicodedata

from sqlalchemy import Index, and_, event, true
from sqlalchemy.sql import ColumnElement

# letters that do not decompose into a base letter and an accent
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d"})
_SEPARATORS = re.compile(r"[\s\-‐‑–—'’ʼ`´]+")
KEY_LENGTH = 600


def normalise(text: str | None) -> str:
    """``text`` lower-cased, without accents, hyphens and apostrophes as spaces, spaces collapsed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SEPARATORS.sub(" ", bare.casefold()).strip()


def search_key(*parts: str | None) -> str:
    """The stored key of a person: their normalised names and address, in the order given."""
    return normalise(" ".join(part for part in parts if part))[:KEY_LENGTH]


def like_pattern(text: str) -> str:
    """``%text%`` for a LIKE with ``\\`` as escape: what a person types matches literally (``_``, ``%`` too)."""
    return "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def words(typed: str | None) -> list[str]:
    """The normalised words of what a person typed."""
    return normalise(typed).split()


def matches(key: ColumnElement, typed: str | None) -> ColumnElement:
    """The condition that ``key`` (a normalised column) holds every word typed; true when nothing was typed."""
    found = [key.like(like_pattern(word), escape="\\") for word in words(typed)]
    return and_(*found) if found else true()


def key_default(*fields: str):
    """The column default computing the key from the row's ``fields``: it serves inserts written as Core statements
    (the demo generator's bulk inserts) as well as the ORM's."""

    def default(context) -> str:
        values = context.get_current_parameters()
        return search_key(*(values.get(field) for field in fields))

    return default


def keep_search_key(model, *fields: str) -> None:
    """Recompute ``model.search_key`` from ``fields`` whenever the ORM writes a row: every writer keeps it."""

    def refresh(mapper, connection, target) -> None:
        target.search_key = search_key(*(getattr(target, field) for field in fields))

    event.listen(model, "before_insert", refresh)
    event.listen(model, "before_update", refresh)


def trigram_index(name: str, column: str):
    """An index serving ``LIKE '%…%'`` on ``column``: trigrams (GIN) on PostgreSQL, a b-tree elsewhere."""
    return Index(name, column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})
