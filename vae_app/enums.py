"""String enums whose members carry a French label — pure, importable by the rule engines.

``DRAFT = "draft", N_("Brouillon")`` stores ``"draft"``; ``.french`` is the
French text (the engines' explanations are French), ``.label`` the text for
the person reading, translated when shown (Flask-Babel is imported only
then, at the edge). ``N_`` marks the text for Babel's extraction.
"""
from __future__ import annotations

import enum


def N_(message: str) -> str:
    """Mark a French text for translation (Babel keyword ``N_``); it is translated where it is shown."""
    return message


class LabelledEnum(str, enum.Enum):
    """A string enum whose members carry a French label, and optionally a short one
    (``VAE = "vae", N_("Validation des acquis de l'expérience (VAE)"), N_("VAE")``)."""

    def __new__(cls, value: str, french: str | None = None, short: str | None = None):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.french = french if french is not None else value
        obj.short_french = short if short is not None else obj.french
        return obj

    @property
    def label(self):
        """The label in the reader's language (a lazy string: translated when rendered)."""
        from flask_babel import lazy_gettext

        return lazy_gettext(self.french)

    @property
    def short_label(self):
        from flask_babel import lazy_gettext

        return lazy_gettext(self.short_french)

    def __str__(self) -> str:  # "draft", not "State.DRAFT", in JSON and logs
        return self.value

    @classmethod
    def choices(cls):
        return [(m.value, m.label) for m in cls]
