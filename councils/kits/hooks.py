"""Wagtail hooks of campaign kits; ``councils/wagtail_hooks.py`` imports this module.

- Communications' template admin in the "Votes" menu;
- a resident's data rights: their kit goes with their candidacy's photo.
"""

from wagtail import hooks

from accounts.privacy import ERASE_HOOK

from ..votes.models import Candidate
from . import services
from .admin import KitTemplateViewSet


@hooks.register("register_admin_viewset")
def register_kit_templates():
    return KitTemplateViewSet()


@hooks.register(ERASE_HOOK, order=-10)
def erase_kits(user):
    """Before the candidacies are anonymised (which detaches them from the account): their kits show the photo."""
    for candidate in Candidate.objects.filter(user=user):
        services.erase_kits(candidate=candidate)
