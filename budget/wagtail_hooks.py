"""The budget's admin menu, and its answers to other apps' extension points.

- ``councils.participations``: a council's page lists the editions open for ideas or votes;
- ``home.open_now``: so does a resident's home page, for the sites where they live;
- ``accounts.privacy``: residents' ideas join their data download, and stay
  published, signed “former resident”, when they delete their account.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from accounts.privacy import ERASE_HOOK, EXPORT_HOOK
from councils.participations import PARTICIPATIONS_HOOK, Participation
from home.open_now import OPEN_NOW_HOOK, OpenItem, site_of

from . import services
from .admin_editions import EditionViewSet
from .admin_views import IdeaViewSet
from .phases import Phase


class BudgetMenu(ViewSetGroup):
    """The "Participatory budget" menu; shown only to users allowed into one of its items."""

    menu_label = gettext_lazy("Participatory budget")
    menu_icon = "help"
    menu_order = 255
    items = (IdeaViewSet, EditionViewSet)


@hooks.register("register_admin_viewset")
def register_budget_menu():
    return BudgetMenu()


@hooks.register(PARTICIPATIONS_HOOK)
def open_budget_participations(council, *, now):
    """Budget editions are town-wide: every council lists its collectivity's editions open for ideas or the vote.

    A council of no site (an installation from before territories) lists every edition.
    """
    site = council.get_site()
    budgets = services.open_on_sites([site], now=now) if site else services.open_participations(now=now)
    items = []
    for budget, phase in budgets:
        if phase is Phase.IDEAS:
            items.append(Participation(title=budget.title, url=budget.url + "#proposer", kind=_("Call for ideas"),
                                       closes_at=budget.review_starts_at))
        else:
            items.append(Participation(title=budget.title, url=budget.url, kind=_("Vote"), closes_at=budget.vote_closes_at))
    return items


@hooks.register(OPEN_NOW_HOOK)
def open_budgets(sites, *, now, limit):
    """The sites' editions open for ideas or for the vote."""
    items = []
    for budget, phase in services.open_on_sites(sites, now=now, limit=limit):
        site = site_of(budget.path, sites)
        if phase is Phase.IDEAS:
            items.append(OpenItem(title=budget.title, url=budget.get_full_url() + "#proposer", kind=_("Call for ideas"),
                                  closes_at=budget.review_starts_at, site=site))
        else:
            items.append(OpenItem(title=budget.title, url=budget.get_full_url(), kind=_("Participatory budget vote"),
                                  closes_at=budget.vote_closes_at, site=site))
    return items


@hooks.register(EXPORT_HOOK)
def export_budget_ideas(user):
    return services.export_ideas(user)


@hooks.register(ERASE_HOOK)
def anonymise_budget_ideas(user):
    services.anonymise_ideas(user)
