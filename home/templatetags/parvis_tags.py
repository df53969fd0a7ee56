"""Template tags of the site shell: navigation built from the page tree, the admin's userbar; what is open for the visitor."""

import copy

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar
from wagtail.models import Page, Site

from home.open_now import open_items, whereabouts
from pagecache import personal
from pagecache.fragments import shared_fragment

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context):
    """The home page's live children marked “show in menus”, with the current section flagged.

    Kept as a shared fragment per section (``pagecache.fragments``): the same
    for every page of a section, and every page URL in it written once per
    content generation (each costs a pass over every site's root path).
    """
    request = context["request"]
    site = Site.find_for_request(request)
    current = context.get("page")
    if site is None:
        return ""
    root = site.root_page.path
    section, on_item = "", False
    if isinstance(current, Page) and current.path.startswith(root) and len(current.path) > len(root):
        section, on_item = current.path[: len(root) + Page.steplen], len(current.path) == len(root) + Page.steplen
    return mark_safe(shared_fragment(request, "menu", [section, on_item], lambda: _render_menu(request, site, current)))


def _render_menu(request, site, current) -> str:
    # Kept between requests by pagecache.shared (until content changes); read once otherwise.
    menu = getattr(request, "_parvis_menu", None)
    if menu is None:
        menu = request._parvis_menu = list(site.root_page.get_children().live().public().in_menu().order_by("path"))
    items = [
        {
            "page": page,
            "active": bool(current and isinstance(current, Page) and current.path.startswith(page.path)),
            "current": bool(current and current.pk == page.pk),
        }
        for page in menu
    ]
    return render_to_string("includes/main_menu.html", {"items": items, "request": request})


@register.simple_tag(takes_context=True)
def userbar(context):
    """Wagtail's userbar for those who may open the admin; nothing, without a query, for everyone else.

    Wagtail's tag reads all of a signed-in user's permissions on every page
    (two queries) to tell; whether a resident may open the admin is kept
    between their requests (``pagecache.personal``, until groups or
    permissions change). A kept "yes" goes through Wagtail's check again.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    if not user.is_superuser and not personal.remembered(
        request, personal.ADMIN_ACCESS, lambda: user.has_perm("wagtailadmin.access_admin"),
        versioned=True, seconds=personal.ADMIN_ACCESS_SECONDS,
    ):
        return ""
    return wagtailuserbar(context)


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
