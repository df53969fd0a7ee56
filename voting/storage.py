"""Private file storage for electoral roll uploads: never under the public /media/."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.PRIVATE_ROOT, base_url=None)
