"""Dates as a French reader writes them, and the dates a person may have meant to type."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from wtforms.validators import Optional

from vae_app.dates import hour, long_date, out_of_range, short_date, shown_date
from vae_app.web.forms import DayField, Form, MomentField, typed_date


@pytest.mark.parametrize("day,short,long_fr,long_en", [
    (date(2016, 3, 1), "01/03/2016", "1er mars 2016", "1 March 2016"),
    (date(2016, 3, 15), "15/03/2016", "15 mars 2016", "15 March 2016"),
    (datetime(2016, 12, 1, 9, 30), "01/12/2016", "1er décembre 2016", "1 December 2016"),
    (date(15, 1, 1), "01/01/0015", "1er janvier 15", "1 January 15"),  # a typing slip is shown as typed, its year whole
])
def test_dates_are_written_as_people_write_them(day, short, long_fr, long_en):
    assert (short_date(day), long_date(day), long_date(day, "en")) == (short, long_fr, long_en)


@pytest.mark.parametrize("day,meant", [
    (date(1899, 12, 31), False), (date(1900, 1, 1), True), (date(2099, 12, 31), True), (date(2100, 1, 1), False),
    (date(1, 1, 1), False), (date(9999, 12, 31), False), (datetime(2100, 1, 1, 9), False), (None, True),
])
def test_a_date_out_of_any_typing_range_is_said_to_be_a_slip(day, meant):
    assert (out_of_range(day) is None) is meant


@pytest.mark.parametrize("style,french,english", [
    ("short", "01/03/2016", "01/03/2016"), ("long", "1er mars 2016", "1 March 2016"),
    ("full", "mardi 1er mars 2016", "Tuesday 1 March 2016"),
])
def test_one_helper_writes_a_day_in_each_style_and_language(style, french, english):
    assert (shown_date(date(2016, 3, 1), style), shown_date(date(2016, 3, 1), style, "en")) == (french, english)


def test_an_hour_is_written_the_french_way_in_french_and_the_english_way_in_english():
    assert (hour(datetime(2016, 3, 15, 9, 0)), hour(datetime(2016, 3, 15, 9, 0), "en")) == ("9 h 00", "09:00")


class DayForm(Form):
    day = DayField("Jour", validators=[Optional(), typed_date])


@pytest.mark.parametrize("typed,day", [("01/03/2016", date(2016, 3, 1)), ("1/3/2016", date(2016, 3, 1)),
                                       ("2016-03-01", date(2016, 3, 1)), (" 15/03/2016 ", date(2016, 3, 15)), ("", None)])
def test_a_date_field_takes_a_typed_day_as_well_as_the_picker_s(app, typed, day):
    with app.test_request_context(method="POST", data={"day": typed}):
        form = DayForm(meta={"csrf": False})
        assert form.validate() and form.day.data == day


@pytest.mark.parametrize("typed,says", [("31/02/2016", "n'existe pas"), ("mars 2016", "JJ/MM/AAAA"),
                                        ("01/03/0211", "vérifiez la date")])
def test_a_date_field_refuses_what_is_not_a_day_and_says_why_without_an_iso_hint(app, typed, says):
    with app.test_request_context(method="POST", data={"day": typed}):
        form = DayForm(meta={"csrf": False})
        assert not form.validate()
        assert says in " ".join(form.day.errors) and "AAAA-MM-JJ" not in " ".join(form.day.errors)


def test_every_date_field_of_every_form_is_the_one_day_field():
    from wtforms import DateField

    from vae_app.candidacies import forms as candidacy_forms
    from vae_app.juries import forms as jury_forms

    fields = [(module.__name__, name, value.field_class) for module in (candidacy_forms, jury_forms)
              for form in vars(module).values() if isinstance(form, type) and issubclass(form, Form)
              for name, value in vars(form).items() if hasattr(value, "field_class")]
    dated = [(m, n) for m, n, cls in fields if issubclass(cls, DateField)]
    assert dated and all(cls is DayField for m, n, cls in fields if issubclass(cls, DateField)), dated


class MomentForm(Form):
    moment = MomentField("Début", validators=[Optional(), typed_date])


@pytest.mark.parametrize("typed,moment", [
    ("2016-04-15T09:00", datetime(2016, 4, 15, 9, 0)),      # as the picker sends it
    ("15/04/2016 09:00", datetime(2016, 4, 15, 9, 0)),      # typed or pasted the French way
    ("15/04/2016 9 h 00", datetime(2016, 4, 15, 9, 0)),
    ("15/04/2016 14h", datetime(2016, 4, 15, 14, 0)),
    ("1/4/2016 23:59", datetime(2016, 4, 1, 23, 59)),
    ("", None),
])
def test_a_date_time_field_takes_a_typed_day_and_hour_as_well_as_the_picker_s(app, typed, moment):
    with app.test_request_context(method="POST", data={"moment": typed}):
        form = MomentForm(meta={"csrf": False})
        assert form.validate() and form.moment.data == moment


@pytest.mark.parametrize("typed,says", [("31/02/2016 09:00", "n'existe pas"), ("15/04/2016 24:00", "n'existe pas"),
                                        ("15/04/2016", "JJ/MM/AAAA HH:MM"), ("demain matin", "JJ/MM/AAAA HH:MM"),
                                        ("01/01/0211 09:00", "vérifiez la date")])
def test_a_date_time_field_refuses_what_is_not_a_moment_and_says_why_without_an_iso_hint(app, typed, says):
    with app.test_request_context(method="POST", data={"moment": typed}):
        form = MomentForm(meta={"csrf": False})
        assert not form.validate()
        assert says in " ".join(form.moment.errors) and "AAAA-MM-JJ" not in " ".join(form.moment.errors)


def test_every_date_time_field_of_every_form_is_the_one_moment_field():
    from wtforms import DateField, DateTimeField, DateTimeLocalField

    from vae_app.candidacies import forms as candidacy_forms
    from vae_app.juries import forms as jury_forms

    fields = [(name, value.field_class) for module in (candidacy_forms, jury_forms)
              for form in vars(module).values() if isinstance(form, type) and issubclass(form, Form)
              for name, value in vars(form).items() if hasattr(value, "field_class")]
    timed = [(n, cls) for n, cls in fields if issubclass(cls, (DateTimeField, DateTimeLocalField)) and not issubclass(cls, DateField)]
    assert timed and all(cls is MomentField for n, cls in timed), timed
