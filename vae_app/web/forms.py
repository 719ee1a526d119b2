"""Forms and form checks every domain uses."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField
from wtforms.validators import ValidationError

from ..dates import EARLIEST_DATE, LATEST_DATE, out_of_range


class ConfirmForm(FlaskForm):
    """An empty form: posted with its CSRF token, it confirms a destructive action."""

    submit = SubmitField(_l("Confirmer la suppression"))


class TickBox(BooleanField):
    """A box a person ticks to say yes: only the values a browser sends for a ticked box count as ticked
    (a tampered « no » or « 0 » is not a yes)."""

    false_values = (False, "false", "", "0", "no", "non", "off", "n", "False")


def typed_date(form, field) -> None:
    """A date a person may have meant: a year out of any plausible range is a typing slip, said as such."""
    if out_of_range(field.data):
        raise ValidationError(_("Année %(year)s : vérifiez la date (entre %(first)s et %(last)s).", year=field.data.year,
                                first=EARLIEST_DATE.year, last=LATEST_DATE.year))
