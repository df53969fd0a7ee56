"""When the volunteering pages change by the clock alone: a mission stops taking offers.

A one-off mission takes offers until it starts, a recurring one until it
ends (``Mission.offers_close_at``); nothing is stored when that happens, so
cached pages must expire at it (``pagecache``).
"""

from datetime import datetime

from django.db.models import Min, Q

from .models import Mission


def next_change(*, now: datetime) -> datetime | None:
    """The next start or end of a published mission after ``now`` (one query; either may close offers)."""
    dates = Mission.objects.published().aggregate(
        starts=Min("starts_at", filter=Q(starts_at__gt=now)), ends=Min("ends_at", filter=Q(ends_at__gt=now))
    )
    return min(filter(None, dates.values()), default=None)
