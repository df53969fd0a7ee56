"""Template tags of the site shell: navigation built from the page tree; what is open for the visitor."""

import copy

from django import template
from wagtail.models import Page, Site

from home.open_now import open_items, whereabouts

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The home page's live children marked “show in menus”, with the current section flagged."""
    request = context["request"]
    site = Site.find_for_request(request)
    current = context.get("page")
    items = []
    if site is not None:
        # Kept between requests by pagecache.shared (until content changes); read once otherwise.
        menu = getattr(request, "_parvis_menu", None)
        if menu is None:
            menu = request._parvis_menu = list(site.root_page.get_children().live().public().in_menu().order_by("path"))
        for page in menu:
            items.append(
                {
                    "page": page,
                    "active": bool(current and isinstance(current, Page) and current.path.startswith(page.path)),
                    "current": bool(current and current.pk == page.pk),
                }
            )
    return {"items": items, "request": request}


@register.inclusion_tag("home/includes/open_now.html", takes_context=True)
def open_now(context):
    """What is open for this visitor: everywhere a signed-in resident lives, else this site's own.

    Rendered for each request (a resident's places are theirs: the page cache never serves a
    signed-in visitor); the list itself depends only on the sites, so it is a shared fragment keyed
    by them, reused by every resident of the same commune and by every visitor of the site.
    """
    request, page = context["request"], context.get("page")
    known = whereabouts(context.get("user"))
    if known and known.sites:
        sites = known.sites
    else:
        site = Site.find_for_request(request)
        sites = [_current_site(site, page)] if site else []
    return {"request": request, "sites": sites, "site_ids": ",".join(str(site.pk) for site in sites),
            "whereabouts": known, "personal": bool(known and known.sites)}


def _current_site(site, page):
    """The request's site with its root page: the page being shown when it is the home page (no query)."""
    if page is not None and page.pk == site.root_page_id:
        site = copy.copy(site)  # the request's site may be the one kept between requests: leave it as it is
        site.root_page = page
    return site


@register.simple_tag
def open_items_for(sites):
    """``{% open_items_for sites as items %}``: inside the shared fragment, so only computed when not kept."""
    return open_items(sites)
