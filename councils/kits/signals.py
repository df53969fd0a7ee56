"""When a kit must be rendered again: signals rather than calls sprinkled over the code paths.

A candidate becomes approved through the officers' review, but also
through the admin's edit form, the demo loader or a paper application;
the template is saved from the admin or the demo; an election's dates
change when its page is published. Each path commits, then the kit is
queued (``services.request_kit``); rendering is skipped when nothing it
shows has changed, so a save that changes nothing costs a fingerprint.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published


def candidate_saved(sender, instance, raw=False, **kwargs):
    from ..votes.models import Candidate
    from .services import request_kit

    if not raw and instance.status == Candidate.Status.APPROVED:
        request_kit(instance)


def template_saved(sender, instance, raw=False, **kwargs):
    from .services import request_election_kits

    if not raw:
        request_election_kits(instance.election)


def election_published(sender, instance, **kwargs):
    from .services import request_election_kits

    request_election_kits(instance)


def connect() -> None:
    from ..votes.models import Candidate, ElectionPage
    from .models import KitTemplate

    receiver(post_save, sender=Candidate, dispatch_uid="councils_kits_candidate_saved")(candidate_saved)
    receiver(post_save, sender=KitTemplate, dispatch_uid="councils_kits_template_saved")(template_saved)
    receiver(page_published, sender=ElectionPage, dispatch_uid="councils_kits_election_published")(election_published)
