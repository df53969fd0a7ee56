"""Dates written for people: the French way in French, Django's formats otherwise.

French typography differs from what Django's ``date`` filter gives: the first
of the month is "1er", hours read "11 h 03", and the parts of a date are held
together by non-breaking spaces so "1er" never ends a line and "décembre"
starts the next. Every page, e-mail, notice and kit shows its dates through
:func:`format_date` (templates through the ``long_date`` filter of
``home/templatetags/dates.py``), so a town reads the same form everywhere.
"""

import datetime

from django.utils import formats, timezone, translation

NBSP = "\u00a0"

# style -> Django format used in any language but French (what the templates showed before).
ENGLISH_FORMATS = {
    "date": "j F Y",  # 1 December 2026
    "weekday": "l j F Y",  # Monday 1 December 2026
    "datetime": "j F Y, H:i",  # 1 December 2026, 11:03
    "full": "l j F Y, H:i",  # Monday 1 December 2026, 11:03
    "short": "j M Y",  # 1 Dec 2026
    "time": "H:i",  # 11:03
}
STYLES = frozenset(ENGLISH_FORMATS)
# The usual French abbreviations (Django's "b" drops the dot and cuts "juin"/"juil" alike).
SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def _french_day(day: int) -> str:
    return "1er" if day == 1 else str(day)


def _french(value, style: str) -> str:
    parts = []
    if style != "time":
        if style in ("weekday", "full"):
            parts.append(formats.date_format(value, "l"))
        month = SHORT_MONTHS[value.month - 1] if style == "short" else formats.date_format(value, "F")
        parts.append(f"{_french_day(value.day)}{NBSP}{month}{NBSP}{value.year}")
    if isinstance(value, datetime.datetime) and style in ("datetime", "full", "time"):
        clock = f"{value.hour}{NBSP}h{NBSP}{value.minute:02d}"
        parts.append(clock if style == "time" else f"à{NBSP}{clock}")
    return " ".join(parts)


def format_date(value, style: str = "date", *, english_format: str | None = None) -> str:
    """``value`` (a date, or a datetime shown in the current time zone) written in the active language.

    In French: "1er décembre 2026", "lundi 1er décembre 2026 à 11 h 03" (``style="full"``),
    with non-breaking spaces inside. In other languages: Django's ``date`` format of the style
    (``ENGLISH_FORMATS``), or ``english_format`` when a caller showed another one before.
    ``None`` or an empty value gives "".
    """
    if value in (None, ""):
        return ""
    if style not in STYLES:
        raise ValueError(f"unknown date style {style!r}; one of {sorted(STYLES)}")
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if (translation.get_language() or "").split("-")[0] == "fr":
        return _french(value, style)
    return formats.date_format(value, english_format or ENGLISH_FORMATS[style])
