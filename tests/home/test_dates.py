"""Dates the French way ("1er décembre 2026", "11 h 03") in French, Django's formats unchanged in English."""

from datetime import date, datetime
from datetime import timezone as dt_timezone

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from home.dates import format_date

NBSP = "\u00a0"
# 11:03 in Paris: the helper shows aware datetimes in the town's time zone, like Django's date filter.
FIRST_OF_DECEMBER = timezone.make_aware(datetime(2026, 12, 1, 11, 3))


@pytest.mark.parametrize(("style", "expected"), [
    ("date", "1er décembre 2026"),
    ("weekday", "mardi 1er décembre 2026"),
    ("datetime", "1er décembre 2026 à 11 h 03"),
    ("full", "mardi 1er décembre 2026 à 11 h 03"),
    ("short", "1er déc. 2026"),
    ("time", "11 h 03"),
])
def test_french_forms(style, expected):
    with translation.override("fr"):
        written = format_date(FIRST_OF_DECEMBER, style)
    assert written.replace(NBSP, " ") == expected


def test_non_breaking_spaces_hold_the_day_month_year_and_the_hour_together():
    with translation.override("fr"):
        assert format_date(FIRST_OF_DECEMBER, "full") == f"mardi 1er{NBSP}décembre{NBSP}2026 à{NBSP}11{NBSP}h{NBSP}03"


def test_only_the_first_of_the_month_is_an_ordinal():
    with translation.override("fr"):
        assert format_date(date(2026, 12, 2)) == f"2{NBSP}décembre{NBSP}2026"
        assert format_date(date(2027, 1, 11)) == f"11{NBSP}janvier{NBSP}2027"
        assert format_date(date(2027, 7, 1), "short") == f"1er{NBSP}juil.{NBSP}2027"


def test_aware_times_are_shown_in_the_towns_time_zone():
    midnight_utc = datetime(2026, 6, 30, 22, 5, tzinfo=dt_timezone.utc)  # 00:05 in Paris, summer time
    with translation.override("fr"):
        assert format_date(midnight_utc, "datetime").replace(NBSP, " ") == "1er juillet 2026 à 0 h 05"


def test_english_is_unchanged():
    with translation.override("en"):
        assert format_date(FIRST_OF_DECEMBER) == "1 December 2026"
        assert format_date(FIRST_OF_DECEMBER, "full") == "Tuesday 1 December 2026, 11:03"
        assert format_date(FIRST_OF_DECEMBER, "short") == "1 Dec 2026"
        # Python callers keep the format they showed before.
        assert format_date(FIRST_OF_DECEMBER, "datetime", english_format="DATETIME_FORMAT") == "Dec. 1, 2026, 11:03 a.m."


def test_empty_values_and_unknown_styles():
    assert format_date(None) == ""
    with pytest.raises(ValueError, match="unknown date style"):
        format_date(FIRST_OF_DECEMBER, "fancy")


def test_the_template_filter():
    template = Template('{% load parvis_dates %}{{ when|long_date:"full" }} / {{ day|long_date }}')
    with translation.override("fr"):
        html = template.render(Context({"when": FIRST_OF_DECEMBER, "day": date(2027, 5, 1)}))
    assert html.replace(NBSP, " ") == "mardi 1er décembre 2026 à 11 h 03 / 1er mai 2027"


@pytest.mark.django_db
def test_an_article_page_shows_its_date_the_french_way(client):
    from .utils import make_article, make_article_index, make_home

    article = make_article(make_article_index(make_home()), "Budget voté", date(2026, 12, 1))

    html = client.get(article.url).content.decode()

    assert f">1er{NBSP}décembre{NBSP}2026</time>" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert ">1 December 2026</time>" in client.get(article.url).content.decode()
    translation.activate("fr")  # the English request left its language on this thread


@pytest.mark.django_db
def test_the_vote_opening_e_mail_gives_the_closing_time_the_french_way(mailoutbox):
    from councils.votes import notices

    from ..accounts.factories import make_resident
    from ..councils.election_factories import make_town, open_election

    town = make_town()
    election, _secrets = open_election(town)
    make_resident("centre@example.org", council=town["centre"], notify_vote_opened=True)
    mailoutbox.clear()

    with translation.override("fr"):  # the beat worker's language: the site's, French
        notices.send_due_notices()

    closes_at = election.ballots.get(council=town["centre"]).contest.closes_at
    with translation.override("fr"):
        expected = format_date(closes_at, "full")
    (message,) = mailoutbox
    assert expected in message.body and f"{NBSP}h{NBSP}" in expected
