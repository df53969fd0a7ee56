"""Views that fail the way an outage makes them fail, for tests/parvis/test_errors.py."""

from django.db import OperationalError
from django.urls import path
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis.exceptions import ConnectionError as RedisConnectionError

from parvis.urls import handler500  # noqa: F401 - the handler under test, wired as in production


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def database_lost_mid_request(request):
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError as error:
        raise RuntimeError("while saving the session") from error


def redis_down(request):
    raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def broker_down(request):
    raise BrokerUnavailable("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def bug(request):
    raise ValueError("a programming error")


urlpatterns = [
    path("database-down/", database_down),
    path("database-lost/", database_lost_mid_request),
    path("redis-down/", redis_down),
    path("broker-down/", broker_down),
    path("bug/", bug),
]
