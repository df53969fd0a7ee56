"""What every page reads and few edits change: the Wagtail site, the site settings, the main menu.

Read from the database once per content generation and host, then kept in
the cache with the pages (``purge`` starts a new generation on any content
change), so an uncached page, or a signed-in resident's, does not pay three
to six queries for the header and footer. The objects are put where Wagtail
and the menu tag look for them on the request (``request._wagtail_site``,
the settings' per-request attribute), so templates are unchanged.
"""

from home.models import SiteSettings

KEY_PREFIX = "parvis-shared:"


def shared_key(request) -> str:
    return KEY_PREFIX + request.get_host()


def prime(request, entry, generation) -> None:
    """Put a remembered site, settings and menu on the request, if they belong to this generation."""
    if not entry or not generation or entry["generation"] != generation:
        return
    request._wagtail_site = entry["site"]
    site_settings = entry["settings"]
    site_settings._request = request  # as Wagtail's for_request does, for page URLs
    setattr(request, SiteSettings.get_cache_attr_name(), site_settings)
    if entry.get("menu") is not None:
        request._parvis_menu = entry["menu"]


def remember(cache, request, generation, entry) -> None:
    """After a response, keep what this request read (once per generation and host)."""
    if not generation or (entry and entry["generation"] == generation):
        return
    site = getattr(request, "_wagtail_site", None)
    site_settings = getattr(request, SiteSettings.get_cache_attr_name(), None)
    if site is None or site_settings is None:
        return
    cache.set(shared_key(request), {
        "generation": generation, "site": site, "settings": site_settings,
        "menu": getattr(request, "_parvis_menu", None),
    }, 24 * 3600)


def remembered(request, name: str, compute):
    """``compute()``, kept between requests until content changes or the next phase change, whichever first.

    For what a page computes from many records but that changes only with
    them or with the clock (a council's open participations). Without the
    shared cache (tests, cache off) it is simply computed.
    """
    cache, generation = getattr(request, "_parvis_cache", None), getattr(request, "_parvis_generation", None)
    if cache is None or not generation:
        return compute()
    from django.utils import timezone

    from .boundaries import next_boundary_for

    key, now = f"parvis-remembered:{name}", timezone.now()
    entry = cache.get(key)
    if entry and entry["generation"] == generation and (entry["until"] is None or now < entry["until"]):
        return entry["value"]
    value = compute()
    until = next_boundary_for(generation, now=now)
    seconds = 24 * 3600 if until is None else int((until - now).total_seconds())
    if seconds >= 1:
        cache.set(key, {"generation": generation, "until": until, "value": value}, seconds)
    return value
