"""The anonymous page cache (pagecache): what is stored, for whom, and when it stops being served."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.utils import timezone, translation
from django.utils.text import capfirst
from freezegun import freeze_time

from budget.models import BudgetPage
from budget.phases import Phase
from home.models import SiteSettings

from ..accounts.factories import make_resident
from ..budget.factories import make_budget
from ..councils.factories import CouncilFactory, make_council_index, make_council_page
from ..home.utils import make_article, make_article_index, make_home, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PARVIS_PAGE_CACHE = {"ALIAS": "pages", "SECONDS": 300}
    cache = caches["pages"]
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def home():
    return make_home()


def stored(cache) -> int:
    """Pages in the (local-memory) page cache, the generation key aside."""
    return sum(1 for key in cache._cache if "parvis-page:" in key)


def test_an_anonymous_page_is_served_from_the_cache_without_a_query(client, home, django_assert_num_queries):
    first = client.get("/")
    assert first["X-Page-Cache"] == "miss"
    assert "public" in first["Cache-Control"] and "s-maxage=300" in first["Cache-Control"]
    assert {"Cookie", "Accept-Language"} <= {v.strip() for v in first["Vary"].split(",")}

    with django_assert_num_queries(0):
        second = client.get("/")
    assert second["X-Page-Cache"] == "hit" and second.content == first.content
    assert "nonce-" not in second["Content-Security-Policy"]  # the header is made per response, the page holds none


def test_languages_are_cached_apart(client, home):
    client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert english["X-Page-Cache"] == "miss" and "Skip to content" in english.content.decode()
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr")["X-Page-Cache"] == "hit"


def test_publishing_a_page_refreshes_every_page_that_shows_it(client, home, django_capture_on_commit_callbacks):
    index = make_article_index(home)
    index.show_in_menus = True
    index.save_revision().publish()
    assert "Articles" in client.get("/").content.decode()

    index.title = "Comprendre la ville"
    with django_capture_on_commit_callbacks(execute=True):
        index.save_revision().publish()

    response = client.get("/")  # the home page shows the index in its menu
    assert response["X-Page-Cache"] == "miss" and "Comprendre la ville" in response.content.decode()


def test_a_draft_purges_nothing(client, home, django_capture_on_commit_callbacks):
    client.get("/")
    home.hero_title = "Brouillon"
    with django_capture_on_commit_callbacks(execute=True):
        home.save_revision()
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_changing_a_setting_refreshes_the_pages(client, home, django_capture_on_commit_callbacks):
    client.get("/")
    settings_row = SiteSettings.for_site(home.get_site())
    settings_row.town_name = "Saint-Parvis-sur-Loire"
    with django_capture_on_commit_callbacks(execute=True):
        settings_row.save()
    assert "Saint-Parvis-sur-Loire" in client.get("/").content.decode()


def test_changing_a_snippet_or_an_image_refreshes_the_pages(client, home, django_capture_on_commit_callbacks):
    council = CouncilFactory(name="Les Tilleuls", email="")
    page = make_council_page(make_council_index(home), council, title="Conseil des Tilleuls")
    image = make_image("Logo")
    client.get(page.url)
    assert client.get(page.url)["X-Page-Cache"] == "hit"

    council.name = "Les Grands Tilleuls"
    with django_capture_on_commit_callbacks(execute=True):
        council.save()  # the snippet, as the admin saves it
    response = client.get(page.url)
    assert response["X-Page-Cache"] == "miss" and "Les Grands Tilleuls" in response.content.decode()

    image.title = "Logo 2027"
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    assert client.get(page.url)["X-Page-Cache"] == "miss"


def test_a_page_expires_at_the_next_phase_change(client, home):
    start = timezone.now().replace(microsecond=0)
    with freeze_time(start) as clock:
        budget = make_budget(home)  # ideas phase
        BudgetPage.objects.filter(pk=budget.pk).update(review_starts_at=start + timedelta(seconds=40))
        with translation.override("fr"):
            ideas, review = capfirst(str(Phase.IDEAS.label)), capfirst(str(Phase.REVIEW.label))

        first = client.get(budget.url)
        assert ideas in first.content.decode() and "s-maxage=40" in first["Cache-Control"]
        clock.tick(39)
        assert client.get(budget.url)["X-Page-Cache"] == "hit"
        clock.tick(1)  # the review starts: nothing was saved, the page must change anyway
        after = client.get(budget.url)
        assert after["X-Page-Cache"] == "miss" and review in after.content.decode()


def test_signed_in_residents_never_get_or_leave_a_cached_page(client, home):
    anonymous = client.get("/")
    assert "Se connecter" in anonymous.content.decode()

    for email in ("amina@example.org", "jean@example.org"):
        client.force_login(make_resident(email))
        signed_in = client.get("/")
        assert signed_in.get("X-Page-Cache") is None and "private" in signed_in["Cache-Control"]
        assert "Se déconnecter" in signed_in.content.decode()
        client.logout()

    assert stored(caches["pages"]) == 1  # only the anonymous page
    again = client.get("/")
    assert again["X-Page-Cache"] == "hit" and "Se déconnecter" not in again.content.decode()


def test_forms_and_their_errors_are_never_cached(client, home):
    page = make_council_page(make_council_index(home), CouncilFactory(name="Tilleuls", email="t@ville.example"),
                             title="Conseil des Tilleuls")
    refused = client.post(page.url + "contact/", {"sender_name": "Jean", "sender_email": "pas-une-adresse"})
    assert refused.status_code == 200 and "private" in refused["Cache-Control"]
    form = client.get(page.url + "contact/")  # holds a CSRF token: never shared
    assert form.get("X-Page-Cache") is None and "private" in form["Cache-Control"]
    assert client.get(page.url + "contact/").get("X-Page-Cache") is None
    assert "pas-une-adresse" not in client.get(page.url).content.decode()


def test_pending_messages_bypass_the_cache(client, home):
    client.get("/")
    client.cookies["messages"] = "anything"
    assert client.get("/").get("X-Page-Cache") is None


def test_query_strings_and_unknown_paths_do_not_fill_the_cache(client, home, page_cache):
    index = make_article_index(home)
    make_article(index, "Un article", timezone.now().date())
    client.get(index.url)
    for number in range(50):
        client.get(index.url, {"random": number})
        client.get(f"/n-existe-pas-{number}/")
    assert stored(page_cache) == 1

    # A newsletter's tracking parameters do not change the page: served from the cache.
    assert client.get(index.url, {"utm_source": "lettre", "utm_campaign": "vote"})["X-Page-Cache"] == "hit"
    assert client.get(index.url, {"page": 2}).get("X-Page-Cache") is None


def test_pages_are_served_uncached_while_the_cache_server_is_down(client, home, settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "parvis.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:9/0",
                  "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
    }
    for _ in range(2):
        response = client.get("/")
        assert response.status_code == 200 and response.get("X-Page-Cache") is None
        assert "Bienvenue" in response.content.decode()


def test_the_cache_can_be_turned_off(client, home, settings):
    settings.PARVIS_PAGE_CACHE = {"ALIAS": "pages", "SECONDS": 0}
    client.get("/")
    assert client.get("/").get("X-Page-Cache") is None


def test_uncached_pages_keep_the_site_settings_and_menu_until_content_changes(
    client, home, settings, django_assert_max_num_queries, django_capture_on_commit_callbacks,
):
    settings.PARVIS_PAGE_CACHE = {"ALIAS": "pages", "SECONDS": 0, "SHARED": True}
    index = make_article_index(home)
    index.show_in_menus = True
    index.save_revision().publish()
    client.get("/")
    client.get("/")  # the first with a generation keeps the shared fragments and the next phase change
    with django_assert_max_num_queries(6):  # was 9 with the site, settings and menu read each time
        assert "Articles" in client.get("/").content.decode()

    settings_row = SiteSettings.for_site(home.get_site())
    settings_row.town_name = "Saint-Parvis"
    with django_capture_on_commit_callbacks(execute=True):
        settings_row.save()
    assert "Saint-Parvis" in client.get("/").content.decode()
    index.title = "Comprendre"
    with django_capture_on_commit_callbacks(execute=True):
        index.save_revision().publish()
    assert ">Comprendre</a>" in client.get("/").content.decode()


def test_a_page_made_private_leaves_the_cache_at_once(client, home, django_capture_on_commit_callbacks):
    from wagtail.models import PageViewRestriction

    index = make_article_index(home)
    client.get(index.url)
    assert client.get(index.url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)
    refused = client.get(index.url)
    assert refused.status_code == 302 and refused.get("X-Page-Cache") is None
