"""Celery tasks of councils: thin wrappers around the services."""

from celery import shared_task

from .votes import notices

# Celery's autodiscovery imports ``councils.tasks`` only: the kits' tasks must be registered from here.
from .kits.tasks import render_candidate_kit, render_election_kits  # noqa: E402, F401


@shared_task
def send_vote_notices() -> dict[str, int]:
    """Beat, every five minutes: vote opened, two days left, results published — each sent once per contest."""
    return notices.send_due_notices()
