"""Sending one push message (RFC 8030) encrypted for its subscription (RFC 8291), signed with VAPID (RFC 8292).

pywebpush does the encryption and the signature. The keys come from
settings (``VAPID_PRIVATE_KEY``, base64url of the raw P-256 private key, from
the environment in production); without one, push is off and the
notification centre alone carries notices. The push service's certificate is
checked against the system's CAs, or ``PUSH_CA_BUNDLE`` when set (the tests'
local push service has its own CA); verification is never turned off.
"""

import base64
import functools
import json

import requests
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from .exceptions import PushFailed, PushGone
from .subscriptions import check_endpoint

GONE = {404, 410}


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


@functools.cache
def _session(ca_bundle: str) -> requests.Session:
    """One session per worker process: connections to a push service are kept alive between sends."""
    return _PushSession(ca_bundle)


def send(*, subscription, payload: dict) -> None:
    """POST the encrypted payload to the subscription's push service.

    Raises :class:`PushGone` when the service says the subscription is gone
    (404, 410), :class:`PushFailed` on a timeout or any other failure.
    """
    check_endpoint(subscription.endpoint)  # again now: a host's address may have changed since it subscribed
    try:
        webpush(
            subscription_info=subscription.info(),
            data=json.dumps(payload, ensure_ascii=False),
            vapid_private_key=vapid(),
            vapid_claims={"sub": settings.VAPID_SUBJECT},  # a new dict: webpush adds aud and exp to it
            timeout=settings.PUSH_TIMEOUT,
            ttl=settings.PUSH_TTL,
            requests_session=_session(getattr(settings, "PUSH_CA_BUNDLE", "") or ""),
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in GONE:
            raise PushGone(f"push service answered {status}") from None
        raise PushFailed(f"push service answered {status}") from None
    except requests.RequestException as error:
        raise PushFailed(type(error).__name__) from None
