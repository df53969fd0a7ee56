"""The next moment a page may change by the clock alone: the soonest phase change of any app.

Phases are computed from dates, never stored, so nothing is saved (and
nothing purges the cache) when a vote opens: a cached page must expire then.
Each app that computes phases says when its next change is; the page cache
takes the soonest, whatever the page shows (a page may list any of them).
"""

from datetime import datetime

from django.utils.module_loading import import_string

CLOCKS = (
    "budget.phases.next_change",
    "voting.phases.next_change",
    "councils.phases.next_change",
    "volunteering.phases.next_change",
)

_memo: dict = {"generation": None, "boundary": None, "computed": False}


def next_boundary(*, now: datetime) -> datetime | None:
    """The soonest phase change after ``now`` across the apps (None: none planned)."""
    dates = [import_string(path)(now=now) for path in CLOCKS]
    return min(filter(None, dates), default=None)


def next_boundary_for(generation: str, *, now: datetime) -> datetime | None:
    """``next_boundary``, remembered per process until content changes (``generation``) or it passes.

    Content changes (new dates, a new contest) start a new generation, so the
    remembered answer is right until then or until the boundary itself.
    """
    boundary = _memo["boundary"]
    if _memo["computed"] and _memo["generation"] == generation and (boundary is None or now < boundary):
        return boundary
    boundary = next_boundary(now=now)
    _memo.update(generation=generation, boundary=boundary, computed=True)
    return boundary
