"""What is open now for a visitor, everywhere they live: the home page's list, filled in by the apps.

``home`` knows no participation app: each app that runs something residents take part in (votes,
consultations, budgets, volunteering missions) registers ``OPEN_NOW_HOOK``, and the app that knows
where residents live (``territories``) registers ``WHEREABOUTS_HOOK``::

    @hooks.register(OPEN_NOW_HOOK)
    def open_budgets(sites, *, now, limit):
        budgets = BudgetPage.objects.live().filter(within(sites), not_restricted(), …)[:limit]
        return [OpenItem(title=budget.title, url=budget.get_full_url(), kind=_("Vote"), closes_at=…,
                         site=site_of(budget.path, sites)) for budget in budgets]

- ``OPEN_NOW_HOOK``: ``fn(sites, *, now, limit) -> list[OpenItem]``, what is open at ``now`` on
  these sites, at most ``limit`` items (soonest closing first); one or two queries whatever the number
  of sites and of items (the list is a shared fragment, but the first visitor after a change pays
  them). URLs are full (each item on its own site's host name).
- ``WHEREABOUTS_HOOK``: ``fn(user) -> Whereabouts | None``, the sites of the places a signed-in
  resident lives in (their town's, intercommunality's, département's), nearest first.

A signed-in resident who said where they live sees those sites' items, and only those (a resident of
town A never sees town B's, even on B's site); everyone else sees the current site's own.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.utils import timezone
from wagtail import hooks
from wagtail.models import PageViewRestriction, Site

OPEN_NOW_HOOK = "parvis_open_for_resident"
WHEREABOUTS_HOOK = "parvis_resident_whereabouts"
LIMIT = 12


@dataclass(frozen=True)
class OpenItem:
    """Something a resident can take part in now, as the home page lists it."""

    title: str
    url: str  # full, on the host name of the site it belongs to
    kind: str  # shown as a badge: “Consultation”, “Vote”, “Volunteering”…
    closes_at: datetime | None
    site: Site


@dataclass(frozen=True)
class Whereabouts:
    """Where a signed-in resident lives, as far as the platform knows."""

    sites: list = field(default_factory=list)  # the sites of their places, nearest first (empty: none known)
    place: str = ""  # their commune's name ("" when they have not said)
    change_url: str = ""  # where they say or change it


def within(sites, prefix: str = "") -> Q:
    """Pages (or rows through the page at ``prefix``, e.g. ``"budget__"``) in the trees of these sites.

    ``sites`` come with their root page loaded (``Site.root_page``), as the home page passes them.
    """
    query = Q(pk__in=[])
    for site in sites:
        query |= Q(**{f"{prefix}path__startswith": site.root_page.path})
    return query


def not_restricted(prefix: str = "") -> Exists:
    """Rows whose page (at ``prefix``) is under no view restriction: Wagtail's ``public()`` in the same query.

    ``public()`` reads every restriction first, one query more for each app's list.
    """
    restricted = PageViewRestriction.objects.annotate(length=Length("page__path")).filter(
        page__path=Substr(OuterRef(f"{prefix}path"), 1, "length"))
    return ~Exists(restricted)


def site_of(path: str, sites) -> Site | None:
    """Which of ``sites`` a page with this tree path belongs to (the deepest root that holds it)."""
    found = [site for site in sites if path.startswith(site.root_page.path)]
    return max(found, key=lambda site: len(site.root_page.path), default=None)


def whereabouts(user) -> Whereabouts | None:
    """Where the signed-in ``user`` lives (None: anonymous, or no app knows)."""
    if not (user and user.is_authenticated):
        return None
    for hook in hooks.get_hooks(WHEREABOUTS_HOOK):
        found = hook(user)
        if found is not None:
            return found
    return None


def open_items(sites, *, now: datetime | None = None, limit: int = LIMIT) -> list[OpenItem]:
    """Every app's items open on these sites at ``now``, soonest closing first, at most ``limit``."""
    if not sites:
        return []
    now = now or timezone.now()
    found = [item for hook in hooks.get_hooks(OPEN_NOW_HOOK) for item in hook(sites, now=now, limit=limit)]
    found.sort(key=lambda item: (item.closes_at is None, item.closes_at or now, item.title))
    return found[:limit]
