"""The page cache's Celery task: purging the reverse proxy off the editor's request."""

from celery import shared_task


@shared_task
def purge_reverse_proxy() -> None:
    """Ask the reverse proxy in front to drop every live page (``pagecache.purge``), off the editor's request.

    Wagtail's HTTP backend waits for each PURGE; a slow or unreachable proxy must not hold a publish.
    """
    from .purge import purge_proxy

    purge_proxy()
