"""What every page asks about the signed-in resident alone, kept between their requests.

The header of every page a resident sees asks two things about them: may they
open the admin (Wagtail's userbar reads all their permissions: two queries)
and how many notifications they have not read (a count). Both change rarely,
so they are kept per user in the default cache, read together in one round
trip, and forgotten when they may change:

- ``ADMIN_ACCESS`` carries the *permissions version*, which any change of
  group membership, a group's or a user's permissions, a group or a permission
  starts anew (``connect``). Only a kept "no" saves work: a kept "yes" still
  goes through Wagtail's own check, so a kept answer can never show the
  userbar to someone who may not open the admin (and the admin checks every
  request itself).
- ``UNREAD`` is forgotten by ``notices.services`` for the residents it writes
  for (a delivery, a notification read, an erasure), and lives at most
  ``UNREAD_SECONDS`` for writes made elsewhere (a notice deleted in the admin).

Nothing here is shared between users: keys hold the user's id, and nothing
else is kept. An unreachable cache means computing each value, as before.
"""

import uuid

from django.core.cache import caches
from django.db import transaction

ADMIN_ACCESS = "admin-access"
UNREAD = "unread"
NAMES = (ADMIN_ACCESS, UNREAD)
VERSION_KEY = "parvis-permissions-version"
UNREAD_SECONDS = 120
ADMIN_ACCESS_SECONDS = 24 * 3600


def user_key(name: str, user_id) -> str:
    return f"parvis-personal:{name}:{user_id}"


def _cache():
    return caches["default"]


def remembered(request, name: str, compute, *, versioned: bool = False, seconds: int = UNREAD_SECONDS):
    """``compute()`` for the signed-in user of ``request``, kept until it may have changed.

    The first call of a request reads every name of ``NAMES`` (and the
    permissions version) at once; ``versioned`` values are used only while
    the permissions version they were made in is current.
    """
    user = request.user
    cache = _cache()
    found = getattr(request, "_parvis_personal", None)
    if found is None:
        found = request._parvis_personal = cache.get_many([user_key(n, user.pk) for n in NAMES] + [VERSION_KEY])
    key = user_key(name, user.pk)
    version = found.get(VERSION_KEY) if versioned else ""
    entry = found.get(key)
    if version is not None and entry is not None and entry[0] == version:
        return entry[1]
    value = compute()
    if versioned and version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = found[VERSION_KEY] = cache.get(VERSION_KEY)
    if version is not None:
        cache.set(key, (version, value), seconds)
        found[key] = (version, value)
    return value


def forget(name: str, user_ids) -> None:
    """Drop ``name`` for these users once the current transaction commits."""
    keys = [user_key(name, user_id) for user_id in user_ids]
    if keys:
        transaction.on_commit(lambda: _cache().delete_many(keys))


def permissions_changed(**kwargs) -> None:
    """Signal receiver: every kept admin-access answer becomes stale (after the commit)."""
    if kwargs.get("raw"):
        return
    transaction.on_commit(lambda: _cache().set(VERSION_KEY, uuid.uuid4().hex, None))


def connect() -> None:
    """Wire the permissions version to Django's auth models (called from the app's ``ready``)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    User = get_user_model()
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(permissions_changed, sender=through, dispatch_uid=f"parvis-personal-{through._meta.label}")
    for model in (Group, Permission):
        post_save.connect(permissions_changed, sender=model, dispatch_uid=f"parvis-personal-save-{model._meta.label}")
        post_delete.connect(permissions_changed, sender=model,
                            dispatch_uid=f"parvis-personal-delete-{model._meta.label}")
