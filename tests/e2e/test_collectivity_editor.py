"""A town's editor signs in to the admin of a platform of several towns, creates and publishes a consultation
on their own town's site, and sees nothing of another town's pages (nor can add or publish there) (#15)."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from playwright.sync_api import expect

from councils.models import ConsultationIndexPage, ConsultationPage
from territories.models import StaffGroup
from wagtail.models import Page

from tests.territories.conftest import Platform

from .conftest import blocking_violations


def minute(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def test_a_towns_editor_publishes_a_consultation_on_their_site_only(browser, desktop, migrated_data, live_server, axe):
    with translation.override("fr"):  # the starter pages are named in the language of the one who joins
        platform = Platform()
    editor = platform.staff_of_a(StaffGroup.Role.EDITOR, username="editrice-a")
    editor.set_password("mot-de-passe-solide")
    editor.save()
    for name in ("cabinet", "opposition"):
        get_user_model().objects.create_user(name, f"{name}@saint-aubin.example", "x", is_staff=True)
    for home, title in ((platform.home_a, "Votes de Saint-Aubin"), (platform.home_b, "Votes de Brissac")):
        index = ConsultationIndexPage(title=title, slug="votes")
        home.add_child(instance=index)
        index.save_revision().publish()
    index_a = ConsultationIndexPage.objects.get(title="Votes de Saint-Aubin")
    index_b = ConsultationIndexPage.objects.get(title="Votes de Brissac")
    port = urlsplit(live_server.url).port
    town_a, town_b = f"http://saint-aubin.localhost:{port}", f"http://brissac.localhost:{port}"
    now = timezone.now()

    desktop.goto(town_a + "/admin/login/")
    desktop.locator("#id_username").fill("editrice-a")
    desktop.locator("#id_password").fill("mot-de-passe-solide")
    desktop.locator("button[type=submit]").click()
    expect(desktop).to_have_url(re.compile(r"/admin/$"))

    # The page explorer starts at their town's home page: the other town's tree is not there. (Its
    # "Site" filter names every site of the platform: Wagtail's, and the sites are public anyway.)
    desktop.goto(town_a + "/admin/pages/")
    expect(desktop.locator("main h1")).to_contain_text("Saint-Aubin-sur-Loire")
    expect(desktop.locator("main table")).to_contain_text("Actualité")
    expect(desktop.locator("main table")).not_to_contain_text("Brissac")

    desktop.goto(f"{town_a}/admin/pages/{index_a.pk}/add_subpage/")
    desktop.get_by_role("link", name=re.compile(r"^Consultation$", re.IGNORECASE)).click()
    desktop.locator("#id_title").fill("Un marché le dimanche ?")
    desktop.locator("#id_questions-0-question").fill("Faut-il un marché le dimanche matin ?")
    desktop.locator("#id_questions-0-answers").fill("Oui\nNon")
    for field, moment in [("opens_at", now + timedelta(days=1)), ("closes_at", now + timedelta(days=14)),
                          ("proclaims_at", now + timedelta(days=14, hours=2))]:
        desktop.locator(f"#id_{field}").fill(minute(moment))
        desktop.locator(f"#id_{field}").press("Tab")
    desktop.locator("#id_trustees-0-name").fill("Cabinet du maire")
    desktop.locator("#id_trustees-0-user").fill("cabinet@saint-aubin.example")
    desktop.locator("#id_trustees-ADD").click()
    desktop.locator("#id_trustees-1-name").fill("Groupe d'opposition")
    desktop.locator("#id_trustees-1-user").fill("opposition@saint-aubin.example")
    desktop.locator("footer .w-dropdown__toggle").first.click()
    desktop.locator("button[name='action-publish']").click()
    expect(desktop.locator(".messages")).to_contain_text("Un marché le dimanche ?")

    consultation = ConsultationPage.objects.get(title="Un marché le dimanche ?")
    assert consultation.live and consultation.get_site() == platform.site_a
    assert all(contest.site == platform.site_a for contest in consultation.contests())

    # Another town's section: no adding, no publishing, nothing of it shown.
    desktop.goto(f"{town_a}/admin/pages/{index_b.pk}/add_subpage/")
    expect(desktop.locator("body")).not_to_contain_text("Votes de Brissac")
    desktop.goto(f"{town_a}/admin/pages/add/councils/consultationpage/{index_b.pk}/")
    expect(desktop.locator("#id_title")).to_have_count(0)
    desktop.goto(f"{town_a}/admin/pages/{index_b.pk}/edit/")
    expect(desktop.locator("#id_title")).to_have_count(0)
    assert not ConsultationPage.objects.child_of(index_b).exists()
    assert Page.objects.get(pk=index_b.pk).specific.title == "Votes de Brissac"

    # Residents find it on their town's site, not on the other town's.
    desktop.goto(town_a + consultation.relative_url(platform.site_a))
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Un marché le dimanche ?")
    assert blocking_violations(axe, desktop) == []
    response = desktop.goto(town_b + consultation.relative_url(platform.site_a))
    assert response.status == 404
