"""French plurals for the French the app is written in: « 0 pièce », « 1 pièce », « 2 pièces ».

French has no catalogue of its own (its texts are the message ids), so gettext would choose between an id's singular
and plural the English way (« 0 pièces »). Every French catalogue gets, as its fallback, one that chooses the French
way: below 2, the singular. English keeps its catalogue's own rule (« 0 pieces », « 1 piece »)."""
from __future__ import annotations

from babel.support import NullTranslations


class FrenchSource(NullTranslations):
    """The source texts, chosen between by the French rule."""

    def ngettext(self, singular, plural, n):
        return singular if abs(n) < 2 else plural

    ungettext = ngettext


def install(babel) -> None:
    """Give the French catalogues of ``babel``'s domain the French rule (once, however many apps are built)."""
    from flask_babel import get_locale

    domain = babel.domain_instance
    if getattr(domain, "_french_plurals", False):
        return
    original = domain.get_translations

    def get_translations():
        translations = original()
        locale = get_locale()
        if locale is not None and locale.language == "fr" and not getattr(translations, "_french_plurals", False):
            translations.add_fallback(FrenchSource())
            translations._french_plurals = True
        return translations

    domain.get_translations = get_translations
    domain._french_plurals = True
