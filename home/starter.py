"""The pages a new collectivity's site starts with, so it is presentable the minute it is created.

A home page, a news index and the three pages the law asks for (legal notice, personal data,
accessibility statement), each saying what the editors must complete; the site's settings point at
them. Editors then change everything in the admin.
"""

from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from .models import ArticleIndexPage, HomePage, SiteSettings, StandardPage


def _publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def create_home(*, name: str, slug: str) -> HomePage:
    """A published home page at the root of the page tree, for a new site."""
    home = HomePage(
        title=name, slug=slug, hero_title=_("%(name)s: take part") % {"name": name},
        hero_text=_("Ideas for your neighbourhood, votes and consultations, volunteering: it all starts here."),
    )
    return _publish(Page.get_first_root_node(), home)


def create_starter_pages(*, site: Site, name: str) -> None:
    """News and legal pages under the site's home page, and the site's settings filled in with them."""
    home = site.root_page.specific
    to_complete = _("This page is to be completed by %(name)s's editors.") % {"name": name}
    _publish(home, ArticleIndexPage(title=_("News"), slug="actualites"))
    legal = {
        field: _publish(home, StandardPage(title=title, slug=slug, intro=to_complete))
        for field, title, slug in (
            ("legal_page", _("Legal notice"), "mentions-legales"),
            ("privacy_page", _("Personal data"), "donnees-personnelles"),
            ("accessibility_page", _("Accessibility"), "accessibilite"),
        )
    }
    settings = SiteSettings.for_site(site)
    settings.town_name = name
    for field, page in legal.items():
        setattr(settings, field, page)
    settings.save()
