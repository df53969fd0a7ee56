"""A contest's phase, computed from its dates and state — never stored."""

from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    DRAFT = "draft", _("in preparation")
    SCHEDULED = "scheduled", _("upcoming")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed, counting in progress")
    COUNTED = "counted", _("counted, results sealed until the proclamation")
    PROCLAIMED = "proclaimed", _("results proclaimed")


def contest_phase(contest, now=None) -> Phase:
    """Where a contest stands at ``now``.

    A contest is sealed when its trustees' key ceremony ends, so a sealed
    contest always has its key. Computed without a query, as it runs on
    every ballot page and every vote.
    """
    now = now or timezone.now()
    if contest.sealed_at is None:
        return Phase.DRAFT
    if now < contest.opens_at:
        return Phase.SCHEDULED
    if now < contest.closes_at:
        return Phase.OPEN
    try:
        result = contest.result
    except ObjectDoesNotExist:
        return Phase.CLOSED
    return Phase.COUNTED if result.proclaimed_at is None else Phase.PROCLAIMED


def next_change(*, now) -> datetime | None:
    """The next moment after ``now`` at which some contest's phase changes by the clock (one query).

    Opening and closing change the phase at their date; a proclamation is
    recorded by a task (``proclaim_due_contests``) soon after ``proclaims_at``,
    and that write purges cached pages itself. Pages cached before a change
    must expire at it (``pagecache``).
    """
    from django.db.models import Min, Q

    from .models import Contest

    dates = Contest.objects.filter(sealed_at__isnull=False).aggregate(
        **{field: Min(field, filter=Q(**{f"{field}__gt": now})) for field in ("opens_at", "closes_at", "proclaims_at")}
    )
    return min(filter(None, dates.values()), default=None)
