"""Celery tasks of campaign kits: thin wrappers around :mod:`councils.kits.services`."""

from celery import shared_task

from ..votes.models import Candidate, ElectionPage
from . import services


@shared_task
def render_candidate_kit(candidate_id: int) -> str | None:
    """Render one approved candidate's kit if it changed; nothing for a candidate gone or no longer approved."""
    candidate = Candidate.objects.filter(pk=candidate_id, status=Candidate.Status.APPROVED).first()
    if candidate is None:
        return None
    return services.render_kit(candidate=candidate).fingerprint


@shared_task
def render_election_kits(election_id: int) -> int:
    """Render the kits of an election's approved candidates that changed (template saved, election published)."""
    election = ElectionPage.objects.filter(pk=election_id).first()
    if election is None:
        return 0
    return len(services.render_election(election=election))
