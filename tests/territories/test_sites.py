"""Joining the platform: one step gives a collectivity its site; Wagtail's permissions keep staff to theirs."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.images.models import Image
from wagtail.models import Collection, GroupPagePermission, Page, Site

from home.models import ArticleIndexPage, HomePage, SiteSettings, StandardPage
from territories.exceptions import AlreadyJoined, HostnameTaken
from territories.models import StaffGroup, Territory
from territories.rules import collectivities_of, may_act_for

from .factories import join, make_territories

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    return make_territories()


def staff(territory, role, username):
    user = get_user_model().objects.create_user(username=username, email=f"{username}@example.org", password="x")
    user.groups.add(territory.staff_groups.get(role=role).group)
    return user


def test_one_step_gives_site_pages_settings_collection_and_groups(places):
    site = join(places["aubin"], "Saint-Aubin.Localhost")
    territory = Territory.objects.get(pk=places["aubin"].pk)

    assert territory.site == site and site.hostname == "saint-aubin.localhost"
    home = site.root_page.specific
    assert isinstance(home, HomePage) and home.live and home.title == "Saint-Aubin-sur-Loire"
    children = {type(page.specific) for page in home.get_children().live()}
    assert children == {ArticleIndexPage, StandardPage}
    settings = SiteSettings.for_site(site)
    assert settings.town_name == "Saint-Aubin-sur-Loire"
    assert settings.legal_page and settings.privacy_page and settings.accessibility_page
    assert territory.collection.get_parent() == Collection.get_first_root_node()
    assert set(territory.staff_groups.values_list("role", flat=True)) == set(StaffGroup.Role)
    editors = territory.staff_groups.get(role=StaffGroup.Role.EDITOR).group
    assert GroupPagePermission.objects.filter(group=editors, page=home).count() == 5


def test_refused_twice_or_at_a_taken_address_and_nothing_is_created(places):
    join(places["aubin"], "saint-aubin.localhost")
    pages, groups = Page.objects.count(), StaffGroup.objects.count()
    with pytest.raises(AlreadyJoined):
        join(places["aubin"], "autre.localhost")
    with pytest.raises(HostnameTaken):
        join(places["brissac"], "saint-aubin.localhost")
    assert (Page.objects.count(), StaffGroup.objects.count()) == (pages, groups)
    assert Territory.objects.get(pk=places["brissac"].pk).site is None


def test_staff_act_for_their_collectivity_only(places):
    join(places["aubin"], "saint-aubin.localhost")
    join(places["brissac"], "brissac.localhost")
    editor = staff(places["aubin"], StaffGroup.Role.EDITOR, "editrice")
    assert list(collectivities_of(editor)) == [places["aubin"]]
    assert may_act_for(editor, places["aubin"]) and not may_act_for(editor, places["brissac"])
    assert not may_act_for(editor, places["aubin"], role=StaffGroup.Role.OFFICER)
    admin = get_user_model().objects.create_superuser(username="root", email="root@example.org", password="x")
    assert collectivities_of(admin).count() == Territory.objects.count()


def test_an_editor_edits_their_pages_never_another_collectivitys(client, places):
    mine = join(places["aubin"], "saint-aubin.localhost").root_page
    theirs = join(places["brissac"], "brissac.localhost").root_page
    client.force_login(staff(places["aubin"], StaffGroup.Role.EDITOR, "editrice"))

    assert client.get(f"/admin/pages/{mine.pk}/edit/", HTTP_HOST="saint-aubin.localhost").status_code == 200
    response = client.get(f"/admin/pages/{theirs.pk}/edit/", HTTP_HOST="saint-aubin.localhost")
    assert response.status_code in (302, 403) and "brissac" not in response.content.decode().lower()
    response = client.post(f"/admin/pages/{theirs.pk}/edit/", {"title": "Piraté", "slug": "x"},
                           HTTP_HOST="saint-aubin.localhost")
    assert response.status_code in (302, 403)
    assert Page.objects.get(pk=theirs.pk).title == "Brissac-Loire"


def test_an_editor_sees_their_images_only(client, places):
    join(places["aubin"], "saint-aubin.localhost")
    join(places["brissac"], "brissac.localhost")
    for place in ("aubin", "brissac"):
        territory = Territory.objects.get(pk=places[place].pk)
        Image.objects.create(title=f"Photo de {place}", file=get_test_image_file(), collection=territory.collection)
    client.force_login(staff(places["aubin"], StaffGroup.Role.EDITOR, "editrice"))

    for url in ("/admin/images/", "/admin/images/chooser/"):
        page = client.get(url, HTTP_HOST="saint-aubin.localhost").content.decode()
        assert "Photo de aubin" in page and "Photo de brissac" not in page
    other = Image.objects.get(title="Photo de brissac")
    assert client.get(f"/admin/images/{other.pk}/", HTTP_HOST="saint-aubin.localhost").status_code in (302, 403)


def test_a_moderator_or_officer_gets_no_page_rights(client, places):
    mine = join(places["aubin"], "saint-aubin.localhost").root_page
    client.force_login(staff(places["aubin"], StaffGroup.Role.OFFICER, "agent"))
    assert client.get("/admin/", HTTP_HOST="saint-aubin.localhost").status_code == 200
    assert client.get(f"/admin/pages/{mine.pk}/edit/", HTTP_HOST="saint-aubin.localhost").status_code in (302, 403)


def test_each_host_serves_its_own_site_and_an_unknown_one_a_clear_404(client, places):
    join(places["aubin"], "saint-aubin.localhost")
    join(places["brissac"], "brissac.localhost")
    assert "Saint-Aubin-sur-Loire" in client.get("/", HTTP_HOST="saint-aubin.localhost").content.decode()
    assert "Brissac-Loire" in client.get("/", HTTP_HOST="brissac.localhost").content.decode()
    response = client.get("/", HTTP_HOST="saint-aubn.localhost")
    assert response.status_code == 404
    assert "saint-aubn.localhost" in response.content.decode()
    assert "Saint-Aubin-sur-Loire" not in response.content.decode()


def test_with_a_single_site_any_allowed_host_still_serves_it(client, places):
    # One town per installation, as before: its only site answers whatever the host name.
    Site.objects.all().delete()
    join(places["aubin"], "saint-aubin.localhost")
    response = client.get("/", HTTP_HOST="mairie.example")
    assert response.status_code == 200 and "Saint-Aubin-sur-Loire" in response.content.decode()


def test_an_editor_edits_their_sites_settings_only(client, places):
    mine = join(places["aubin"], "saint-aubin.localhost")
    theirs = join(places["brissac"], "brissac.localhost")
    client.force_login(staff(places["aubin"], StaffGroup.Role.EDITOR, "editrice"))
    url = "/admin/settings/home/sitesettings/{}/"
    assert client.get(url.format(mine.pk), HTTP_HOST="saint-aubin.localhost").status_code == 200
    assert client.get(url.format(theirs.pk), HTTP_HOST="saint-aubin.localhost").status_code in (302, 403)
    client.post(url.format(theirs.pk), {"town_name": "Piraté"}, HTTP_HOST="saint-aubin.localhost")
    assert SiteSettings.for_site(theirs).town_name == "Brissac-Loire"


def test_an_ip_address_names_no_collectivity_and_gets_the_default_site(client, places):
    join(places["aubin"], "saint-aubin.localhost")
    join(places["brissac"], "brissac.localhost")
    assert client.get("/", HTTP_HOST="127.0.0.1").status_code != 404
