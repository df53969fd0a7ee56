"""Builders for resident accounts."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from accounts.services import create_profile

PASSWORD = "un-mot-de-passe-solide"


def make_resident(email: str = "jean@example.org", *, display_name: str = "Jean", verified: bool = True, **profile):
    """A resident as sign-up leaves them: user, e-mail address (confirmed or not), profile."""
    user = get_user_model().objects.create_user(username=email.split("@")[0], email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    created = create_profile(user=user, display_name=display_name)
    for field, value in profile.items():
        setattr(created, field, value)
    created.save()
    return user
