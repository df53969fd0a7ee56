"""The rules of resident accounts: one account per mailbox, and every account has a profile."""

from wagtail import hooks

from .emails import canonical_email
from .models import Profile

PROFILE_SECTIONS_HOOK = "parvis_profile_sections"
"""Wagtail hook for other apps' parts of the profile page (the resident's address, in ``territories``).

Register ``fn(request) -> str | None``: HTML of a ``<section>`` with an ``h2``, shown after the profile form.
"""


def mailbox_has_account(email: str) -> bool:
    """Whether an account was opened with this address or a variant of it (``jean+1@…``, Gmail dots)."""
    return Profile.objects.filter(mailbox=canonical_email(email)).exists()


def create_profile(*, user, display_name: str = "") -> Profile:
    """The profile of a resident who just signed up, remembering their mailbox."""
    return Profile.objects.create(user=user, display_name=display_name, mailbox=canonical_email(user.email))


def profile_sections(request) -> list[str]:
    """Other apps' sections of the profile page (``PROFILE_SECTIONS_HOOK``)."""
    return [html for hook in hooks.get_hooks(PROFILE_SECTIONS_HOOK) if (html := hook(request))]


def profile_for(user) -> Profile:
    """The user's profile, created on first use for staff accounts made in the admin.

    Staff accounts are opened by administrators, not by sign-up, so they
    claim no mailbox.
    """
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile
