"""Pushing to many devices: what is made once (VAPID token, connections, queries) and what stays per message."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from accounts.notifications import TOPIC_VOTE_OPENED, Message
from accounts.notifications import announce as announce_now
from notices import fanout, push, subscriptions
from notices.models import Notice, PushSubscription

from ..accounts.factories import make_resident
from .push_service import verify_vapid

pytestmark = pytest.mark.django_db
OPENED = Message("Vote ouvert", "Un vote est ouvert dans votre quartier.", "/votes/")


def announce():
    with TestCase.captureOnCommitCallbacks(execute=True):
        announce_now(topic=TOPIC_VOTE_OPENED, users=get_user_model().objects.all(), message=OPENED)


def a_notice() -> Notice:
    return Notice.objects.create(topic=TOPIC_VOTE_OPENED, title="Vote ouvert", body="…", url="/", created_at="2026-12-01T10:00Z")


def residents_with_phones(phone_of, behaviours, prefix="r"):
    return [phone_of(make_resident(f"{prefix}{index}-{behaviour}@example.org"), behaviour)
            for index, behaviour in enumerate(behaviours)]


def test_the_vapid_token_is_signed_once_per_push_service_and_renewed_near_its_expiry(vapid, settings):
    now = time.time()
    first = push.authorization("https://push.example.net", now=now)

    assert push.authorization("https://push.example.net", now=now + 600) == first
    later = now + push.TOKEN_LIFETIME - push.TOKEN_RENEW_BEFORE + 1
    renewed = push.authorization("https://push.example.net", now=later)
    assert renewed != first
    assert push.authorization("https://push.example.net", now=later + 600) == renewed
    claims = verify_vapid(renewed, public_key=vapid, audience="https://push.example.net")
    assert claims["exp"] == int(later) + push.TOKEN_LIFETIME and claims["exp"] - later <= 24 * 3600  # RFC 8292
    other = push.authorization("https://updates.push.example.org", now=now)
    assert other != first and verify_vapid(other, public_key=vapid, audience="https://updates.push.example.org")
    settings.VAPID_SUBJECT = "mailto:autre@example.org"  # a new contact (or new keys): a new token at once
    assert push.authorization("https://push.example.net", now=now + 600) != first


def test_many_pushes_share_one_token_and_one_connection_but_each_body_is_encrypted_anew(push_service, phone_of):
    phones = residents_with_phones(phone_of, ["ok"] * 5)

    announce()

    assert push_service.refused == []  # each body decrypted with its phone's keys
    assert all(len(phone.shown) == 1 for phone in phones)
    assert len(push_service.tokens) == 1
    assert push_service.connections == 1


def test_a_token_near_its_expiry_is_not_sent(push_service, phone_of, settings):
    phone = residents_with_phones(phone_of, ["ok"])[0]
    stale = push.authorization(push_service.origin, now=time.time() - push.TOKEN_LIFETIME + 60)  # a minute left

    announce()

    assert phone.shown and push_service.refused == []
    assert push_service.tokens and stale not in push_service.tokens


def test_a_chunk_costs_the_same_queries_for_two_subscriptions_or_twenty(push_service, phone_of):
    notice = a_notice()

    def queries(behaviours):
        phones = residents_with_phones(phone_of, behaviours, prefix=f"r{len(behaviours)}-")
        endpoints = [phone.subscription(push_service.origin)["endpoint"] for phone in phones]
        ids = list(PushSubscription.objects.filter(endpoint__in=endpoints).values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as captured:
            result = fanout.push_chunk(notice=notice, subscription_ids=ids)
        return len(captured), result

    few, few_result = queries(["ok", "410"])
    many, many_result = queries(["ok"] * 15 + ["410"] * 5)

    assert (len(few_result.sent), len(few_result.gone)) == (1, 1)
    assert (len(many_result.sent), len(many_result.gone)) == (15, 5)
    assert many == few  # one read, one bulk delete (with its cascade), one bulk stamp
    assert PushSubscription.objects.filter(pk__in=many_result.gone).count() == 0
    assert PushSubscription.objects.filter(pk__in=many_result.sent, last_success__isnull=False).count() == 15


def test_residents_beyond_one_chunk_are_all_pushed(push_service, phone_of, monkeypatch):
    monkeypatch.setattr(fanout, "CHUNK", 2)
    phones = residents_with_phones(phone_of, ["ok", "410", "ok", "ok", "410"])

    announce()

    assert [len(phone.shown) for phone in phones] == [1, 0, 1, 1, 0]
    assert PushSubscription.objects.count() == 3  # the two gone ones deleted, from different chunks


def test_a_service_that_does_not_answer_is_not_waited_for_again_in_the_chunk(push_service, phone_of):
    hanging, waiting = residents_with_phones(phone_of, ["hang", "ok"])

    announce()

    # The hanging push timed out, so the other one of that service went to its own task (inline here, at once)
    # and arrived; the hanging one was retried on its own.
    assert waiting.shown and waiting.attempts == 1
    assert hanging.attempts == 3


def test_a_push_service_host_is_resolved_once_per_chunk(settings, monkeypatch):
    settings.PUSH_ALLOWED_HOSTS = []
    lookups = []

    def getaddrinfo(host, port, **kwargs):
        lookups.append(host)
        address = "10.0.0.7" if host == "push.internal.example" else "142.250.74.10"
        return [(2, 1, 6, "", (address, port))]

    monkeypatch.setattr(subscriptions.socket, "getaddrinfo", getaddrinfo)
    public_hosts: set = set()
    for token in ("a", "b", "c"):
        subscriptions.check_endpoint(f"https://fcm.example.net/send/{token}", public_hosts=public_hosts)

    assert lookups == ["fcm.example.net"]
    for _ in range(2):
        with pytest.raises(subscriptions.InvalidSubscription):
            subscriptions.check_endpoint("https://push.internal.example/x", public_hosts=public_hosts)
    assert lookups == ["fcm.example.net", "push.internal.example", "push.internal.example"]  # refusals are not kept
    subscriptions.check_endpoint("https://fcm.example.net/send/d")
    assert lookups[-1] == "fcm.example.net"  # without the set, every call resolves


def test_a_subscription_whose_owner_withdrew_meanwhile_is_skipped(push_service, phone_of):
    phone = residents_with_phones(phone_of, ["ok"])[0]
    subscription = PushSubscription.objects.get()
    notice = a_notice()
    subscription.user.notice_preferences.push_enabled = False
    subscription.user.notice_preferences.save()

    result = fanout.push_chunk(notice=notice, subscription_ids=[subscription.pk])

    assert result.sent == [] and phone.attempts == 0
    assert vars(result) == {"sent": [], "gone": [], "refused": [], "failed": [], "untried": []}
