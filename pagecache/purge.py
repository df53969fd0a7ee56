"""Forget cached pages when what they show changes: pages, snippets, settings, images, domain records.

Any page may show any other (menus, listings, the footer's settings, a
block of ideas or missions), so a change makes every cached page stale: a
new *generation* in the page cache (one write, whatever its size), and a
purge of every live page's URLs from the reverse proxy, if one is configured
(``WAGTAILFRONTENDCACHE``, Wagtail's frontend cache). Both happen after the
transaction commits, so a page rendered meanwhile cannot be stored as fresh; the
proxy's purge runs in a Celery task (``pagecache.tasks.purge_reverse_proxy``).
A failed proxy purge is logged by Wagtail; the proxy keeps the page at most
its ``s-maxage``, which the page cache bounds.
"""

import uuid

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from .middleware import GENERATION_KEY, generation_cache


# Records shown on pages that change outside Wagtail's publishing (moderation, results, reviews).
# Not ballots, votes or offers: those are written by the thousand and no page lists them one by one.
CONTENT_MODELS = (
    "budget.Idea",
    "councils.Council",
    "councils.Candidate",
    "voting.Contest",
    "voting.Result",
    "volunteering.Association",
    "volunteering.Mission",
    "wagtailimages.Image",
    "wagtaildocs.Document",
    "wagtailcore.Site",
    "wagtailcore.PageViewRestriction",  # a page made private must leave the cache at once
)


def new_generation() -> None:
    """Every page stored so far becomes stale (an unreachable cache: its entries expire on their own)."""
    cache = generation_cache()
    if cache is not None:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def purge_proxy() -> None:
    """Ask the reverse proxy to drop every live page (no-op without ``WAGTAILFRONTENDCACHE``)."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch
    from wagtail.models import Page

    batch = PurgeBatch()
    batch.add_pages(Page.objects.live().specific())
    batch.purge()


def content_changed(**kwargs) -> None:
    """Signal receiver: purge both caches once the change is committed."""
    if kwargs.get("raw"):  # fixtures being loaded
        return
    transaction.on_commit(new_generation)
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        from .tasks import purge_reverse_proxy

        transaction.on_commit(purge_reverse_proxy.delay)


def watched(model) -> bool:
    """Whether a write to ``model`` changes what pages show (decided once per model)."""
    if model not in _watched:
        from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
        from wagtail.snippets.models import get_snippet_models

        _watched[model] = (
            model._meta.label in CONTENT_MODELS
            or model in get_snippet_models()
            or issubclass(model, (BaseSiteSetting, BaseGenericSetting))
        )
    return _watched[model]


_watched: dict = {}


def record_changed(sender, **kwargs) -> None:
    """``post_save``/``post_delete`` receiver for the watched models (snippets register late: checked here)."""
    if watched(sender):
        content_changed(**kwargs)


def page_deleted(sender, **kwargs) -> None:
    """A deleted page disappears from menus and listings (drafts saved as revisions purge nothing)."""
    from wagtail.models import Page

    if issubclass(sender, Page):
        content_changed(**kwargs)


def connect() -> None:
    """Wire the receivers (called once from the home app's ``ready``)."""
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(content_changed, dispatch_uid=f"parvis-pagecache-{id(signal)}")
    post_save.connect(record_changed, dispatch_uid="parvis-pagecache-save")
    post_delete.connect(record_changed, dispatch_uid="parvis-pagecache-delete")
    post_delete.connect(page_deleted, dispatch_uid="parvis-pagecache-page-delete")
