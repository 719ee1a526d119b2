"""Texts a pure engine writes in French and a page says in the reader's language — pure, no Flask.

``Said(N_("La voie %(route)s est ouverte depuis le %(day)s."), route=..., day=...)`` *is* the French sentence (a
``str``: engines, tests and the API read it as they always did) and keeps its message and values, so that
:func:`translated` says it again through a ``gettext`` at the edge. Values may be texts of their own (``Said``,
:class:`Joined`) or plain values (codes, dates, numbers), which every language writes alike."""
from __future__ import annotations

from typing import Callable, Iterable

from .errors import Reason


class Said(Reason):
    """A :class:`~vae_app.errors.Reason` whose values may be texts of their own (``Said``, :class:`Joined`,
    :class:`Labelled`); ``lower``: written in lower case (a status inside a sentence)."""

    lower: bool

    def __new__(cls, message: str, *, lower: bool = False, **values):
        text = message % {key: str(value) for key, value in values.items()} if values else message
        obj = str.__new__(cls, text.lower() if lower else text)
        obj.message, obj.values, obj.lower = message, values, lower
        return obj


class Joined(str):
    """Texts put one after the other with ``sep`` (« , », « ; », « ») — itself a text marked ``N_`` when it holds words
    (« ou »)."""

    parts: tuple
    sep: str

    def __new__(cls, parts: Iterable, sep: str = " "):
        parts = tuple(parts)
        obj = str.__new__(cls, sep.join(str(p) for p in parts))
        obj.parts, obj.sep = parts, sep
        return obj


class Labelled(str):
    """A label the rules give in each language (``{fr: …, en: …}``): French, or its own translation."""

    labels: dict

    def __new__(cls, labels: dict, fallback: str = ""):
        obj = str.__new__(cls, labels.get("fr") or fallback)
        obj.labels = labels
        return obj


def translated(text, gettext: Callable[[str], str], lang: str = "fr") -> str:
    """``text`` in ``lang`` (its ``gettext``): a :class:`Said`, :class:`Joined` or :class:`Labelled` said again, anything
    else as it is."""
    if isinstance(text, Said):
        template = gettext(text.message)
        values = {key: translated(value, gettext, lang) for key, value in text.values.items()}
        said = template % values if values else template
        return said.lower() if text.lower else said
    if isinstance(text, Joined):
        sep = gettext(text.sep) if text.sep.strip(" ,;.:") else text.sep
        return sep.join(translated(part, gettext, lang) for part in text.parts)
    if isinstance(text, Labelled):
        return text.labels.get(lang) or str(text)
    return str(text)
