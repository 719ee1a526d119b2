"""Forms and form checks every domain uses."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import ValidationError

from ..controls import LINE_CONTROL, TEXT_CONTROL  # noqa: F401 (the forms' checks; imported from here too)
from ..dates import EARLIEST_DATE, LATEST_DATE, out_of_range, read_day


class Form(FlaskForm):
    """Every form of the app: on top of its own checks, no text field holds an invisible control character
    (a NUL, a bell, an escape…), which would be stored, printed in letters and break exports — refused beside
    the field."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str):
                pattern = TEXT_CONTROL if isinstance(field, TextAreaField) else LINE_CONTROL
                if pattern.search(field.data):
                    field.errors = list(field.errors or []) + [
                        _("Caractère invisible interdit (caractère de contrôle) : retirez-le et recommencez.")]
                    valid = False
        return valid


class VersionField(HiddenField):
    """The version of the record a form was filled from, sent back with it: the operation refuses the form when the
    record has been saved since. Absent: None (not checked); anything but a number: a version no record has."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0]:
            text = valuelist[0].strip()
            self.data = int(text) if text.isdigit() and len(text) <= 9 else -1
        else:
            self.data = None


class ConfirmForm(Form):
    """An empty form: posted with its CSRF token, it confirms a destructive action."""

    submit = SubmitField(_l("Confirmer la suppression"))


class VersionedForm(Form):
    """An action with nothing to type: its CSRF token and the version of the record the person saw."""

    version = VersionField()


class TickBox(BooleanField):
    """A box a person ticks to say yes: only the values a browser sends for a ticked box count as ticked
    (a tampered « no » or « 0 » is not a yes)."""

    false_values = (False, "false", "", "0", "no", "non", "off", "n", "False")


class DayField(DateField):
    """Every date of every form: a date picker (``<input type="date">``) that also takes a day typed « 01/03/2016 »
    (JJ/MM/AAAA, where a browser has no picker or a person pastes it); a day that is not one is refused beside the
    field with why (« date inexistante », « date attendue JJ/MM/AAAA »), never an ISO hint."""

    def process_formdata(self, valuelist):
        text = " ".join(valuelist or []).strip()
        self.data = None
        if not text:
            return
        try:
            day = read_day(text)
        except ValueError as error:
            if error.args[0] == "exists":
                raise ValueError(_("Cette date n'existe pas : « %(text)s ».", text=text[:20])) from None
            raise ValueError(_("Date attendue au format JJ/MM/AAAA, par exemple 01/03/2016.")) from None
        self.data = day
        typed_date(None, self)


def typed_date(form, field) -> None:
    """A date a person may have meant: a year out of any plausible range is a typing slip, said as such."""
    if out_of_range(field.data):
        raise ValidationError(_("Année %(year)s : vérifiez la date (entre %(first)s et %(last)s).", year=field.data.year,
                                first=EARLIEST_DATE.year, last=LATEST_DATE.year))


class WholeNumberField(IntegerField):
    """A whole number typed by a person: one of more than 15 digits is refused beside the field (WTForms' range
    check cannot compare it and would fail with a server error)."""

    def process_formdata(self, valuelist):
        if valuelist and len((valuelist[0] or "").strip().lstrip("+-")) > 15:
            self.data = None
            raise ValueError(_l("Nombre trop grand."))
        super().process_formdata(valuelist)
