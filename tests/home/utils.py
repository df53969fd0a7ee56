"""Builders for home page trees in tests (no demo content, only what a test names)."""

import io

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from home.models import ArticleIndexPage, ArticlePage, HomePage


def make_image(title: str = "Photo", size=(64, 48)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "#336699").save(buffer, format="PNG")
    image = get_image_model()(title=title)
    image.file = ImageFile(io.BytesIO(buffer.getvalue()), name="photo.png")
    image.save()
    return image


def make_home(**fields) -> HomePage:
    """A published home page set as the default site's root."""
    root = Page.get_first_root_node()
    home = HomePage(title="Accueil", slug="accueil-test", hero_title="Bienvenue", **fields)
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "localhost"})
    return home


def make_article_index(home: HomePage, slug: str = "articles") -> ArticleIndexPage:
    index = ArticleIndexPage(title="Articles", slug=slug)
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def make_article(index: ArticleIndexPage, title: str, date, tags=(), **fields) -> ArticlePage:
    slug = fields.pop("slug", None) or title.lower().replace(" ", "-")
    article = ArticlePage(title=title, slug=slug, date=date, intro=f"Résumé de {title}", **fields)
    index.add_child(instance=article)
    if tags:
        article.tags.add(*tags)
    article.save_revision().publish()
    return article
