"""Telling trustees that their key ceremony waits for them."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse


def tell_trustees(contests) -> None:
    """Once the transaction commits, e-mail each trustee of these contests once, listing them all."""
    from .tasks import tell_trustees as task

    contest_ids = [contest.pk for contest in contests]
    if contest_ids:
        transaction.on_commit(lambda: task.delay(contest_ids), robust=True)


def trustee_home_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("voting:trustee_home")
