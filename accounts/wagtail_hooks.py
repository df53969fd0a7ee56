"""What accounts hands other apps through Wagtail hooks: the certified identity, for roll matching."""

from wagtail import hooks

from .identity import VOTING_IDENTITY_HOOK, identity_for_voting

hooks.register(VOTING_IDENTITY_HOOK, identity_for_voting)


@hooks.register("register_admin_viewset")
def register_helpers_menu():
    from .admin_views import HelpersMenu

    return HelpersMenu()
