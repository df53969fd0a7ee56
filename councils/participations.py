"""Extension point: the calls for ideas and votes a council's page lists as open now.

The council page does not know the budget or the ballots: apps that run
participations tell it, through a Wagtail hook. Register a function that takes
the council and the current time and returns the ``Participation`` items open
for that council's residents at that time, e.g. in ``budget/wagtail_hooks.py``::

    from wagtail import hooks

    from councils.participations import PARTICIPATIONS_HOOK, Participation


    @hooks.register(PARTICIPATIONS_HOOK)
    def open_calls_for_ideas(council, *, now):
        return [
            Participation(title=budget.title, url=budget.url, kind=_("Call for ideas"), closes_at=budget.ideas_close)
            for budget in BudgetPage.objects.live().accepting_ideas(now=now).for_council(council)
        ]

``voting`` imports no other app of ours, so the hook listing a council's open
contests is registered on ``councils``' side, which may import ``voting``.
The page lists items soonest closing first; hooks must stay cheap (one query).
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from wagtail import hooks

PARTICIPATIONS_HOOK = "parvis_council_participations"


@dataclass(frozen=True)
class Participation:
    """Something a council's residents can take part in now, as the council page shows it."""

    title: str
    url: str
    kind: str  # shown as a badge: “Call for ideas”, “Vote”, “Election”…
    closes_at: datetime | None = None


def current_participations(council, *, now: datetime | None = None) -> list[Participation]:
    """Every registered app's open participations for this council, soonest closing first."""
    now = now or timezone.now()
    found = [item for hook in hooks.get_hooks(PARTICIPATIONS_HOOK) for item in hook(council, now=now)]
    return sorted(found, key=lambda item: (item.closes_at is None, item.closes_at or now, item.title))
