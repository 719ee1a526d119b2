"""Forms every domain uses."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField


class ConfirmForm(FlaskForm):
    """An empty form: posted with its CSRF token, it confirms a destructive action."""

    submit = SubmitField(_l("Confirmer la suppression"))
