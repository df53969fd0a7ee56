"""When election and consultation pages change by the clock alone (for ``pagecache``).

Before their ballots are sealed, pages show their own dates; an election page
also stops taking candidacies at ``applications_close_at``. Sealed contests'
dates are ``voting.phases.next_change``'s.
"""

from datetime import datetime

from django.db.models import Min, Q

from .votes.models import ConsultationPage, ElectionPage

SCHEDULE_FIELDS = ("opens_at", "closes_at", "proclaims_at")


def next_change(*, now: datetime) -> datetime | None:
    """The next date after ``now`` on a live election or consultation page (two queries)."""
    dates = []
    for model, fields in ((ElectionPage, (*SCHEDULE_FIELDS, "applications_close_at")), (ConsultationPage, SCHEDULE_FIELDS)):
        found = model.objects.live().aggregate(**{field: Min(field, filter=Q(**{f"{field}__gt": now})) for field in fields})
        dates.extend(filter(None, found.values()))
    return min(dates, default=None)
