"""Helpers the templates use: dates in French, rules lookups, the simulated clock."""
from __future__ import annotations

from datetime import date

from flask_babel import format_date, format_datetime

from .. import clock
from ..certifications.registry import get_rules
from .i18n import current_language
from .navigation import nav_items


def register_template_helpers(app) -> None:
    @app.context_processor
    def inject():
        current = clock.get_clock()
        return {
            "today": current.today(),
            "simulated_date": current.today() if current.simulated else None,
            "lang": current_language(),
        }

    app.add_template_global(nav_items)

    @app.template_filter("when")
    def _when(value) -> str:
        """An audit timestamp (naive UTC) in the user's time zone (Europe/Paris)."""
        return format_datetime(value, "d MMM y, HH:mm") if value else "—"

    @app.template_filter("date")
    def _date(value: date | None, style: str = "medium") -> str:
        return format_date(value, style) if value else "—"

    @app.template_global()
    def certification_title(code: str, on: date | None = None) -> str:
        rules = get_rules().certification(code)
        return rules.title_on(on or clock.today())

    @app.template_global()
    def state_label(value: str) -> str:
        from ..candidacies.models import CandidacyState

        try:
            return str(CandidacyState(value).label)
        except ValueError:
            return value

    @app.template_global()
    def event_label(event: str) -> str:
        from ..candidacies.workflow import MOVES
        from flask_babel import gettext as _

        if event in MOVES:
            return str(MOVES[event].label)
        return {
            "create": _("Création du dossier"), "register": _("Inscription"),
            "create_session": _("Session créée"), "update_session": _("Session modifiée"), "delete_session": _("Session supprimée"),
            "add_member": _("Membre ajouté au jury"), "remove_member": _("Membre retiré du jury"),
            "reopen_session": _("Session à confirmer de nouveau"), "add_candidate": _("Dossier ajouté à la session"),
            "remove_candidate": _("Dossier retiré de la session"), "confirm_session": _("Session confirmée"),
            "hold_session": _("Session tenue (décisions enregistrées)"), "create_member": _("Membre créé"),
            "update_member": _("Membre modifié"), "add_tie": _("Lien déclaré"), "delete_member": _("Membre supprimé"),
        }.get(event, event)

    @app.template_global()
    def qualification_label(name: str) -> str:
        return get_rules().qualification_label(name, current_language())

    app.add_template_filter(qualification_label, "qualification_label_filter")

    @app.template_global()
    def remaining(candidacy) -> list[str]:
        """Codes of the components a candidate still has to obtain (valid acquired ones excluded)."""
        from ..candidacies.services import components_to_assess

        return [c.code for c in components_to_assess(candidacy, get_rules(), clock.today())]

    @app.template_global()
    def next_step(candidacy) -> str:
        from ..candidacies.services import NEXT_STEPS

        return NEXT_STEPS[candidacy.state]
