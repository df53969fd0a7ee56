"""The demo town has four councils with members and news, loaded once however often the loader runs."""

from io import StringIO

import pytest
from django.core.management import call_command

from councils.models import Council, CouncilArea, CouncilIndexPage, CouncilMember, CouncilPage, PollingStation
from councils.services import SeveralCouncils, find_council

pytestmark = pytest.mark.django_db


def counts():
    return [model.objects.count() for model in (Council, CouncilArea, PollingStation, CouncilPage, CouncilMember)]


def test_the_demo_has_four_councils_with_members_and_news_once(client):
    call_command("load_demo", stdout=StringIO())
    first = counts()
    call_command("load_demo", stdout=StringIO())

    assert counts() == first
    index = CouncilIndexPage.objects.get()
    assert index.show_in_menus and index.live
    pages = CouncilPage.objects.live()
    assert pages.count() == 4
    for page in pages:
        assert page.members.count() >= 3 and len(page.news) >= 3, page.title
        assert client.get(page.url).status_code == 200
    assert find_council(postcode="49100").name == "Bords de Loire"
    assert find_council(postcode="49000", street="8 rue des Tilleuls").name == "Les Tilleuls"
    with pytest.raises(SeveralCouncils):
        find_council(postcode="49000")
