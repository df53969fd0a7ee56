"""The server-error handler: an outage of PostgreSQL, Redis or the task queue gets a "retry" page (503).

``handler500`` in ``parvis/urls.py``. Django calls it from inside the
``except`` block that caught the exception, so ``sys.exc_info()`` tells
what failed. A lost connection to a service is temporary: the resident gets
``503 Service Unavailable`` with ``Retry-After`` and a page that says to try
again and, for a vote, to look at the vote's page, which tells whether the
vote was recorded. Any other error keeps Django's 500 page. Both templates
are rendered without a request context: neither may touch the database or
the cache, which may be what is down.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 30


def _outage_types() -> tuple[type[BaseException], ...]:
    types: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        types += [RedisConnectionError, RedisTimeoutError]
    except ImportError:  # pragma: no cover - redis is a dependency of celery[redis]
        pass
    try:
        from kombu.exceptions import OperationalError as BrokerUnavailable

        types.append(BrokerUnavailable)
    except ImportError:  # pragma: no cover
        pass
    return tuple(types)


OUTAGES = _outage_types()


def is_outage(error: BaseException | None) -> bool:
    """Whether ``error``, or an exception it was raised from, is a lost connection to a service."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OUTAGES):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """500 page, or 503 "try again" when a service is momentarily unreachable."""
    if is_outage(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template(template_name).render())
