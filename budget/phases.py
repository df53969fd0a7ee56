"""A budget edition's phase, computed from the BudgetPage's dates — never stored.

Each phase starts at its date, included, and ends at the next one, excluded:
at ``review_starts_at`` exactly, ideas are closed and the review has begun.
Blocks read the phase at render time, so they change by themselves.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    UPCOMING = "upcoming", _("coming soon")
    IDEAS = "ideas", _("ideas")
    REVIEW = "review", _("review")
    VOTE = "vote", _("vote")
    COUNTING = "counting", _("counting")
    RESULTS = "results", _("results")


# Phase -> the BudgetPage field holding the moment it starts, in the order of an edition.
PHASE_STARTS = [
    (Phase.IDEAS, "ideas_open_at"),
    (Phase.REVIEW, "review_starts_at"),
    (Phase.VOTE, "vote_opens_at"),
    (Phase.COUNTING, "vote_closes_at"),
    (Phase.RESULTS, "results_at"),
]


def budget_phase(budget, now: datetime | None = None) -> Phase:
    """Where the edition stands at ``now``: the last phase whose start has passed."""
    now = now or timezone.now()
    current = Phase.UPCOMING
    for phase, field in PHASE_STARTS:
        start = getattr(budget, field)
        if start is None or now < start:
            break
        current = phase
    return current


@dataclass(frozen=True, slots=True)
class TimelineStep:
    phase: Phase
    starts_at: datetime
    ends_at: datetime | None
    is_current: bool
    is_past: bool


def timeline(budget, now: datetime | None = None) -> list[TimelineStep]:
    """The edition's phases with their dates, marking the current one (for the timeline block)."""
    now = now or timezone.now()
    current = budget_phase(budget, now)
    order = [phase for phase, _field in PHASE_STARTS]
    steps = []
    for index, (phase, field) in enumerate(PHASE_STARTS):
        ends_at = getattr(budget, PHASE_STARTS[index + 1][1]) if index + 1 < len(PHASE_STARTS) else None
        steps.append(TimelineStep(
            phase=phase,
            starts_at=getattr(budget, field),
            ends_at=ends_at,
            is_current=phase == current,
            is_past=current != Phase.UPCOMING and order.index(phase) < order.index(current),
        ))
    return steps


def next_change(*, now: datetime) -> datetime | None:
    """The next moment after ``now`` at which a live edition changes phase (one query; for ``pagecache``)."""
    from django.db.models import Min, Q

    from .models import BudgetPage

    dates = BudgetPage.objects.live().aggregate(
        **{field: Min(field, filter=Q(**{f"{field}__gt": now})) for _phase, field in PHASE_STARTS}
    )
    return min(filter(None, dates.values()), default=None)
