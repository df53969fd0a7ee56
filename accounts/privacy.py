"""Residents' rights over their data (GDPR): download all of it, erase the account.

Extension point. Each app that stores personal data linked to an account
registers two Wagtail hooks (in its ``wagtail_hooks.py``; ``voting`` can too,
it only needs ``wagtail.hooks``):

- ``EXPORT_HOOK``: ``fn(user) -> dict``, sections added to the resident's
  download, e.g. ``{"ideas": [{"title": …, "submitted_at": …}]}``. Values must
  be JSON-serialisable by ``DjangoJSONEncoder`` (dates are fine).
- ``ERASE_HOOK``: ``fn(user) -> None``, run in the deletion's transaction just
  before the user row is deleted. Delete what is private; detach what was
  published so it stays, anonymised: set its author to ``None`` and show
  ``public_name(None)``, “former resident”. Anything still pointing at the
  user afterwards follows its foreign key's ``on_delete``.

For example, in ``budget/wagtail_hooks.py``::

    @hooks.register(ERASE_HOOK)
    def anonymise_ideas(user):
        Idea.objects.filter(author=user, status=Idea.Status.DRAFT).delete()
        Idea.objects.filter(author=user).update(author=None)
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .models import CertifiedIdentity, Profile

EXPORT_HOOK = "parvis_export_personal_data"
ERASE_HOOK = "parvis_erase_personal_data"
FORMER_RESIDENT = _("former resident")
RESIDENT = _("a resident")
LOGIN_RECORDS = (AccessAttempt, AccessFailureLog, AccessLog)  # django-axes, keyed by login identifier


def public_name(user) -> str:
    """How a contribution is signed: the public name, else “a resident”; “former resident” once erased."""
    if user is None:
        return str(FORMER_RESIDENT)
    display_name = Profile.objects.filter(user=user).values_list("display_name", flat=True).first()
    return display_name or str(RESIDENT)


def _login_identifiers(user) -> set[str]:
    """The values ``accounts.security.login_identifier`` records for this user."""
    return {value.lower() for value in (user.email, user.get_username()) if value}


def _profile_data(profile: Profile | None) -> dict | None:
    if profile is None:
        return None
    return {
        "public_name": profile.display_name,
        "council": profile.council.name if profile.council else None,
        "birth_year": profile.birth_year,
        "notifications": {
            "vote_opened": profile.notify_vote_opened,
            "results_published": profile.notify_results_published,
            "idea_reviewed": profile.notify_idea_reviewed,
        },
    }


def export_personal_data(user) -> dict:
    """Everything stored about this account, plus each app's sections (``EXPORT_HOOK``)."""
    data = {
        "exported_at": timezone.now(),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "email_addresses": list(user.emailaddress_set.values("email", "verified", "primary")),
        "profile": _profile_data(Profile.objects.filter(user=user).select_related("council").first()),
        "certified_identity": CertifiedIdentity.objects.filter(user=user).values(
            "provider", "birth_name", "given_names", "birth_date", "birthplace", "gender", "usage_name", "certified_at"
        ).first(),
        "login_records": [
            {"at": record.attempt_time, "ip_address": record.ip_address, "user_agent": record.user_agent}
            for model in LOGIN_RECORDS
            for record in model.objects.filter(username__in=_login_identifiers(user)).order_by("attempt_time")
        ],
    }
    for hook in hooks.get_hooks(EXPORT_HOOK):
        data.update(hook(user))
    return data


@transaction.atomic
def erase_account(user) -> None:
    """Delete the account and its personal data; apps first anonymise what they publish (``ERASE_HOOK``)."""
    for hook in hooks.get_hooks(ERASE_HOOK):
        hook(user)
    for model in LOGIN_RECORDS:
        model.objects.filter(username__in=_login_identifiers(user)).delete()
    user.delete()
