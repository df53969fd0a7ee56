"""Sending one push message (RFC 8030) encrypted for its subscription (RFC 8291), signed with VAPID (RFC 8292).

pywebpush does the encryption, per message. The keys come from settings
(``VAPID_PRIVATE_KEY``, base64url of the raw P-256 private key, from the
environment in production); without one, push is off and the notification
centre alone carries notices. The push service's certificate is checked
against the system's CAs, or ``PUSH_CA_BUNDLE`` when set (the tests' local
push service has its own CA); verification is never turned off.

What does not change from one message to the next is made once: the VAPID
token, signed once per push service origin (its ``aud``) and reused until near
its expiry, as RFC 8292 allows; and the HTTPS connections, kept alive in one
session per thread.
"""

import base64
import functools
import json
import os
import threading
import time
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from .exceptions import PushFailed, PushGone, PushUnreachable
from .subscriptions import check_endpoint

GONE = {404, 410}
TOKEN_LIFETIME = 12 * 3600  # the JWT's exp; RFC 8292 lets push services refuse more than 24 h
TOKEN_RENEW_BEFORE = 3600  # a token with less left is replaced: none expires in transit or to a clock a little ahead


def push_available() -> bool:
    """True when VAPID keys are configured."""
    return bool(getattr(settings, "VAPID_PRIVATE_KEY", ""))


@functools.cache
def _vapid(private_key: str) -> Vapid:
    return Vapid.from_raw(private_key.encode())


def vapid() -> Vapid:
    return _vapid(settings.VAPID_PRIVATE_KEY)


def public_key() -> str:
    """The VAPID public key as the browser's ``applicationServerKey`` wants it (base64url, uncompressed point)."""
    if not push_available():
        return ""
    raw = vapid().public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def origin_of(endpoint: str) -> str:
    """The push service's origin, the ``aud`` of its VAPID token (as pywebpush computes it)."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


_tokens: dict[tuple[str, str, str], tuple[int, str]] = {}
_tokens_lock = threading.Lock()


def authorization(audience: str, *, now: float | None = None) -> str:
    """The ``Authorization: vapid t=…, k=…`` value for this push service, signed once and reused until near expiry.

    Keyed by the private key and subject too, so new keys or a new contact sign anew at once.
    """
    now = time.time() if now is None else now
    key = (settings.VAPID_PRIVATE_KEY, settings.VAPID_SUBJECT, audience)
    with _tokens_lock:
        cached = _tokens.get(key)
        if cached is None or cached[0] - now < TOKEN_RENEW_BEFORE:
            expires = int(now) + TOKEN_LIFETIME
            header = vapid().sign({"aud": audience, "exp": expires, "sub": settings.VAPID_SUBJECT})["Authorization"]
            if len(_tokens) >= 256:
                _tokens.clear()  # push services are a handful (FCM, Mozilla, Apple…): this only bounds memory
            cached = _tokens[key] = (expires, header)
    return cached[1]


class _PushSession(requests.Session):
    """Keeps its CA bundle even when REQUESTS_CA_BUNDLE is set (requests lets the environment win)."""

    def __init__(self, ca_bundle: str):
        super().__init__()
        self.ca_bundle = ca_bundle
        self.max_redirects = 0  # a redirect could lead to an internal host: refused, as an error

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        merged = super().merge_environment_settings(url, proxies, stream, verify, cert)
        if self.ca_bundle:
            merged["verify"] = self.ca_bundle
        return merged


_local = threading.local()


def session() -> requests.Session:
    """This thread's session: its connections to each push service are kept alive between sends.

    One per thread (a Session is not thread-safe; a worker may run tasks in threads) and per process (a forked
    worker child never shares its parent's sockets).
    """
    key = (os.getpid(), getattr(settings, "PUSH_CA_BUNDLE", "") or "")
    sessions = _local.__dict__.setdefault("sessions", {})
    if key not in sessions:
        sessions.clear()
        sessions[key] = _PushSession(key[1])
    return sessions[key]


def send(*, subscription, payload: dict | str, check: bool = True) -> None:
    """POST the payload, encrypted for this subscription, to its push service.

    ``check=False`` when the caller has just checked the endpoint. Raises
    :class:`PushGone` when the service says the subscription is gone (404,
    410), :class:`PushUnreachable` when it does not answer, :class:`PushFailed`
    on any other failure.
    """
    if check:
        check_endpoint(subscription.endpoint)  # again now: a host's address may have changed since it subscribed
    try:
        webpush(
            subscription_info=subscription.info(),
            data=payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False),
            headers={"Authorization": authorization(origin_of(subscription.endpoint))},
            timeout=settings.PUSH_TIMEOUT,
            ttl=settings.PUSH_TTL,
            requests_session=session(),
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in GONE:
            raise PushGone(f"push service answered {status}") from None
        raise PushFailed(f"push service answered {status}") from None
    except (requests.ConnectionError, requests.Timeout) as error:
        raise PushUnreachable(type(error).__name__) from None
    except requests.RequestException as error:
        raise PushFailed(type(error).__name__) from None
