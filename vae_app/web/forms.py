"""Forms and form checks every domain uses."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g
from flask_babel import format_decimal, gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from jinja2 import pass_context
from wtforms import BooleanField, DateField, DateTimeLocalField, HiddenField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError
from wtforms.widgets import ListWidget

from ..controls import LINE_CONTROL, TEXT_CONTROL  # noqa: F401 (the forms' checks; imported from here too)
from ..dates import EARLIEST_DATE, LATEST_DATE, out_of_range, read_day, read_moment


class LengthLimit(Length):
    """A length check whose « too long » says the limit and what was typed (« 2 000 caractères au plus (2 345 saisis) »,
    numbers as the reader writes them): the field's name is not repeated — the error sits beside its label, and the
    page's error summary puts the label before it. The page announces the limit with a counter instead of cutting a
    pasted text short."""

    def __call__(self, form, field):
        count = len(field.data or "")
        if self.max != -1 and count > self.max and not (self.message and self.min == -1):  # a form's own wording stays
            raise ValidationError(_("%(max)s caractères au plus (%(count)s saisis). Rien n'a été enregistré : raccourcissez le texte.",
                                    count=format_decimal(count), max=format_decimal(self.max)))
        super().__call__(form, field)


def _announce_limit(field) -> None:
    """A field with a maximum length: checked by the server with :class:`LengthLimit`, announced to the browser as
    ``data-maxlength`` (a live counter) — never as ``maxlength``, which silently truncates what a person pastes."""
    checks = [LengthLimit(v.min, v.max, v.message) if type(v) is Length and v.max != -1 else v for v in field.validators]
    limit = next((v.max for v in checks if isinstance(v, LengthLimit)), None)
    if limit is None:
        return
    field.validators = checks
    if "maxlength" in vars(field.flags):
        delattr(field.flags, "maxlength")
    render_kw = {k: v for k, v in (field.render_kw or {}).items() if k != "maxlength"}
    field.render_kw = {**render_kw, "data-maxlength": limit}


class Form(FlaskForm):
    """Every form of the app: on top of its own checks, no text field holds an invisible control character
    (a NUL, a bell, an escape…), which would be stored, printed in letters and break exports — refused beside
    the field. A field's maximum length is announced and checked, not enforced by cutting (:func:`_announce_limit`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self:
            _announce_limit(field)

    def validate(self, extra_validators=None) -> bool:
        refused = {}
        for field in self:
            if isinstance(field.data, str):
                pattern = TEXT_CONTROL if isinstance(field, TextAreaField) else LINE_CONTROL
                if pattern.search(field.data):  # a NUL included: refused here, before any check that looks it up
                    refused[field.name] = _("%(field)s : caractère invisible interdit (caractère nul ou de contrôle) : retirez-le et recommencez.",
                                            field=field.label.text)
        if refused:
            for field in self:
                field.errors = list(field.process_errors or [])
                if field.name in refused:
                    field.errors.append(refused[field.name])
            return False
        return super().validate(extra_validators)


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


def _read_typed(valuelist, read, missing, malformed):
    """What a date field received, read by ``read`` (:func:`~vae_app.dates.read_day`, ``read_moment``): None when
    empty; a :class:`ValueError` saying why beside the field otherwise (``missing``: no such day; ``malformed``)."""
    text = " ".join(valuelist or []).strip()
    if not text:
        return None
    try:
        return read(text)
    except ValueError as error:
        said = missing if error.args[0] == "exists" else malformed
        raise ValueError(str(said) % {"text": text[:20]}) from None


class DayField(DateField):
    """Every date of every form: a date picker (``<input type="date">``) that also takes a day typed « 01/03/2016 »
    (JJ/MM/AAAA, where a browser has no picker or a person pastes it); a day that is not one is refused beside the
    field with why (« date inexistante », « date attendue JJ/MM/AAAA »), never an ISO hint."""

    def process_formdata(self, valuelist):
        # a plausible year is each field's own check (typed_date), or the rules' (a period's start)
        self.data = None
        self.data = _read_typed(valuelist, read_day, _l("Cette date n'existe pas : « %(text)s »."),
                                _l("Date attendue au format JJ/MM/AAAA, par exemple 01/03/2016."))


class MomentField(DateTimeLocalField):
    """Every day-and-hour of every form: a date-time picker (``<input type="datetime-local">``) that also takes
    « 15/04/2016 09:00 » or « 15/04/2016 9 h 00 » typed or pasted; refused beside the field with why, never an ISO hint."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%dT%H:%M", **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        self.data = _read_typed(valuelist, read_moment, _l("Cette date ou cette heure n'existe pas : « %(text)s »."),
                                _l("Date et heure attendues au format JJ/MM/AAAA HH:MM, par exemple 15/04/2016 09:00."))


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


@dataclass(frozen=True)
class FieldProblem:
    """A field in error, as the error summary lists it: ``target`` is the id of the field in the page (None for a
    hidden one, which has nothing to link to), ``label`` its name, ``messages`` what is wrong."""

    target: str | None
    label: str
    messages: tuple[str, ...]


def _target(field) -> str:
    """The id a link to the field reaches: a list of choices drawn as boxes or buttons is reached by its first."""
    if isinstance(field.widget, ListWidget):
        return next((option.id for option in field), field.id)
    return field.id


def _field_problems(form) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    for field in form:
        if field.type == "FormField":
            problems += _field_problems(field.form)
        elif field.type == "FieldList":
            for entry in field.entries:
                problems += _field_problems(entry.form) if entry.type == "FormField" else _field_problems([entry])
        elif field.errors and isinstance(field.errors, (list, tuple)):
            hidden = field.type in ("HiddenField", "CSRFTokenField", "VersionField")
            problems.append(FieldProblem(None if hidden else _target(field), str(field.label.text) if not hidden else "",
                                         tuple(str(message) for message in field.errors)))
    return problems


def _forms_in(value, depth: int = 0):
    """The forms a template was given: directly, or in a dict, list or tuple of them (one form per row)."""
    if isinstance(value, FlaskForm):
        yield value
    elif depth < 2 and isinstance(value, dict):
        for item in value.values():
            yield from _forms_in(item, depth + 1)
    elif depth < 2 and isinstance(value, (list, tuple)):
        for item in value:
            yield from _forms_in(item, depth + 1)


@pass_context
def refused_fields(context) -> list[FieldProblem]:
    """Every field in error among the forms of the page being rendered: the layout lists them at the top of every
    page (the ``error_summary`` macro) with a link to each, whatever the page and however its form is drawn."""
    seen: set[int] = set()
    problems = [FieldProblem(name, "", (reason,)) for name, reason in getattr(g, "refused_reasons", [])]
    for value in context.get_all().values():
        for form in _forms_in(value):
            if id(form) not in seen:
                seen.add(id(form))
                problems += _field_problems(form)
    return problems
