"""A collectivity's moderators review their site's associations and missions, never another's."""

import pytest
from django.utils import timezone

from territories.models import StaffGroup
from volunteering import services
from volunteering.exceptions import NotAllowed
from volunteering.models import Association, Mission

from ..accounts.factories import make_resident
from ..councils.factories import CouncilFactory

pytestmark = pytest.mark.django_db


def association(site, name):
    return Association.objects.create(name=name, slug=name.lower().replace(" ", "-"), description="x",
                                      contact_email="asso@example.org", site=site)


@pytest.fixture
def clubs(platform):
    mine, theirs = association(platform.site_a, "Club de Saint-Aubin"), association(platform.site_b, "Club de Brissac")
    now = timezone.now()
    for club in (mine, theirs):
        club.status = Association.Status.APPROVED
        club.save()
        Mission.objects.create(association=club, title=f"Mission du {club.name}", description="x", place="ici",
                               starts_at=now, ends_at=now + timezone.timedelta(hours=2), volunteers_needed=2)
    pending = association(platform.site_b, "Amis de Brissac")
    return {"mine": mine, "theirs": theirs, "pending": pending}


def test_listings_show_their_site_only(client_a, clubs):
    page = client_a.get("/admin/volunteering/associations/").content.decode()
    assert "Club de Saint-Aubin" in page and "Brissac" not in page
    page = client_a.get("/admin/volunteering/missions/").content.decode()
    assert "Mission du Club de Saint-Aubin" in page and "Brissac" not in page


@pytest.mark.parametrize("route", ["approve", "refuse", "edit", "delete", "inspect"])
def test_another_collectivitys_association_is_not_found_and_unchanged(client_a, clubs, route):
    pending = clubs["pending"]
    assert client_a.get(f"/admin/volunteering/associations/{route}/{pending.pk}/").status_code == 404
    client_a.post(f"/admin/volunteering/associations/{route}/{pending.pk}/", {"reason": "Non", "name": "Piraté"})
    after = Association.objects.get(pk=pending.pk)
    assert (after.status, after.name) == (Association.Status.PENDING, "Amis de Brissac")


@pytest.mark.parametrize("route", ["edit", "delete"])
def test_another_collectivitys_mission_is_not_found(client_a, clubs, route):
    theirs = Mission.objects.get(association=clubs["theirs"])
    assert client_a.get(f"/admin/volunteering/missions/{route}/{theirs.pk}/").status_code == 404
    client_a.post(f"/admin/volunteering/missions/{route}/{theirs.pk}/", {"title": "Piraté"})
    assert Mission.objects.get(pk=theirs.pk).title == "Mission du Club de Brissac"
    mine = Mission.objects.get(association=clubs["mine"])
    assert client_a.get(f"/admin/volunteering/missions/{route}/{mine.pk}/").status_code == 200


def test_the_service_itself_refuses_another_collectivitys_moderator(platform, clubs):
    moderator = platform.staff_of_a(StaffGroup.Role.MODERATOR)
    with pytest.raises(NotAllowed):
        services.approve_association(association=clubs["pending"], moderator=moderator)
    mine = association(platform.site_a, "Jardins partagés")
    assert services.approve_association(association=mine, moderator=moderator).status == Association.Status.APPROVED


def test_an_association_registers_on_the_site_it_was_registered_from(client, platform):
    resident = make_resident("presidente@example.org")
    client.force_login(resident)
    response = client.post("/mon-benevolat/associations/inscrire/", {
        "name": "Les Amis du Lavoir", "description": "Restaurer le lavoir.", "contact_email": "lavoir@example.org",
    }, HTTP_HOST="brissac.localhost")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Association.objects.get(name="Les Amis du Lavoir").site == platform.site_b


def test_residents_forms_offer_the_collectivitys_own_neighbourhoods(client, platform):
    ours = CouncilFactory(name="Quartier de Saint-Aubin", site=platform.site_a)
    theirs = CouncilFactory(name="Quartier de Brissac", site=platform.site_b)
    client.force_login(make_resident("amina@example.org"))
    client.defaults["HTTP_HOST"] = "saint-aubin.localhost"
    form = client.get("/mon-benevolat/associations/inscrire/").content.decode()
    assert ours.name in form and theirs.name not in form
    data = {"name": "Les Jardiniers", "description": "Un jardin partagé.", "contact_email": "jardin@asso.example"}
    refused = client.post("/mon-benevolat/associations/inscrire/", {**data, "council": theirs.pk})
    assert refused.status_code in (200, 400) and not Association.objects.filter(name="Les Jardiniers").exists()
    profile = client.get("/compte/profil/").content.decode()
    assert ours.name in profile and theirs.name not in profile
