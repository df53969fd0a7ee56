"""Meaningful actions: after one, the site may invite the resident to turn push on.

Submitting an idea, voting online and offering help to a mission count; a
first visit never does. Only the time of the last action is kept, not what it was.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from budget.models import Idea
from volunteering.models import Offer
from voting.models import Participation

from . import services


def _record(user_id):
    if user_id:
        transaction.on_commit(lambda: services.record_meaningful_action(user_id=user_id))


@receiver(post_save, sender=Idea, dispatch_uid="notices_idea_submitted")
def idea_submitted(sender, instance, created, **kwargs):
    if created:
        _record(instance.author_id)


@receiver(post_save, sender=Offer, dispatch_uid="notices_offer_made")
def offer_made(sender, instance, created, **kwargs):
    if created:
        _record(instance.volunteer_id)


@receiver(post_save, sender=Participation, dispatch_uid="notices_voted_online")
def voted_online(sender, instance, created, **kwargs):
    if created and instance.channel == Participation.Channel.ONLINE:
        _record(instance.voter.user_id)
