"""Dates as a French reader writes them: « 01/03/2016 » in tables and « 1er mars 2016 » in letters
(English: « 01/03/2016 » and « 1 March 2016 »). Pure: operations write letters with it too."""
from __future__ import annotations

from datetime import date, datetime

MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"),
}


def short_date(day: date | datetime) -> str:
    return f"{day:%d/%m/%Y}"


def long_date(day: date | datetime, lang: str = "fr") -> str:
    """« 1er mars 2016 », « 15 mars 2016 »; « 1 March 2016 » in English."""
    month = MONTHS.get(lang, MONTHS["fr"])[day.month - 1]
    number = "1er" if day.day == 1 and lang != "en" else str(day.day)
    return f"{number} {month} {day.year}"
