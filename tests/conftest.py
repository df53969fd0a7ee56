"""Fixtures shared by the whole suite."""

import json

import pytest
from django.core.cache import cache
from django.db import connections

# Rows created by migrations (Wagtail's root page and collection, default
# locale, groups and permissions), serialized once when the test database is
# created. See `migrated_data`.
_MIGRATED_DATA: dict[str, str] = {}
FIRST_MODELS = {"contenttypes.contenttype", "auth.permission"}


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Each test writes uploads (images, documents) and private files (rolls, demo shares) to its own folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        for alias in connections:
            rows = json.loads(connections[alias].creation.serialize_db_to_string())
            # Content types first: other rows point at them, and restoring a
            # Wagtail task before its content type would create that one anew.
            rows.sort(key=lambda row: row["model"] not in FIRST_MODELS)
            _MIGRATED_DATA[alias] = json.dumps(rows)


@pytest.fixture
def migrated_data(transactional_db):
    """Restore what migrations created, for tests that commit (live server, concurrency).

    Such tests end with a flush of every table. Django's serialized rollback
    is meant to restore the migrations' rows, but it keeps its copy on a
    context-local connection object that Playwright's event loop hides from
    later tests; this fixture restores from our own copy when needed.
    """
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    if not Page.objects.exists():
        # The flush re-ran post_migrate: drop its content types (new ids) first.
        Permission.objects.all().delete()
        ContentType.objects.all().delete()
        ContentType.objects.clear_cache()
        for alias, data in _MIGRATED_DATA.items():
            connections[alias].creation.deserialize_db_from_string(data)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rate limits (sign-up, contact forms) never leak across tests."""
    from voting.services import casting, chaining

    cache.clear()
    chaining._queued_runs.clear()  # the process's memory of the chaining runs queued in the cache
    casting._sealed.clear()  # its copies of sealed contests: SQLite gives a rolled-back contest's id again
