"""``{{ moment|long_date }}``, ``{{ moment|long_date:"full" }}``: dates the French way (home/dates.py)."""

from django import template

from home.dates import format_date

register = template.Library()


@register.filter(expects_localtime=True)
def long_date(value, style="date"):
    """The date in the active language; styles: date, weekday, datetime, full, short, time."""
    return format_date(value, style)
