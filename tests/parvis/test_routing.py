"""Routing kept per content generation (pagecache.routing): one query to find a page, never a stale or open door.

The page cache is off (``SECONDS`` 0) and what is kept between requests is on
(``SHARED``), as for signed-in residents and pages with a form in production:
every request is routed, from the remembered route after the first one.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

from home.models import HomePage

from ..accounts.factories import make_resident
from ..home.utils import make_article, make_article_index, make_home

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared_cache(settings):
    settings.PARVIS_PAGE_CACHE = {"ALIAS": "pages", "SECONDS": 0, "SHARED": True}
    cache = caches["pages"]
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def article():
    return make_article(make_article_index(make_home()), "Voter en ligne", timezone.localdate())


def routing_queries(client, path) -> list[str]:
    """The page-tree and view-restriction queries of one request (after it was routed once)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in captured if "wagtailcore_page" in query["sql"]]


def test_a_remembered_route_costs_one_query_instead_of_wagtails_six(client, article):
    client.get(article.url)  # starts the generation
    first = routing_queries(client, article.url)  # Wagtail routes it, and it is remembered
    assert len(first) >= 5  # two levels (child + specific each), the home page's type, ancestors, restrictions
    again = routing_queries(client, article.url)
    assert len(again) == 1 and "pageviewrestriction" not in again[0]


def test_a_new_slug_a_move_an_unpublication_and_a_deletion_are_followed_at_once(
    client, article, django_capture_on_commit_callbacks,
):
    old = article.url
    for _ in range(3):
        client.get(old)

    article.slug = "voter-sur-internet"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    article.refresh_from_db()
    assert article.url != old
    assert client.get(old)["Location"] == article.url  # Wagtail's automatic redirect, not the remembered page
    assert client.get(article.url).status_code == 200

    other_index = make_article_index(article.get_parent().get_parent().specific, slug="dossiers")
    for _ in range(2):
        client.get(article.url)
    moved_from = article.url
    with django_capture_on_commit_callbacks(execute=True):
        article.move(other_index, pos="last-child")
    article.refresh_from_db()
    assert client.get(moved_from)["Location"] == article.url
    assert client.get(article.url).status_code == 200

    for _ in range(2):
        client.get(article.url)
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert client.get(article.url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert client.get(article.url).status_code == 200
    url = article.url
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert client.get(url).status_code == 404


def test_a_page_made_private_stays_private_on_a_remembered_route(client, article, django_capture_on_commit_callbacks):
    for _ in range(3):
        assert client.get(article.url).status_code == 200

    index = article.get_parent()  # a restriction on an ancestor covers the article
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)
    for _ in range(3):  # the first request remembers the route anew, the next ones use it
        refused = client.get(article.url)
        assert refused.status_code == 302 and "login" in refused["Location"]
        assert "no-cache" in refused["Cache-Control"]

    client.force_login(make_resident())
    for _ in range(2):
        allowed = client.get(article.url)
        assert allowed.status_code == 200 and "private" in allowed["Cache-Control"]


def test_a_remembered_private_route_still_reads_the_restrictions_groups_and_passwords(client, article):
    editors = Group.objects.create(name="Rédaction")
    restriction = PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(editors)
    client.get(article.url)  # starts the generation
    resident = make_resident()
    client.force_login(resident)
    for _ in range(3):
        assert client.get(article.url).status_code == 302  # signed in, not in the group

    # Group membership is read for each request, not remembered.
    resident.groups.add(editors)
    assert client.get(article.url).status_code == 200
    resident.groups.remove(editors)
    assert client.get(article.url).status_code == 302

    client.logout()
    PageViewRestriction.objects.filter(pk=restriction.pk).update(  # as if the signal were lost: still checked
        restriction_type=PageViewRestriction.PASSWORD, password="secret")
    response = client.get(article.url)
    assert response.status_code == 200 and "password" in response.content.decode().lower()
    assert "no-cache" in response["Cache-Control"]


def test_the_same_path_on_two_sites_leads_to_each_sites_own_page(client, article):
    home = article.get_parent().get_parent()
    other = HomePage(title="Autre ville", slug="autre-ville", hero_title="Autre ville")
    Page.get_first_root_node().add_child(instance=other)
    other.save_revision().publish()
    Site.objects.create(hostname="autre.localhost", port=80, root_page=other)
    other_index = make_article_index(other)
    make_article(other_index, "Voter en ligne", timezone.localdate(), body=[])
    path = article.url
    assert home.get_site().hostname == "localhost"

    for _ in range(3):
        here = client.get(path, HTTP_HOST="localhost")
        there = client.get(path, HTTP_HOST="autre.localhost")
        assert here.status_code == there.status_code == 200
        assert here.context["page"].pk == article.pk
        assert there.context["page"].pk != article.pk and there.context["page"].get_site().hostname == "autre.localhost"


def test_a_tree_changed_behind_wagtails_back_is_routed_by_wagtail(client, article):
    for _ in range(3):
        client.get(article.url)
    # No signal, no new generation: the remembered page's path no longer matches, so it is not trusted.
    Page.objects.filter(pk=article.pk).update(url_path=article.url_path.replace("voter-en-ligne", "autre"),
                                              slug="autre")
    assert client.get(article.url).status_code == 404


def test_unknown_paths_and_sub_routes_are_not_remembered(client, article, shared_cache):
    client.get("/")  # starts the generation
    client.get("/")
    for number in range(20):
        client.get(f"/articles/n-existe-pas-{number}/")
    client.get(article.url)
    remembered = [key for key in shared_cache._cache if "parvis-route:" in key]
    assert len(remembered) == 2  # the home page and the article
