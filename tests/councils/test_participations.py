"""The extension point through which budget and voting list a council's open participations."""

import re
from datetime import datetime, timezone

import pytest
from wagtail import hooks

from councils.participations import PARTICIPATIONS_HOOK, Participation, current_participations

from ..home.utils import make_home
from .factories import CouncilFactory, make_council_index, make_council_page

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 4, 1, 12, 0, tzinfo=timezone.utc)


def calls_for_ideas(council, *, now):
    return [
        Participation(title="Budget 2027", url="/budget/", kind="Appel à idées", closes_at=datetime(2027, 5, 1, tzinfo=timezone.utc)),
        Participation(title="Consultation permanente", url="/consultation/", kind="Consultation"),
    ]


def elections(council, *, now):
    if council.name != "Tilleuls":
        return []
    return [Participation(title=f"Élection du conseil {council.name}", url="/vote/", kind="Élection",
                          closes_at=datetime(2027, 4, 10, tzinfo=timezone.utc))]


def test_nothing_is_open_until_an_app_registers():
    assert current_participations(CouncilFactory(), now=NOW) == []


def test_each_app_adds_its_own_soonest_closing_first_then_the_open_ended():
    tilleuls = CouncilFactory(name="Tilleuls")
    with hooks.register_temporarily(PARTICIPATIONS_HOOK, calls_for_ideas), \
            hooks.register_temporarily(PARTICIPATIONS_HOOK, elections):
        titles = [item.title for item in current_participations(tilleuls, now=NOW)]
        others = [item.title for item in current_participations(CouncilFactory(name="Loire"), now=NOW)]

    assert titles == ["Élection du conseil Tilleuls", "Budget 2027", "Consultation permanente"]
    assert others == ["Budget 2027", "Consultation permanente"]


def test_the_council_page_lists_them(client):
    page = make_council_page(make_council_index(make_home()), CouncilFactory(name="Tilleuls"))
    assert "Aucun appel à idées ni vote" in client.get(page.url).content.decode()

    with hooks.register_temporarily(PARTICIPATIONS_HOOK, elections):
        html = client.get(page.url).content.decode()

    assert 'href="/vote/"' in html and "Élection du conseil Tilleuls" in html
    assert "10\u00a0avril\u00a02027" in html  # the French way (home/dates.py)


def many(council, *, now):
    return [Participation(title=f"Mission {number:02d}", url=f"/mission/{number}/", kind="Bénévolat",
                          closes_at=datetime(2027, 5, 1 + number, tzinfo=timezone.utc)) for number in range(25)]


def test_the_council_page_shows_them_ten_at_a_time_with_the_count(client):
    page = make_council_page(make_council_index(make_home()), CouncilFactory(name="Tilleuls"))
    with hooks.register_temporarily(PARTICIPATIONS_HOOK, many):
        first, second, last = (client.get(page.url + query).content.decode() for query in ("", "?page=2", "?page=3"))
        beyond = client.get(page.url + "?page=99").content.decode()

    def shown(html):
        return [int(number) for number in re.findall(r'href="/mission/(\d+)/"', html)]

    assert shown(first) == list(range(10)) and shown(second) == list(range(10, 20)) and shown(last) == list(range(20, 25))
    assert shown(beyond) == shown(last)  # a page past the end shows the last one
    assert "25 participations ouvertes" in first
    assert 'aria-current="page"><span class="visually-hidden">Page </span>2' in second
