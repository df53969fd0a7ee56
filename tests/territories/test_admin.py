"""The platform administrators' pages: territories list, INSEE import, joining; nobody else gets in."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from territories.models import StaffGroup, Territory

from .factories import join, make_territories
from .test_imports import COMPOSITION, DEPARTEMENTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser(username="root", email="r@example.org", password="x"))
    client.defaults["HTTP_HOST"] = "localhost"  # Wagtail's first site: with several, unknown hosts get a 404
    return client


def csv_file(text, encoding="utf-8"):
    return SimpleUploadedFile("insee.csv", text.encode(encoding), content_type="text/csv")


def test_the_list_shows_who_has_joined(admin_client):
    places = make_territories()
    join(places["aubin"], "saint-aubin.localhost")
    page = admin_client.get("/admin/territories/").content.decode()
    assert "Saint-Aubin-sur-Loire" in page and "saint-aubin.localhost" in page and "Brissac-Loire" in page


def test_import_then_report(admin_client):
    admin_client.post("/admin/territories/import/", {"file": csv_file(DEPARTEMENTS)})
    response = admin_client.post("/admin/territories/import/", {"file": csv_file(COMPOSITION, "cp1252"),
                                                                "departements": "49"}, follow=True)
    message = [str(message) for message in response.context["messages"]][-1]
    assert " 8 " in message  # three intercommunalities and five communes of Maine-et-Loire
    assert Territory.objects.filter(kind=Territory.Kind.COMMUNE).count() == 5


def test_a_bad_file_shows_every_error_and_imports_nothing(admin_client):
    response = admin_client.post("/admin/territories/import/", {"file": csv_file(COMPOSITION)})
    assert response.status_code == 200
    assert "role=\"alert\"" in response.content.decode() and "49" in response.content.decode()
    assert not Territory.objects.exists()


def test_join_in_one_step(admin_client):
    places = make_territories()
    response = admin_client.post(f"/admin/territories/join/{places['brissac'].pk}/",
                                 {"hostname": "Brissac.Localhost", "port": 80, "name": ""})
    assert response.status_code == 302
    assert Territory.objects.get(pk=places["brissac"].pk).site.hostname == "brissac.localhost"


@pytest.mark.parametrize("hostname", ["https://brissac.fr", "brissac.fr/", "bris sac.fr", "-brissac.fr"])
def test_join_refuses_what_is_not_a_host_name(admin_client, hostname):
    places = make_territories()
    response = admin_client.post(f"/admin/territories/join/{places['brissac'].pk}/", {"hostname": hostname, "port": 80})
    assert response.status_code == 200 and "error-message" in response.content.decode()
    assert Territory.objects.get(pk=places["brissac"].pk).site is None


def test_join_at_a_taken_address_says_so(admin_client):
    places = make_territories()
    join(places["aubin"], "saint-aubin.localhost")
    response = admin_client.post(f"/admin/territories/join/{places['brissac'].pk}/",
                                 {"hostname": "saint-aubin.localhost", "port": 80})
    assert response.status_code == 200 and "saint-aubin.localhost" in response.content.decode()
    assert Territory.objects.get(pk=places["brissac"].pk).site is None


def test_a_collectivitys_staff_cannot_reach_the_platform_pages(client):
    places = make_territories()
    join(places["aubin"], "saint-aubin.localhost")
    user = get_user_model().objects.create_user(username="maire", email="m@example.org", password="x")
    for role in StaffGroup.Role:
        user.groups.add(places["aubin"].staff_groups.get(role=role).group)
    client.force_login(user)
    for url in ("/admin/territories/", "/admin/territories/import/", f"/admin/territories/join/{places['brissac'].pk}/",
                f"/admin/territories/edit/{places['aubin'].pk}/"):
        assert client.get(url, HTTP_HOST="saint-aubin.localhost").status_code in (302, 403), url
    client.post(f"/admin/territories/join/{places['brissac'].pk}/", {"hostname": "b.localhost", "port": 80},
                HTTP_HOST="saint-aubin.localhost")
    assert Territory.objects.get(pk=places["brissac"].pk).site is None
