"""Serve anonymous visitors' pages from the cache; tell proxies what they may keep.

A request is looked up only when it cannot depend on the visitor: a GET with
no session or messages cookie, no credentials and no query string (tracking
parameters such as ``utm_source``, which newsletters and notifications add,
are ignored). A response is stored only when it cannot either: status 200,
HTML, no cookie set, no CSRF token used (a page with a form), no
``Cache-Control`` of its own (``never_cache``, Wagtail's private pages),
nobody signed in. So a signed-in resident, a form with its errors, a
receipt or a private page is never stored, and a signed-in resident (who
carries a session cookie) is never served a stored page.

Entries are keyed by scheme, host (the Wagtail site), language and path, and
hold the content generation they were made in (``purge``): a change of
content makes every entry stale at once. Their lifetime is the configured
maximum, cut to the next phase change (``boundaries``). Only existing pages
(status 200) without a query string are stored, so random paths and
parameters cannot fill the cache. An unreachable cache (``parvis.cache``)
means a miss: pages are served uncached.
"""

import hashlib
import time
import uuid
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import cc_delim_re, patch_cache_control, patch_vary_headers

from . import routing, shared
from .boundaries import next_boundary_for
from .fragments import prefetch_keys
from .shared import shared_key

GENERATION_KEY = "parvis-page-generation"
TRACKING_PREFIXES = ("utm_", "mtm_", "pk_")
TRACKING_NAMES = frozenset({"fbclid", "gclid", "msclkid", "mc_cid", "mc_eid"})
# What a stored page may vary on: everything else it could vary on is in the key or refused.
KEYED_VARY = frozenset({"cookie", "accept-language", "accept-encoding"})
HIT_HEADER = "X-Page-Cache"


def config() -> dict:
    """``PARVIS_PAGE_CACHE`` with defaults: ``ALIAS`` (a key of CACHES), ``SECONDS`` (0: pages off) and
    ``SHARED`` (keep the site, settings and menu between requests, ``shared``)."""
    return {"ALIAS": "pages", "SECONDS": 300, "SHARED": True, **getattr(settings, "PARVIS_PAGE_CACHE", {})}


def generation_cache():
    """The cache holding the content generation (and pages), or None when none is configured."""
    alias = config()["ALIAS"]
    return caches[alias] if alias in settings.CACHES else None


def page_cache():
    """The cache holding pages, or None when the page cache is off."""
    return generation_cache() if config()["SECONDS"] > 0 else None


def ensure_generation(cache, generation):
    """The current generation, starting one if the cache has none (None: the cache is unreachable)."""
    if generation:
        return generation
    cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
    return cache.get(GENERATION_KEY)


def only_tracking(query_string: str) -> bool:
    """Whether every parameter is a tracking one (the page is the same without them)."""
    return all(
        name.startswith(TRACKING_PREFIXES) or name in TRACKING_NAMES
        for name, _value in parse_qsl(query_string, keep_blank_values=True)
    )


def wagtail_path(request) -> str | None:
    """The page path Wagtail's ``serve`` view gets, or None for other views (accounts, votes, probes)."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.url_name != "wagtail_serve":
        return None
    return match.args[0] if match.args else match.kwargs.get("path", "")


def request_may_use_cache(request) -> bool:
    """Whether nothing in the request can make its page differ from an anonymous visitor's."""
    if request.method != "GET" or request.path.startswith("/admin/") or "HTTP_AUTHORIZATION" in request.META:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return only_tracking(request.META.get("QUERY_STRING", ""))


def response_may_be_stored(request, response) -> bool:
    """Whether the response is the same for every anonymous visitor (see the module's docstring)."""
    if request.method != "GET" or request.META.get("QUERY_STRING") or response.status_code != 200 or response.streaming:
        return False
    if not response.get("Content-Type", "").startswith("text/html") or response.cookies:
        return False
    if response.has_header("Cache-Control") or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    vary = {header.strip().lower() for header in cc_delim_re.split(response.get("Vary", "")) if header.strip()}
    if not vary <= KEYED_VARY:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def page_key(request) -> str:
    """Scheme, host, language and path: what an anonymous page depends on."""
    raw = f"{request.scheme}://{request.get_host()}{request.path}|{translation.get_language()}"
    return "parvis-page:" + hashlib.sha256(raw.encode()).hexdigest()


def mark_shared(response, seconds: int) -> None:
    """Proxies may keep the page ``seconds`` (purged before if content changes); browsers ask again."""
    patch_cache_control(response, public=True, max_age=0, s_maxage=max(seconds, 0))
    patch_vary_headers(response, ("Cookie", "Accept-Language"))


def mark_private(response) -> None:
    """No proxy may keep or share this response (unless the view already said otherwise)."""
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, private=True)
    patch_vary_headers(response, ("Cookie",))


class PageCacheMiddleware:
    """Serves and stores anonymous pages; sets ``Cache-Control`` and ``Vary`` on every page response.

    Placed after ``LocaleMiddleware`` (the language is known) and before the
    CSRF, session and message machinery, which a stored page never needs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cache = generation_cache()
        options = config()
        path = wagtail_path(request) if cache is not None and (options["SHARED"] or options["SECONDS"] > 0) else None
        if path is None:
            response = self.get_response(request)
            if not response_may_be_stored(request, response):
                mark_private(response)
            return response

        use_pages = options["SECONDS"] > 0 and request_may_use_cache(request)
        key, common, route = page_key(request), shared_key(request), routing.route_key(request)
        # A hit reads the generation and the page only; the site, settings, menu and route only matter on a miss.
        found = cache.get_many([GENERATION_KEY, key] if use_pages else [GENERATION_KEY, common, route])
        generation, entry = found.get(GENERATION_KEY), found.get(key)
        now = time.time()
        if use_pages and generation and entry and entry["generation"] == generation and entry["expires"] > now:
            return self.replay(entry, now)

        routed = False
        if options["SHARED"]:
            if use_pages:
                found.update(cache.get_many([common, route]))
            shared.prime(request, found.get(common), generation)
            routed = routing.prime(request, path, found.get(route), generation)
            if routed:  # the page's shared fragments, one round trip for all of them
                prefetch_keys(request, cache, routing.fragments(found.get(route)))
            request._parvis_cache, request._parvis_generation = cache, generation
        response = self.get_response(request)
        if options["SHARED"] and not routed:
            remembered_route = routing.entry_for(request, path, generation)
            if remembered_route is not None:
                cache.set(route, remembered_route, 24 * 3600)
        generation = ensure_generation(cache, generation)
        if options["SHARED"]:
            shared.remember(cache, request, generation, found.get(common))

        seconds = self.lifetime(generation) if use_pages and response_may_be_stored(request, response) else None
        if seconds is None:
            if not response_may_be_stored(request, response):
                mark_private(response)
            return response
        mark_shared(response, seconds)
        response[HIT_HEADER] = "miss"
        cache.set(key, {
            "generation": generation, "expires": now + seconds, "status": response.status_code,
            "headers": [(name, value) for name, value in response.items() if name != HIT_HEADER],
            "content": response.content,
        }, seconds)
        return response

    @staticmethod
    def lifetime(generation):
        """Seconds to store a page for, or None when it would expire at once (or the cache is unreachable)."""
        if not generation:
            return None
        seconds = config()["SECONDS"]
        now = timezone.now()
        boundary = next_boundary_for(generation, now=now)
        if boundary is not None:
            seconds = min(seconds, int((boundary - now).total_seconds()))
        return seconds if seconds >= 1 else None

    @staticmethod
    def replay(entry, now: float) -> HttpResponse:
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        # What is left of the entry's life, for proxies in front.
        patch_cache_control(response, s_maxage=max(int(entry["expires"] - now), 0))
        response[HIT_HEADER] = "hit"
        return response
