"""A town's pages cost the same on a platform of 2 sites and of many (issue 15; bench/sites.py measures 200).

Pages are served as in production between content changes (page cache off,
the site, settings, menu and routes kept: ``pagecache``), on the demo-like
town of tests/parvis/test_page_queries.py; then 28 more collectivities join
(``create_site``: home, starter pages, settings, groups each) and the same
pages are counted again (the first collectivity joins with ``create_site``, the next ones
get a home page and a site only: what a request could scale with is the number of sites). Also: the host check and page URLs follow a site's
arrival, change and departure at once, although the sites are kept in the
process (``territories.hosts``).
"""

from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from home.models import HomePage
from territories.models import Territory
from territories.services.sites import create_site

from ..parvis.test_page_queries import small_town

pytestmark = pytest.mark.django_db
HOST = "localhost"  # the town's site (tests/home/utils.make_home)


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.PARVIS_PAGE_CACHE = {"ALIAS": "pages", "SECONDS": 0, "SHARED": True}
    caches["pages"].clear()
    yield
    caches["pages"].clear()


def communes(count: int, start: int = 1) -> list[Territory]:
    departement, _created = Territory.objects.get_or_create(kind=Territory.Kind.DEPARTEMENT, code="98",
                                                            defaults={"name": "Banc d'essai"})
    return [Territory.objects.create(kind=Territory.Kind.COMMUNE, code=f"98{number:03d}", name=f"Commune {number}",
                                     parent=departement) for number in range(start, start + count)]


def join_until(count: int) -> None:
    existing = Site.objects.count()
    for commune in communes(count - existing, start=existing):
        if Site.objects.count() < 2:
            create_site(territory=commune, hostname=f"c{commune.code}.localhost")
            continue
        home = Page.get_first_root_node().add_child(instance=HomePage(
            title=commune.name, slug=f"c{commune.code}", hero_title=commune.name))
        commune.site = Site.objects.create(hostname=f"c{commune.code}.localhost", port=80, root_page=home,
                                           site_name=commune.name)
        commune.save(update_fields=["site"])


def page_queries(client, pages) -> dict[str, list[str]]:
    counted = {}
    for name, path in {"floor": "/healthz", **pages}.items():
        for _ in range(2):  # the first may start a content generation, the second fills what is kept
            assert client.get(path, HTTP_HOST=HOST).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path, HTTP_HOST=HOST).status_code == 200
        counted[name] = [query["sql"] for query in captured]
    return counted


def test_pages_cost_the_same_queries_with_2_and_30_sites(client):
    _town, pages, _parts = small_town()
    join_until(2)
    two = page_queries(client, pages)
    join_until(30)
    assert Site.objects.count() == 30
    thirty = page_queries(client, pages)

    assert {name: len(sql) for name, sql in thirty.items()} == {name: len(sql) for name, sql in two.items()}
    assert thirty["floor"] == []
    # No query reads every site, nor does any request fetch and decode Wagtail's list of them (30 or 200
    # root paths): it is read once per process and change of sites.
    assert not [sql for sqls in thirty.values() for sql in sqls if "wagtailcore_site" in sql]
    with mock.patch.object(Site, "get_site_root_paths", wraps=Site.get_site_root_paths) as read:
        for path in pages.values():
            assert client.get(path, HTTP_HOST=HOST).status_code == 200
    assert read.call_count == 0


def test_the_host_check_and_page_urls_follow_sites_at_once(client, django_capture_on_commit_callbacks):
    _town, pages, _parts = small_town()
    join_until(3)
    assert client.get("/", HTTP_HOST="nouvelle.localhost").status_code == 404  # no such collectivity (yet)

    (commune,) = communes(1, start=50)
    with django_capture_on_commit_callbacks(execute=True):
        site = create_site(territory=commune, hostname="nouvelle.localhost")
    arrived = client.get("/", HTTP_HOST="nouvelle.localhost")
    assert arrived.status_code == 200 and "Commune 50" in arrived.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        site.hostname = "renommee.localhost"
        site.save()
    assert client.get("/", HTTP_HOST="nouvelle.localhost").status_code == 404
    renamed = client.get("/", HTTP_HOST="renommee.localhost")
    assert renamed.status_code == 200
    # The page's links are written with the site's new name (Wagtail's root paths, kept by territories.hosts).
    assert site.root_page.specific.get_url(request=renamed.wsgi_request) == "/"
    assert site.root_page.get_children().first().specific.get_full_url(
        request=renamed.wsgi_request).startswith("http://renommee.localhost/")

    with django_capture_on_commit_callbacks(execute=True):
        site.delete()
    assert client.get("/", HTTP_HOST="renommee.localhost").status_code == 404
