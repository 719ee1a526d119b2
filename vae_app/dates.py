"""Dates as a French reader writes them: « 01/03/2016 » in tables and « 1er mars 2016 » in letters
(English: « 01/03/2016 » and « 1 March 2016 »). Pure: operations write letters with it too."""
from __future__ import annotations

import re
from datetime import date, datetime

MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"),
}


# The dates a person may type: beyond them a date is a typing slip (« 0211 », « 9999 »), said as such — an
# input bound, not a rule of law (the rules say what is plausible within it).
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2099, 12, 31)


def short_date(day: date | datetime) -> str:
    """« 01/03/2016 » (the year always in four digits)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def out_of_range(day: date | datetime | None) -> str | None:
    """Why a typed date cannot be meant (None: it can)."""
    if day is None:
        return None
    value = day.date() if isinstance(day, datetime) else day
    if value < EARLIEST_DATE or value > LATEST_DATE:
        return f"année {value.year} : vérifiez la date (entre {EARLIEST_DATE.year} et {LATEST_DATE.year})"
    return None


def long_date(day: date | datetime, lang: str = "fr") -> str:
    """« 1er mars 2016 », « 15 mars 2016 »; « 1 March 2016 » in English."""
    month = MONTHS.get(lang, MONTHS["fr"])[day.month - 1]
    number = "1er" if day.day == 1 and lang != "en" else str(day.day)
    return f"{number} {month} {day.year}"


WEEKDAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def full_date(day: date | datetime, lang: str = "fr") -> str:
    """« mardi 1er mars 2016 »; « Tuesday 1 March 2016 » in English."""
    return f"{WEEKDAYS.get(lang, WEEKDAYS['fr'])[day.weekday()]} {long_date(day, lang)}"


def hour(moment: datetime, lang: str = "fr") -> str:
    """« 9 h 00 » as French writes an hour; « 09:00 » in English."""
    return french_hour(moment) if lang != "en" else f"{moment.hour:02d}:{moment.minute:02d}"


def shown_date(day: date | datetime, style: str = "short", lang: str = "fr") -> str:
    """A day as a page shows it: « 01/03/2016 » in tables and forms (``short``), « 1er mars 2016 » in sentences
    (``long``), « mardi 1er mars 2016 » as a heading (``full``); the English forms in English."""
    if style == "full":
        return full_date(day, lang)
    return long_date(day, lang) if style in ("medium", "long") else short_date(day)


ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def document_day(value, path: str, errors: list) -> date | None:
    """A date of a JSON document, written AAAA-MM-JJ and within the years people type (1900–2099); None with the
    field and the reason added to ``errors`` otherwise (``20160315`` or ``2016-W11-2`` are not accepted)."""
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            errors.append((path, f"date inexistante {value!r}"))
            return None
        problem = out_of_range(day)
        if problem:
            errors.append((path, problem))
            return None
        return day
    errors.append((path, f"date AAAA-MM-JJ attendue, reçu {value!r}"[:200]))
    return None


def optional_day(value, path: str, errors: list) -> date | None:
    """An optional date of a JSON document (``received_on`` of a jury or planning file): None when absent; else as
    :func:`document_day`."""
    return None if value is None else document_day(value, path, errors)


TYPED_DAY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def read_day(text: str) -> date:
    """A day written « 01/03/2016 » (JJ/MM/AAAA) or as a date input sends it, « 2016-03-01 », whatever its year;
    :class:`ValueError` if it is written otherwise (``args[0]`` is ``"format"``) or does not exist (``"exists"``)."""
    text = (text or "").strip()
    found = TYPED_DAY.fullmatch(text)
    if not found and not ISO_DAY.fullmatch(text):
        raise ValueError("format")
    try:
        return date(int(found.group(3)), int(found.group(2)), int(found.group(1))) if found else date.fromisoformat(text)
    except ValueError:
        raise ValueError("exists") from None


TYPED_TIME = re.compile(r"([0-9]{1,2})\s*(?:[:h]\s*([0-9]{2})?)?", re.IGNORECASE)


def read_moment(text: str) -> datetime:
    """A day and an hour written « 15/04/2016 09:00 » or « 15/04/2016 9 h 00 », or as a date-time input sends them,
    « 2016-04-15T09:00 »; :class:`ValueError` as :func:`read_day` (``"format"``, ``"exists"``)."""
    text = (text or "").strip()
    day_text, _sep, time_text = text.replace("T", " ", 1).partition(" ")
    found = TYPED_TIME.fullmatch(time_text.strip())
    if not found:
        raise ValueError("format")
    day = read_day(day_text)
    hours, minutes = int(found.group(1)), int(found.group(2) or 0)
    if hours > 23 or minutes > 59:
        raise ValueError("exists")
    return datetime(day.year, day.month, day.day, hours, minutes)


def typed_day(text: str) -> date:
    """A day a person typed, « 01/03/2016 » (JJ/MM/AAAA), or as a date input sends it, « 2016-03-01 »;
    :class:`ValueError` saying why in French otherwise."""
    try:
        day = read_day(text)
    except ValueError as error:
        if error.args[0] == "exists":
            raise ValueError(f"date inexistante « {(text or '').strip()[:20]} »") from None
        raise ValueError("date attendue JJ/MM/AAAA") from None
    problem = out_of_range(day)
    if problem:
        raise ValueError(problem)
    return day


# French elides « de », « que » before a vowel sound. Before an h it may or may not (« d'Hélène », « de Hugues »): a
# name's h is not elided, to be safe.
VOWELS = frozenset("aeiouyàâäáéèêëíîïóôöùûüúÿœæ")


def elided(word: str, following: str) -> str:
    """« que » before « Émilie » is « qu' », « de » before « Anne » is « d' »; before a consonant or an h the word stays
    whole: the word as it is written before ``following``, with its space or apostrophe."""
    if following[:1].casefold() in VOWELS:
        return word[:-1] + "'"
    return word + " "


def de(name: str) -> str:
    """« de » as French writes it before a person's name: « d' » before « Éric » or « Anne », « de » before « Jean » or
    « Hugo ». The one place texts write « de <name> »: a message says « %(de)s%(name)s » and is given ``de=de(name)``
    (English leaves ``de`` out)."""
    return elided("de", name)


def of_name(name: str) -> str:
    """« de Jean Roy », « d'Éric Roy »: « de » and the name, for a text that is not translated (a French letter)."""
    return de(name) + name


def french_hour(moment: datetime) -> str:
    """« 9 h 00 », « 14 h 30 »: the hour as a French letter writes it."""
    return f"{moment.hour} h {moment.minute:02d}"
