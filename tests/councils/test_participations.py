"""The extension point through which budget and voting list a council's open participations."""

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
