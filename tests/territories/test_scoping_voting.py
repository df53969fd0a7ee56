"""A collectivity's election officers run their site's votes and rolls; another's are not found, unchanged."""

import pytest

from voting.models import AuditEvent, Contest, VoterRoll
from voting.services.audit import log

from ..voting.factories import make_contest, make_ready_roll, sealed
from ..voting.test_admin_contests import contest_form
from ..voting.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def votes(platform):
    mine_roll, their_roll = make_ready_roll(), make_ready_roll()
    VoterRoll.objects.filter(pk=mine_roll.pk).update(site=platform.site_a, name="Liste de Saint-Aubin")
    VoterRoll.objects.filter(pk=their_roll.pk).update(site=platform.site_b, name="Liste de Brissac")
    mine = make_contest(title="Place de Saint-Aubin", roll=mine_roll, site=platform.site_a)
    theirs, _secrets = sealed(make_contest(title="Pont de Brissac", roll=their_roll, site=platform.site_b))
    for contest in (mine, theirs):
        log(contest=contest, action="test_event", actor=None)
    return {"mine": mine, "theirs": theirs, "mine_roll": mine_roll, "their_roll": their_roll}


def test_listings_show_their_sites_votes_rolls_and_log_only(client_a, votes):
    page = client_a.get("/admin/votes/contests/").content.decode()
    assert "Place de Saint-Aubin" in page and "Pont de Brissac" not in page
    page = client_a.get("/admin/votes/rolls/").content.decode()
    assert "Liste de Saint-Aubin" in page and "Liste de Brissac" not in page
    page = client_a.get("/admin/votes/audit/").content.decode()
    assert "Place de Saint-Aubin" in page and "Pont de Brissac" not in page


@pytest.mark.parametrize("route", [
    "contests/edit/{pk}/", "contests/delete/{pk}/", "contests/manage/{pk}/", "contests/manage/{pk}/seal/",
    "contests/manage/{pk}/close/", "contests/manage/{pk}/count/", "contests/manage/{pk}/proclaim/",
    "contests/paper/{pk}/", "contests/paper/{pk}/001/", "contests/paper/{pk}/001/list/",
    "contests/paper/{pk}/001/list.csv", "contests/paper/{pk}/voter/1/",
])
def test_another_collectivitys_contest_is_not_found_and_unchanged(client_a, votes, route):
    theirs = votes["theirs"]
    before = Contest.objects.filter(pk=theirs.pk).values().get()
    url = "/admin/votes/" + route.format(pk=theirs.pk)
    assert client_a.get(url).status_code in (404, 405)
    assert client_a.post(url, {"title": "Piraté"}).status_code in (404, 405)
    assert Contest.objects.filter(pk=theirs.pk).values().get() == before


def test_another_collectivitys_roll_is_not_found(client_a, votes):
    assert client_a.get(f"/admin/votes/rolls/edit/{votes['their_roll'].pk}/").status_code == 404
    assert client_a.get(f"/admin/votes/rolls/edit/{votes['mine_roll'].pk}/").status_code == 200


def test_a_contest_cannot_use_another_collectivitys_roll(client_a, platform, votes):
    trustees = [("Mairie", make_user("mairie")), ("Opposition", make_user("opposition"))]
    response = client_a.post("/admin/votes/contests/new/", contest_form(roll=votes["their_roll"], trustees=trustees))
    assert response.status_code == 200 and not Contest.objects.filter(title="Place du marché").exists()
    client_a.post("/admin/votes/contests/new/", contest_form(roll=votes["mine_roll"], trustees=trustees))
    assert Contest.objects.get(title="Place du marché").site == platform.site_a  # issued from the site it was made on
