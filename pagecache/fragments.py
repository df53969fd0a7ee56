"""Parts of a page rendered once per content generation and reused for every visitor, signed-in or not.

A page that is not served from the page cache (a signed-in resident, a page
with a form, a query string) still shows long lists that are the same for
everyone: the election's candidates, a council's open participations, a
gallery of ideas, the footer. ``{% sharedfragment "name" var... %}`` (in
``home/templatetags/parvis_fragments.py``) keeps such a part's HTML in the
page cache's store, keyed by name, the given variables, host and language
and the content *generation* of ``purge`` (any change of content starts a
new one), for at most the time until the next phase change
(``boundaries``) and five minutes: the same freshness as a cached page.

What goes inside must be the same for every visitor: no ``user``, no form
with a CSRF token, no message. As a last guard, HTML that holds a CSRF
token is never kept. Previews (drafts) and requests without the shared
cache (tests, the cache down, the first request after a flush) render the
part as usual.
"""

import logging

from django.conf import settings
from django.core.cache.utils import make_template_fragment_key
from django.utils import timezone, translation

from .boundaries import next_boundary_for

logger = logging.getLogger(__name__)
CSRF_MARK = "csrfmiddlewaretoken"


def fragment_seconds(generation: str) -> int:
    """How long a part rendered now is kept: until the next phase change, at most ``FRAGMENT_SECONDS``.

    The cap (default 300 s, a cached page's default life) bounds what no
    generation tracks, as for pages: volunteers' offers filling a mission.
    """
    longest = getattr(settings, "PARVIS_PAGE_CACHE", {}).get("FRAGMENT_SECONDS", 300)  # 0: none kept
    now = timezone.now()
    boundary = next_boundary_for(generation, now=now)
    if boundary is None:
        return longest
    return min(longest, int((boundary - now).total_seconds()))


def fragment_key(request, name: str, vary_on, generation: str) -> str:
    return make_template_fragment_key(
        f"parvis:{name}", [generation, request.get_host(), translation.get_language(), *vary_on]
    )


def shared_fragment(request, name: str, vary_on, render) -> str:
    """``render()``'s HTML, kept for every visitor until content changes or the next phase change.

    ``render`` is called when nothing usable is kept, and always in a preview
    or without the shared cache (see the module's docstring).
    """
    cache = getattr(request, "_parvis_cache", None) if request is not None else None
    generation = getattr(request, "_parvis_generation", None) if request is not None else None
    if cache is None or not generation or getattr(request, "is_preview", False):
        return render()
    key = fragment_key(request, name, vary_on, generation)
    used(request).append(key)
    prefetched = getattr(request, "_parvis_fragments", {})
    html = prefetched[key] if key in prefetched else cache.get(key)
    if html is not None:
        return html
    html = render()
    if CSRF_MARK in html:  # a form slipped in: its token is this visitor's
        logger.warning("Fragment %r holds a CSRF token: not kept (move the form out of it)", name)
        return html
    seconds = fragment_seconds(generation)
    if seconds >= 1:
        cache.set(key, html, seconds)
    return html


def query_key(request, names=("page",)) -> list[str] | None:
    """The query string as part of a fragment's key when it holds only ``names`` with small numbers
    (a page of a list); None otherwise (filters, anything random: the part is rendered, not kept)."""
    params = request.GET
    if any(name not in names for name in params) or any(
        not (value.isdigit() and len(value) <= 4) for name in names for value in params.getlist(name)
    ):
        return None
    return [f"{name}={params.get(name, '')}" for name in names]


def prefetch_fragments(request, parts) -> None:
    """Read the kept HTML of several parts in one round trip (``parts``: ``(name, vary_on)`` pairs),
    for ``shared_fragment`` to find on the request: a stream of blocks costs one cache read, not one a block."""
    cache = getattr(request, "_parvis_cache", None) if request is not None else None
    generation = getattr(request, "_parvis_generation", None) if request is not None else None
    if cache is None or not generation or getattr(request, "is_preview", False) or not parts:
        return
    keys = [fragment_key(request, name, vary_on, generation) for name, vary_on in parts]
    used(request).extend(keys)
    prefetched = getattr(request, "_parvis_fragments", {})
    missing = [key for key in keys if key not in prefetched]
    found = cache.get_many(missing) if missing else {}
    request._parvis_fragments = {**prefetched, **{key: found.get(key) for key in missing}}


def used(request) -> list[str]:
    """The fragments' keys this request read, in order: ``routing`` remembers them with the page's route,
    so the next request for the path reads them all in one round trip (``prefetch_keys``)."""
    if not hasattr(request, "_parvis_fragment_keys"):
        request._parvis_fragment_keys = []
    return request._parvis_fragment_keys


def prefetch_keys(request, cache, keys) -> None:
    """Read these fragments' kept HTML at once (None: not kept, rendered when asked for)."""
    if keys and not getattr(request, "is_preview", False):
        found = cache.get_many(keys)
        request._parvis_fragments = {key: found.get(key) for key in keys}
