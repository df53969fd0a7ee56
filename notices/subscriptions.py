"""Push subscriptions: checking what a browser sends, storing it, and withdrawing consent.

A subscription is the JSON ``PushSubscription.toJSON()`` gives:
``{"endpoint": "https://…", "expirationTime": null, "keys": {"p256dh": …, "auth": …}}``.
Its endpoint is where the server will later POST, so it is a server-side
request chosen by a browser: it must be https and resolve to public
addresses only (no loopback, private, link-local or reserved address), unless
its host is listed in ``PUSH_ALLOWED_HOSTS`` (empty by default; the tests'
local push service on 127.0.0.1 is allowed that way).
"""

import base64
import binascii
import ipaddress
import json
import re
import socket
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import InvalidSubscription
from .models import NotificationPreferences, PushSubscription

MAX_BODY = 4096
MAX_ENDPOINT = 1000
MAX_PER_RESIDENT = 10  # phones, tablets, computers; the oldest goes when a new one comes
SUBSCRIPTION_KEYS = {"endpoint", "expirationTime", "keys"}
BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


def _b64url(value, *, name: str) -> bytes:
    if not isinstance(value, str) or not value or len(value) > 200:
        raise InvalidSubscription(_("The subscription's key “%(name)s” is missing.") % {"name": name})
    try:
        if not BASE64URL.fullmatch(value):
            raise ValueError
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise InvalidSubscription(_("The subscription's key “%(name)s” is not base64url.") % {"name": name}) from None


def _public_addresses_only(host: str, port: int) -> None:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise InvalidSubscription(_("The push service's address cannot be found.")) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise InvalidSubscription(_("The push service must be on the internet, not on a private address."))


def check_endpoint(endpoint, *, public_hosts: set | None = None) -> str:
    """The endpoint if it is an https address on a public host (or an explicitly allowed one).

    ``public_hosts``: (host, port) pairs already resolved to public addresses by
    the caller just before (a chunk of pushes resolves each push service once);
    found ones are added to it.
    """
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > MAX_ENDPOINT:
        raise InvalidSubscription(_("The subscription has no valid endpoint."))
    try:
        parts = urlsplit(endpoint)
        port = parts.port or 443
    except ValueError:
        raise InvalidSubscription(_("The subscription has no valid endpoint.")) from None
    if parts.scheme != "https" or not parts.hostname:
        raise InvalidSubscription(_("The push service must be reached over https."))
    if parts.username or parts.password:
        raise InvalidSubscription(_("The subscription has no valid endpoint."))
    if parts.hostname not in getattr(settings, "PUSH_ALLOWED_HOSTS", []):
        if public_hosts is None or (parts.hostname, port) not in public_hosts:
            _public_addresses_only(parts.hostname, port)
        if public_hosts is not None:
            public_hosts.add((parts.hostname, port))
    return endpoint


def parse_subscription(body: bytes) -> dict:
    """Validate a subscription as the browser posted it; return ``{endpoint, p256dh, auth}``.

    Raises :class:`InvalidSubscription` with a message saying what is wrong.
    """
    if len(body) > MAX_BODY:
        raise InvalidSubscription(_("The subscription is too large."))
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidSubscription(_("The subscription is not valid JSON.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict) or set(data) - SUBSCRIPTION_KEYS:
        raise InvalidSubscription(_("This is not a push subscription."))
    keys = data["keys"]
    if set(keys) != {"p256dh", "auth"}:
        raise InvalidSubscription(_("This is not a push subscription."))
    p256dh, auth = _b64url(keys["p256dh"], name="p256dh"), _b64url(keys["auth"], name="auth")
    try:
        # RFC 8291: an uncompressed P-256 point; from_encoded_point checks it is on the curve.
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
        if len(p256dh) != 65:
            raise ValueError
    except ValueError:
        raise InvalidSubscription(_("The subscription's key “p256dh” is not a P-256 public key.")) from None
    if len(auth) != 16:
        raise InvalidSubscription(_("The subscription's key “auth” must be 16 bytes."))
    return {"endpoint": check_endpoint(data.get("endpoint")), "p256dh": keys["p256dh"], "auth": keys["auth"]}


def subscribe(*, user, body: bytes, now=None) -> PushSubscription:
    """Store the browser's subscription for this resident and turn push on (their consent)."""
    now = now or timezone.now()
    cleaned = parse_subscription(body)
    with transaction.atomic():
        NotificationPreferences.objects.update_or_create(user=user, defaults={"push_enabled": True})
        subscription, _created = PushSubscription.objects.update_or_create(
            endpoint=cleaned["endpoint"],
            defaults={"user": user, "p256dh": cleaned["p256dh"], "auth": cleaned["auth"], "created": now},
        )
        extra = PushSubscription.objects.filter(user=user).order_by("-created", "-pk").values_list("pk", flat=True)[
            MAX_PER_RESIDENT:
        ]
        PushSubscription.objects.filter(pk__in=list(extra)).delete()
    return subscription


def withdraw(*, user) -> int:
    """The resident withdraws consent: every subscription is deleted and nothing more is pushed."""
    with transaction.atomic():
        NotificationPreferences.objects.filter(user=user).update(push_enabled=False)
        deleted, _detail = PushSubscription.objects.filter(user=user).delete()
    return deleted
