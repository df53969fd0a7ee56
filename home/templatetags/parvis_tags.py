"""Template tags of the site shell: navigation built from the page tree."""

from django import template
from wagtail.models import Page, Site

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
