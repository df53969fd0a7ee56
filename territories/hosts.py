"""The sites' host names and root paths, read once per process until a site changes.

Every request asks which sites exist: the host check (``middleware``) and
every page URL Wagtail writes (its sites' root paths, which Wagtail reads
from the cache and unpickles once per request). With a site per commune that
is some 200 entries to fetch and decode for each request, the floor's too.
Here they are kept in the process, with the *sites version*: a short value in
the default cache, renewed after any change of a site or of a site's root page
(``connect``). A request reads that version only (one small cache read) and
the lists are read again when it has changed. An unreachable cache means
reading them each time, as Wagtail does.
"""

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import transaction
from wagtail.models import Site

VERSION_KEY = "parvis-sites-version"


@dataclass(frozen=True)
class Sites:
    hostnames: frozenset
    root_paths: list  # Wagtail's ``Site.get_site_root_paths()``


_memo: dict = {"version": None, "sites": None}


def _read() -> Sites:
    # From the database, not Wagtail's cached copy: one filled during the change's transaction may be stale.
    Site.clear_site_root_paths_cache()
    root_paths = Site.get_site_root_paths()
    return Sites(hostnames=frozenset(urlsplit(root.root_url).hostname for root in root_paths), root_paths=root_paths)


def current() -> Sites:
    """The sites as of the current version (read again after a change, or each time without the cache)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
        if version is None:  # cache unreachable
            return _read()
    if _memo["version"] != version:
        # Read after the version: a change committed in between makes a newer version, read next time.
        _memo.update(sites=_read(), version=version)
    return _memo["sites"]


def new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def sites_changed(**kwargs) -> None:
    """Signal receiver: every process reads the sites again, at once (this transaction's own requests, as
    Wagtail's clearing of its copy does) and after the commit (the others, which then see the change)."""
    if kwargs.get("raw"):
        return
    new_version()
    transaction.on_commit(new_version)


def root_page_changed(sender, instance, **kwargs) -> None:
    """A page published, moved or deleted that is a site's root: its root path may have changed."""
    if Site.objects.filter(root_page_id=instance.pk).exists():
        sites_changed(**kwargs)


def connect() -> None:
    """Wire the sites version to Wagtail's sites and pages (called from the app's ``ready``)."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    post_save.connect(sites_changed, sender=Site, dispatch_uid="parvis-sites-save")
    post_delete.connect(sites_changed, sender=Site, dispatch_uid="parvis-sites-delete")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(root_page_changed, dispatch_uid=f"parvis-sites-root-{id(signal)}")
