"""Shared fragments (pagecache/fragments.py): parts of pages rendered once for every visitor.

They serve signed-in residents and uncached pages, so each test checks what
they must never do: show something stale after a change or a phase change,
or show one visitor's personal bits to another.
"""

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from freezegun import freeze_time

from budget.models import BudgetPage, Idea
from councils.models import Candidate
from pagecache.middleware import GENERATION_KEY
from pagecache.purge import new_generation

from ..accounts.factories import make_resident
from ..budget.factories import make_budget
from ..councils.election_factories import make_election, make_town
from ..home.utils import make_home

pytestmark = pytest.mark.django_db
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def shared_cache(settings):
    """Page cache off, shared parts on: what signed-in residents and uncached pages get in production."""
    settings.PARVIS_PAGE_CACHE = {"ALIAS": "pages", "SECONDS": 0, "SHARED": True}
    cache = caches["pages"]
    cache.clear()
    yield cache
    cache.clear()


def fragments(cache) -> int:
    return sum(1 for key in cache._cache if "template.cache.parvis:" in key)


def current_step(html: str) -> str:
    """The phase the budget's timeline marks as current (the timeline is a shared block)."""
    return re.search(r'aria-current="step">\s*<span class="timeline__name">([^<]+)</span>', html).group(1)


def test_a_signed_in_residents_page_reuses_the_shared_parts(client, shared_cache):
    budget = make_budget(make_home())
    client.force_login(make_resident())
    client.get(budget.url)  # starts the generation
    first = client.get(budget.url)
    kept = fragments(shared_cache)
    with CaptureQueriesContext(connection) as again:
        second = client.get(budget.url)

    assert kept >= 4  # footer, brand, timeline, gallery, results, statistics: each once
    assert fragments(shared_cache) == kept
    assert current_step(second.content.decode()) == current_step(first.content.decode())
    assert not any("budget_idea" in query["sql"] for query in again.captured_queries)  # the gallery was kept


def test_shared_parts_change_when_content_changes(client, django_capture_on_commit_callbacks):
    town = make_town()
    election = make_election(town)
    Candidate.objects.create(election=election, council=town["centre"], name="Alice Morel", statement="Je me présente.",
                             status=Candidate.Status.APPROVED)
    client.force_login(make_resident())
    client.get(election.url)
    assert "Alice Morel" in client.get(election.url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        candidate = Candidate.objects.get(name="Alice Morel")
        candidate.name = "Alice Morel-Durand"
        candidate.save()

    assert "Alice Morel-Durand" in client.get(election.url).content.decode()


def test_shared_parts_change_at_the_next_phase_change(client):
    start = timezone.now().replace(microsecond=0)
    with freeze_time(start) as clock:
        budget = make_budget(make_home())  # ideas phase
        BudgetPage.objects.filter(pk=budget.pk).update(review_starts_at=start + timedelta(seconds=40))
        new_generation()  # dates changed behind the signals' back, as an editor's publish would announce
        client.force_login(make_resident())
        client.get(budget.url)
        ideas = current_step(client.get(budget.url).content.decode())
        clock.tick(39)
        assert current_step(client.get(budget.url).content.decode()) == ideas
        clock.tick(1)  # the review starts: nothing was saved, the timeline must move anyway
        assert current_step(client.get(budget.url).content.decode()) != ideas


def test_no_resident_sees_another_ones_form_or_name(client):
    budget = make_budget(make_home())  # the idea form (CSRF) sits among shared blocks
    pages = {}
    for email, name in (("amina@example.org", "Amina"), ("jean@example.org", "Jean")):
        client.force_login(make_resident(email, display_name=name))
        client.get(budget.url)
        pages[name] = [client.get(budget.url).content.decode() for _ in range(2)]
        client.logout()
    anonymous = client.get(budget.url).content.decode()

    amina = {token for html in pages["Amina"] for token in CSRF.findall(html)}
    jean = {token for html in pages["Jean"] for token in CSRF.findall(html)}
    assert amina and jean and not amina & jean
    assert not amina & set(CSRF.findall(anonymous))
    assert "Se déconnecter" not in anonymous


def test_a_part_holding_a_csrf_token_is_never_kept(shared_cache, rf=RequestFactory()):
    request = rf.get("/")
    request._parvis_cache, request._parvis_generation = shared_cache, "g1"
    template = Template('{% load parvis_fragments %}{% sharedfragment "form" %}<form>{% csrf_token %}</form>'
                        '{% endsharedfragment %}{% sharedfragment "plain" %}<p>Bonjour</p>{% endsharedfragment %}')
    html = template.render(Context({"request": request, "csrf_token": "secret-of-this-visitor"}))

    assert "secret-of-this-visitor" in html
    assert fragments(shared_cache) == 1  # only the plain one


def test_languages_hosts_previews_and_query_strings(shared_cache, rf=RequestFactory()):
    template = Template('{% load i18n parvis_fragments %}{% sharedfragment "hello" %}{% translate "Search" %}'
                        '{% endsharedfragment %}')

    def render(path="/", host="ville.example", **attributes):
        request = rf.get(path, HTTP_HOST=host)
        request._parvis_cache, request._parvis_generation = shared_cache, "g1"
        for name, value in attributes.items():
            setattr(request, name, value)
        return template.render(Context({"request": request}))

    with translation.override("fr"):
        assert render() == "Rechercher"
    with translation.override("en"):
        assert render() == "Search"  # not the French one kept just before
        render(host="autre.example")
        assert fragments(shared_cache) == 3
        render(is_preview=True)
        assert fragments(shared_cache) == 3  # a draft's preview is never kept


def test_a_gallery_page_is_kept_per_page_number_and_filters_are_not(client, shared_cache):
    budget = make_budget(make_home())
    Idea.objects.bulk_create(Idea(budget=budget, title=f"Idée {n}", description="…", cost=100 + n,
                                  category=Idea.Category.values[0]) for n in range(30))
    new_generation()
    client.get(budget.url)
    client.get(budget.url)
    base = fragments(shared_cache)
    second = client.get(budget.url + "?page=2").content.decode()
    assert "Idée 5" in second or "Idée 29" in second
    assert fragments(shared_cache) == base + 1  # the gallery's page 2
    client.get(budget.url + f"?category={Idea.Category.values[0]}")
    client.get(budget.url + "?page=2&utm_source=x&random=1")
    client.get(budget.url + "?page=99999999")
    assert fragments(shared_cache) == base + 1
    assert shared_cache.get(GENERATION_KEY)


def test_a_stream_is_kept_whole_only_when_every_block_is_shared(client, shared_cache, django_assert_max_num_queries):
    from home.templatetags.parvis_fragments import all_shared

    home = make_home()
    home.body = [("paragraph", "<p>Bienvenue</p>"), ("quote", {"text": "Participer", "attribution": ""})]
    home.save_revision().publish()
    home.refresh_from_db()
    assert all_shared(home.body)
    home.body.raw_data.append({"type": "ballot", "value": {"contest": None, "intro": ""}, "id": "b1"})
    assert not all_shared(home.body)  # a ballot is personal: the stream is rendered block by block

    client.force_login(make_resident())
    for _ in range(2):
        client.get("/")
    # Wagtail's routing and view restrictions (3), the resident's session, account, admin rights (2, the
    # userbar), unread notices and where the resident lives (the home page's list of what is open for
    # them, itself a shared fragment): nothing for the page's content, its streams are not loaded.
    with django_assert_max_num_queries(9):
        assert "Bienvenue" in client.get("/").content.decode()


def test_a_councils_contact_form_stays_personal_while_its_page_is_shared(client, shared_cache):
    from ..councils.factories import CouncilFactory, make_council_index, make_council_page

    page = make_council_page(make_council_index(make_home()), CouncilFactory(name="Tilleuls", email="t@ville.example"))
    tokens = {}
    for email in ("amina@example.org", "jean@example.org"):
        client.force_login(make_resident(email))
        for _ in range(2):
            client.get(page.url)  # keeps the page's shared parts, its contact link among them
        pages = [client.get(page.url + "contact/").content.decode() for _ in range(2)]
        assert all('name="sender_email"' in html for html in pages)  # the form itself, not the page's kept link
        tokens[email] = {token for html in pages for token in CSRF.findall(html)}
        client.logout()

    assert all(tokens.values()) and not tokens["amina@example.org"] & tokens["jean@example.org"]
    assert fragments(shared_cache) >= 3  # the band, the lists and the contact link of the page itself


def test_the_kept_menu_marks_each_pages_own_section(client):
    from ..home.utils import make_article, make_article_index

    home = make_home()
    index = make_article_index(home)
    other = make_article_index(home, slug="dossiers")
    for page in (index, other):
        page.show_in_menus = True
        page.save_revision().publish()
    article = make_article(index, "Voter en ligne", timezone.localdate())

    def menu(path) -> str:
        page = client.get(path).content.decode()
        return page[page.index('<ul class="navbar-nav me-auto">'):page.index("</ul>", page.index("navbar-nav me-auto"))]

    for _ in range(2):  # rendered, then kept
        on_index, on_article, on_other, on_home = menu(index.url), menu(article.url), menu(other.url), menu("/")
        assert 'active" href="/articles/" aria-current="page"' in on_index
        assert 'active" href="/articles/">' in on_article and "aria-current" not in on_article
        assert 'active" href="/dossiers/" aria-current="page"' in on_other and 'active" href="/articles/' not in on_other
        assert "active" not in on_home
