"""Publishing an election or a consultation prepares its ballots on the engine.

A signal rather than an admin hook: pages are also published by the
scheduler (go-live dates), by workflow approval and by the demo loader, and
each of those must prepare the ballots the same way.
"""

import logging

from django.dispatch import receiver
from wagtail.signals import page_published

from voting.exceptions import VotingError

logger = logging.getLogger(__name__)


def _actor(revision):
    return getattr(revision, "user", None)


def election_published(sender, instance, revision=None, **kwargs):
    """An election's councils get their (unsealed) contests; officers seal them once candidates are approved."""
    from .elections import prepare_ballots

    prepare_ballots(election=instance, actor=_actor(revision))


def consultation_published(sender, instance, revision=None, **kwargs):
    """A consultation is launched when published: its questions become sealed contests.

    The page form has already refused what would stop sealing (no question,
    too few trustees, a roll not imported); should sealing still fail, the
    page stays published with its ballots in preparation and the reason is
    logged for the officers, who can seal again from the vote's manage page.
    """
    from voting.services.audit import log

    from .consultations import launch

    try:
        launch(consultation=instance, actor=_actor(revision))
    except VotingError as error:
        logger.warning("Consultation %s published but not sealed: %s", instance.pk, error.message)
        for contest in instance.contests():
            log(contest=contest, action="seal_failed", actor=_actor(revision), reason=str(error.message))


def connect() -> None:
    from .models import ConsultationPage, ElectionPage

    receiver(page_published, sender=ElectionPage, dispatch_uid="councils_election_published")(election_published)
    receiver(page_published, sender=ConsultationPage, dispatch_uid="councils_consultation_published")(
        consultation_published
    )
