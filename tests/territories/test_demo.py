"""``load_demo --territory``: the demo town inside its département, five sites, each on its host name."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Site

from territories.models import PostalCode, Territory

pytestmark = pytest.mark.django_db


def test_the_demo_territory_loads_once_and_every_site_answers(client):
    call_command("load_demo", "--territory", stdout=StringIO())
    call_command("load_demo", "--territory", stdout=StringIO())  # idempotent

    assert Territory.objects.filter(kind=Territory.Kind.COMMUNE).count() == 4
    assert Site.objects.count() == 5
    assert PostalCode.objects.filter(code="49320").count() == 2 and PostalCode.objects.count() == 5  # residents' choices
    demo_town = Territory.objects.get(code="49301")
    assert demo_town.site.is_default_site  # the demo town's own site, adopted
    assert demo_town.site.root_page.get_children().live().count() > 3  # its pages kept
    for host, name in [("127.0.0.1", "Saint-Aubin-sur-Loire"), ("brissac.localhost", "Brissac-Loire"),
                       ("departement.localhost", "Maine-et-Loire")]:
        response = client.get("/", HTTP_HOST=host)
        assert response.status_code == 200 and name in response.content.decode(), host
    assert client.get("/", HTTP_HOST="nulle-part.localhost").status_code == 404


def test_the_demo_departemental_consultation_is_open_in_every_town_from_its_own_site(client):
    from voting.models import Contest, RollEntry
    from voting.phases import Phase, contest_phase

    call_command("load_demo", "--territory", stdout=StringIO())
    departement = Territory.objects.get(kind=Territory.Kind.DEPARTEMENT)
    contest = Contest.objects.get(site=departement.site)
    assert contest.is_sealed and contest_phase(contest) is Phase.OPEN
    towns = set(Territory.objects.filter(kind=Territory.Kind.COMMUNE).values_list("code", flat=True))
    assert set(RollEntry.objects.filter(roll=contest.roll).values_list("commune", flat=True)) == towns
    for host in ("127.0.0.1", "brissac.localhost", "chemille.localhost", "beaupreau.localhost", "departement.localhost"):
        response = client.get("/consultation-departementale/", HTTP_HOST=host)
        assert response.status_code == 200, host
        assert f'id="vote-{contest.pk}"' in response.content.decode(), host
