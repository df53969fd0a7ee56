"""The demo loader fills an empty database once and changes nothing the second time."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision, Site

from home.models import ArticlePage, HomePage, SiteSettings, TutorialPage

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "pages": list(Page.objects.order_by("path").values_list("path", "title", "live")),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "users": list(get_user_model().objects.values_list("username", "password")),
    }


def test_demo_builds_a_town_and_prints_the_admin_credentials(client):
    out = StringIO()
    call_command("load_demo", stdout=out)

    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert not Page.objects.filter(depth=2).exclude(pk=home.pk).exists()  # Wagtail's welcome page is gone
    assert ArticlePage.objects.live().count() >= 4
    assert ArticlePage.objects.live().filter(slug="les-parts-egales").exists()  # equal shares explained (issue 18)
    tutorial = TutorialPage.objects.get()
    assert tutorial.flyer.file.name.endswith(".pdf") and len(tutorial.steps) == 5
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    assert settings.privacy_page.title == "Données personnelles"

    password = out.getvalue().split("password: ")[1].split()[0]
    assert client.login(username="admin", password=password)
    for page in Page.objects.live().filter(depth__gte=2):
        assert client.get(page.url).status_code == 200, page.url


def test_demo_twice_changes_nothing():
    call_command("load_demo", stdout=StringIO())
    before = snapshot()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert snapshot() == before
    assert "already exists" in out.getvalue()


def test_demo_has_votes_open_sealed_and_proclaimed(client):
    from voting.models import Contest
    from voting.phases import Phase, contest_phase

    call_command("load_demo", stdout=StringIO())
    phases = {contest_phase(contest) for contest in Contest.objects.all()}
    assert {Phase.OPEN, Phase.PROCLAIMED} <= phases
