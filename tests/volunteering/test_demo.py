"""The demo's volunteering space: three associations, six missions, on the menu and the home page; loading twice changes nothing."""

import pytest

from councils import demo as councils_demo
from home import demo as home_demo
from home.models import HomePage
from volunteering import demo
from volunteering.models import Association, Mission, Offer, Skill, VolunteeringIndexPage

pytestmark = pytest.mark.django_db


def test_the_demo_is_loaded_once(client):
    home_demo.load()
    councils_demo.load()
    index = demo.load()
    counts = (Association.objects.count(), Mission.objects.count(), Offer.objects.count(), Skill.objects.count())
    demo.load()
    assert (Association.objects.count(), Mission.objects.count(), Offer.objects.count(), Skill.objects.count()) == counts
    assert counts[:2] == (3, 6)
    assert all(association.is_approved and association.council for association in Association.objects.all())
    assert VolunteeringIndexPage.objects.get().show_in_menus and index.url == "/benevolat/"
    home = HomePage.objects.get()
    assert [block.block_type for block in home.body].count("missions") == 1
    html = client.get("/").content.decode()
    assert "Devenir bénévole" in html and 'href="/benevolat/"' in html
    assert Mission.objects.filter(schedule="").count() == 3 and Mission.objects.exclude(schedule="").count() == 3
    html = client.get("/benevolat/").content.decode()
    assert "6 missions" in html
