"""Fixtures of the notices tests: VAPID keys, a real local push service, phones that subscribe."""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from notices import push, subscriptions

from .push_service import PushService, b64url, make_phone


@pytest.fixture
def vapid(settings):
    """A fresh VAPID key pair in the settings; returns the public key (base64url)."""
    key = ec.generate_private_key(ec.SECP256R1())
    settings.VAPID_PRIVATE_KEY = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    settings.VAPID_SUBJECT = "mailto:mairie@example.org"
    return push.public_key()


@pytest.fixture
def push_service(settings, vapid, tmp_path):
    """The local push service, trusted through PUSH_CA_BUNDLE and allowed by PUSH_ALLOWED_HOSTS only."""
    with PushService(tmp_path, vapid_public_key=vapid, hang_seconds=2.0) as service:
        settings.PUSH_ALLOWED_HOSTS = ["127.0.0.1"]
        settings.PUSH_CA_BUNDLE = str(service.ca)
        settings.PUSH_TIMEOUT = 0.5
        settings.PUSH_RETRY_DELAYS = [0, 0]
        yield service


@pytest.fixture
def phone_of(push_service):
    """``phone_of(user, behaviour="ok")``: the resident's browser subscribes through the real service function."""

    def subscribe(user, behaviour="ok"):
        phone = push_service.add(make_phone(behaviour))
        subscriptions.subscribe(user=user, body=json.dumps(phone.subscription(push_service.origin)).encode())
        return phone

    return subscribe
