"""Helpers for the officers' admin tests (no test here): logging staff in with given permissions."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from .factories import make_user

ADMIN_ACCESS = "wagtailadmin.access_admin"


def log_in(client, *permissions: str, username: str = "officer", superuser: bool = False):
    """Log a staff member in with these ``"app_label.codename"`` permissions; the admin speaks English."""
    if superuser:
        user = get_user_model().objects.create_superuser(username, f"{username}@example.org", "pw")
    else:
        user = make_user(username)
        for permission in permissions:
            app_label, codename = permission.split(".")
            user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def messages_of(response) -> list[str]:
    return [str(message).strip() for message in response.context["messages"]]
