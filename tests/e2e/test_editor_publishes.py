"""Communications staff publish an article from the Wagtail admin, with no developer."""

import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from home.models import ArticleIndexPage, ArticlePage


def test_editor_publishes_an_article_that_then_shows_on_the_site(desktop, demo):
    get_user_model().objects.create_superuser("redaction", "redaction@ville.example", "mot-de-passe-solide")
    index = ArticleIndexPage.objects.get()

    desktop.goto(demo + "/admin/login/")
    desktop.locator("#id_username").fill("redaction")
    desktop.locator("#id_password").fill("mot-de-passe-solide")
    desktop.locator("button[type=submit]").click()
    expect(desktop).to_have_url(re.compile(r"/admin/$"))

    desktop.goto(f"{demo}/admin/pages/add/home/articlepage/{index.pk}/")
    desktop.locator("#id_title").fill("Réunion publique du 12 mars")
    desktop.locator("#id_intro").fill("Venez débattre des projets du budget participatif.")
    # "Publish" sits in the footer's action menu, behind the "Save draft" button.
    desktop.locator("footer .w-dropdown__toggle").first.click()
    desktop.locator("button[name='action-publish']").click()
    expect(desktop.locator(".messages")).to_contain_text("Réunion publique du 12 mars")

    article = ArticlePage.objects.get(title="Réunion publique du 12 mars")
    assert article.live

    desktop.goto(demo + index.url)
    desktop.get_by_role("link", name="Réunion publique du 12 mars").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Réunion publique du 12 mars")
    expect(desktop.get_by_text("Venez débattre des projets du budget participatif.")).to_be_visible()
