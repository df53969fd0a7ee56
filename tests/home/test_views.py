"""What residents see: listings, filters, search, errors, languages."""

import json
from datetime import date

import pytest
from django.test import override_settings

from home.models import ArticlePage, StandardPage

from .utils import make_article, make_article_index, make_home, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return make_home()


def test_home_lists_the_latest_articles_newest_first(client, home):
    index = make_article_index(home)
    for day in range(1, 6):
        make_article(index, f"Article {day}", date(2026, 1, day))
    home.article_count = 3
    home.save_revision().publish()

    html = client.get("/").content.decode()

    assert html.index("Article 5") < html.index("Article 4") < html.index("Article 3")
    assert "Article 2" not in html


def test_article_index_paginates_ten_per_page(client, home):
    index = make_article_index(home)
    for number in range(12):
        make_article(index, f"Article numero {number:02d}", date(2026, 1, 1 + number))

    first = client.get(index.url).content.decode()
    second = client.get(index.url, {"page": 2}).content.decode()
    beyond = client.get(index.url, {"page": 99})

    assert first.count('class="card h-100"') == 10
    assert second.count('class="card h-100"') == 2
    assert "Article numero 00" in second and "Article numero 00" not in first
    assert beyond.status_code == 200 and beyond.context["page_obj"].number == 2
    assert client.get(index.url, {"page": "abc"}).context["page_obj"].number == 1


def test_article_index_filters_by_tag_and_keeps_the_tag_across_pages(client, home):
    index = make_article_index(home)
    make_article(index, "Sur le budget", date(2026, 2, 1), tags=["budget"])
    make_article(index, "Sur les conseils", date(2026, 2, 2), tags=["conseils"])

    response = client.get(index.url, {"tag": "budget"})
    html = response.content.decode()

    assert "Sur le budget" in html and "Sur les conseils" not in html
    assert response.context["tag_query"] == "tag=budget"
    assert [tag.slug for tag in response.context["tags"]] == ["budget", "conseils"]
    assert "Aucun article" in client.get(index.url, {"tag": "inconnu"}).content.decode()


def test_empty_article_index_says_so(client, home):
    index = make_article_index(home)
    assert "Aucun article n’a encore été publié." in client.get(index.url).content.decode()


def test_page_with_empty_body_and_deleted_image_still_renders(client, home):
    index = make_article_index(home)
    image = make_image()
    article = make_article(
        index,
        "Illustré",
        date(2026, 1, 1),
        image=image,
        body=json.dumps(
            [{"type": "figure", "value": {"image": {"image": image.pk, "decorative": False, "alt_text": "Un banc"}}}]
        ),
    )
    image.delete()
    standard = StandardPage(title="Vide", slug="vide")
    home.add_child(instance=standard)
    standard.save_revision().publish()

    assert client.get(ArticlePage.objects.get(pk=article.pk).url).status_code == 200
    assert client.get(standard.url).status_code == 200


def test_unknown_url_gets_the_styled_404(client, home):
    response = client.get("/cette-page-n-existe-pas/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page introuvable" in html
    assert 'href="#contenu"' in html  # it is the site shell, with its skip link


def test_search_finds_live_pages_only(client, home):
    index = make_article_index(home)
    make_article(index, "Réunion publique sur les pistes cyclables", date(2026, 1, 1))
    draft = ArticlePage(title="Brouillon cyclable", slug="brouillon", date=date(2026, 1, 2), intro="x")
    index.add_child(instance=draft)
    draft.unpublish()

    response = client.get("/recherche/", {"q": "cyclables"})

    titles = [page.title for page in response.context["page_obj"]]
    assert titles == ["Réunion publique sur les pistes cyclables"]
    assert "1 résultat" in response.content.decode()


def test_search_without_query_or_with_a_huge_one(client, home):
    assert client.get("/recherche/").status_code == 200
    response = client.get("/recherche/", {"q": "x" * 5000})
    assert response.status_code == 200
    assert len(response.context["query"]) == 200


def test_french_by_default_and_english_on_request(client, home):
    french = client.get("/")
    assert '<html lang="fr" ' in french.content.decode()
    assert "Aller au contenu" in french.content.decode()

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert '<html lang="en" ' in english
    assert "Skip to content" in english


@override_settings(SERVE_MEDIA=False)
def test_healthz_is_a_trivial_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
