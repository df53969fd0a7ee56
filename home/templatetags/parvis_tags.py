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
        root = site.root_page
        for page in root.get_children().live().public().in_menu().order_by("path"):
            items.append(
                {
                    "page": page,
                    "active": bool(current and isinstance(current, Page) and current.path.startswith(page.path)),
                    "current": bool(current and current.pk == page.pk),
                }
            )
    return {"items": items, "request": request}
