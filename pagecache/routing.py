"""Wagtail's routing and private-page check, kept per content generation: a page's path costs one query.

Wagtail finds a page one level of its path at a time (a query for each level
and one for its specific type), then reads its ancestors and their view
restrictions: two to six queries before the page does anything. Their answer
depends on the page tree and the restrictions only, and every change of them
(publishing, unpublishing, moving, deleting a page, a site's root, a view
restriction) starts a new content generation (``purge``). So the first
request for a path in a generation remembers which page it reached and which
restrictions apply to it; the next ones load that page by id (one query) and
check those restrictions, as Wagtail would, with no other query.

Safe by construction: an entry is used only in its generation, for its host,
language and site; the page is read fresh from the database (its content,
``live`` flag and path: a page whose path is not the remembered one falls back
to Wagtail's routing) and routed by its own ``route`` as Wagtail ends every
route; restrictions are read fresh by id (their type, password, groups) and
checked for every request by Wagtail's own hook. Only a path that is exactly
a page's (no sub-route of a routable page, no unknown path) is remembered, so
entries are bounded by the pages of the tree.
"""

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.utils import translation
from wagtail.models import Page, PageViewRestriction, Site

KEY_PREFIX = "parvis-route:"


def route_key(request) -> str:
    raw = f"{request.get_host()}|{translation.get_language()}|{request.path}"
    return KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def components(path: str) -> list[str]:
    return [component for component in path.split("/") if component]


def prime(request, path: str, entry, generation) -> bool:
    """Route the request from a remembered entry (one query); False when there is none usable.

    Sets what Wagtail's ``Page.route_for_request`` reads first
    (``request._wagtail_route_for_request``), so ``wagtail.views.serve`` does
    no routing of its own, and gives the page the restrictions remembered for
    it, which Wagtail's ``check_view_restrictions`` hook then applies.
    """
    if not entry or not generation or entry["generation"] != generation or components(path) != entry["components"]:
        return False
    site = Site.find_for_request(request)
    if site is None or site.pk != entry["site"]:
        return False
    model = ContentType.objects.get_for_id(entry["content_type"]).model_class()
    page = model.objects.filter(pk=entry["page"]).first() if model is not None else None
    if page is None or page.url_path != entry["url_path"]:
        return False  # the tree changed without a new generation (a raw write): Wagtail routes it
    restriction_ids = entry["restrictions"]
    # Wagtail's hook asks the page for its restrictions: those that applied when the entry was made,
    # re-read by id, or none at all without a query.
    page.get_view_restrictions = (
        (lambda: PageViewRestriction.objects.filter(pk__in=restriction_ids)) if restriction_ids
        else PageViewRestriction.objects.none
    )
    try:
        request._wagtail_route_for_request = page.route(request, [])
    except Http404:
        request._wagtail_route_for_request = None
    return True


def fragments(entry) -> list[str]:
    """The shared fragments' keys the page read when its route was remembered."""
    return entry.get("fragments", []) if entry else []


def entry_for(request, path: str, generation) -> dict | None:
    """What to remember of the route Wagtail just found for ``path`` (None: nothing to remember).

    Only a path that is exactly the page's own URL: the route ended on that
    page with nothing left for a sub-route. Reads the page's restrictions
    (Wagtail's ``get_view_restrictions``: ancestors and aliases), once per
    path and generation.
    """
    result = getattr(request, "_wagtail_route_for_request", None)
    site = getattr(request, "_wagtail_site", None)
    if not generation or result is None or site is None or getattr(request, "is_preview", False):
        return None
    page = result[0]
    parts = components(path)
    root_path = site.root_page.url_path
    if not isinstance(page, Page) or page.url_path != root_path + "".join(f"{part}/" for part in parts):
        return None
    if "get_view_restrictions" in vars(page):  # routed from an entry already
        return None
    return {
        "generation": generation, "components": parts, "site": site.pk, "page": page.pk,
        "content_type": page.content_type_id, "url_path": page.url_path,
        "restrictions": sorted(page.get_view_restrictions().values_list("pk", flat=True)),
        # The shared fragments the page read (this generation's keys), for the next request to read at once.
        "fragments": list(dict.fromkeys(getattr(request, "_parvis_fragment_keys", ()))),
    }
