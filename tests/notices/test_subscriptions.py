"""A browser's subscription is checked before anything is stored: malformed, foreign or internal ones are refused."""

import json

import pytest
from django.test import Client

from notices.exceptions import InvalidSubscription
from notices.models import NotificationPreferences, PushSubscription
from notices.subscriptions import check_endpoint, parse_subscription

from ..accounts.factories import make_resident
from .push_service import make_phone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in the source language (the site's default is French)."""
    from django.utils import translation

    with translation.override("en"):
        yield
PUBLIC_ORIGIN = "https://1.1.1.1"  # an address literal: no DNS needed to check it is public


def body(**changes) -> bytes:
    data = make_phone().subscription(PUBLIC_ORIGIN)
    data.update(changes)
    return json.dumps(data).encode()


def test_a_well_formed_subscription_to_a_public_host_is_accepted():
    cleaned = parse_subscription(body())
    assert cleaned["endpoint"].startswith("https://1.1.1.1/push/")


@pytest.mark.parametrize("payload, message", [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "not a push subscription"),
    (json.dumps({"endpoint": "https://1.1.1.1/x"}).encode(), "not a push subscription"),
    (body(extra="field"), "not a push subscription"),
    (body(keys={"p256dh": "AAAA", "auth": "AAAA"}), "not a P-256 public key"),
    (body(keys={"p256dh": make_phone().subscription(PUBLIC_ORIGIN)["keys"]["p256dh"], "auth": "c2hvcnQ"}), "16 bytes"),
    (body(keys={"p256dh": "***", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}), "not base64url"),
    (b"x" * 5000, "too large"),
])
def test_malformed_or_foreign_subscriptions_are_refused_with_a_clear_error(payload, message):
    with pytest.raises(InvalidSubscription, match=message):
        parse_subscription(payload)


@pytest.mark.parametrize("endpoint, message", [
    ("http://1.1.1.1/push/x", "https"),
    ("ftp://1.1.1.1/push/x", "https"),
    ("https:///nohost", "https"),
    ("https://127.0.0.1/push/x", "private address"),
    ("https://localhost/push/x", "private address"),
    ("https://10.1.2.3/push/x", "private address"),
    ("https://192.168.0.10/push/x", "private address"),
    ("https://169.254.169.254/latest/meta-data", "private address"),
    ("https://[::1]/push/x", "private address"),
    ("https://[fd00::1]/push/x", "private address"),
    ("https://user:pw@1.1.1.1/push/x", "no valid endpoint"),
    ("https://no-such-host.invalid/push/x", "cannot be found"),
])
def test_endpoints_that_are_not_https_or_point_at_internal_hosts_are_refused(endpoint, message):
    with pytest.raises(InvalidSubscription, match=message):
        check_endpoint(endpoint)


def test_loopback_is_allowed_only_when_the_setting_names_it(settings):
    with pytest.raises(InvalidSubscription):
        check_endpoint("https://127.0.0.1:8443/push/x")
    settings.PUSH_ALLOWED_HOSTS = ["127.0.0.1"]
    assert check_endpoint("https://127.0.0.1:8443/push/x")


def test_the_endpoint_view_refuses_bad_input_and_stores_nothing(vapid):
    resident = make_resident("phone@example.org")
    client = Client()
    client.force_login(resident)

    refused = client.post("/notifications/push/abonnement/", body(endpoint="https://10.0.0.1/push/x"), HTTP_ACCEPT_LANGUAGE="fr",
                          content_type="application/json")

    assert refused.status_code == 400
    assert "adresse privée" in refused.json()["error"]
    assert not PushSubscription.objects.exists() and not NotificationPreferences.objects.exists()


def test_the_endpoint_view_stores_a_good_subscription_and_turns_push_on(vapid):
    resident = make_resident("phone@example.org")
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    client.get("/notifications/preferences/")  # sets the CSRF cookie, as the page does for the script
    token = client.cookies["csrftoken"].value

    without_token = client.post("/notifications/push/abonnement/", body(), content_type="application/json")
    accepted = client.post("/notifications/push/abonnement/", body(), content_type="application/json",
                           HTTP_X_CSRFTOKEN=token)

    assert without_token.status_code == 403
    assert accepted.status_code == 201
    assert PushSubscription.objects.get().user == resident
    assert NotificationPreferences.objects.get(user=resident).push_enabled


def test_anonymous_visitors_cannot_subscribe(client):
    response = client.post("/notifications/push/abonnement/", body(), content_type="application/json")
    assert response.status_code == 302 and not PushSubscription.objects.exists()


def test_the_same_browser_moves_to_the_account_now_signed_in_and_old_devices_are_capped():
    first, second = make_resident("a@example.org"), make_resident("b@example.org")
    from notices import subscriptions

    payload = body()
    subscriptions.subscribe(user=first, body=payload)
    subscriptions.subscribe(user=second, body=payload)
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [second.pk]
    for _ in range(12):
        subscriptions.subscribe(user=second, body=body())
    assert PushSubscription.objects.filter(user=second).count() == subscriptions.MAX_PER_RESIDENT
