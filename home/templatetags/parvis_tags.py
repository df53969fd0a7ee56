"""Template tags of the site shell: navigation built from the page tree, the admin's userbar."""

from django import template
from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar
from wagtail.models import Page, Site

from pagecache import personal

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
