"""Dates as a French reader writes them, and the dates a person may have meant to type."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from vae_app.dates import long_date, out_of_range, short_date


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
