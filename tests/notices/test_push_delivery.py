"""Pushes reach a real push service, encrypted and signed as the standards require; failures are handled."""

import pytest
from django.contrib.auth import get_user_model
from django.test import TestCase

from accounts.notifications import TOPIC_RESULTS, TOPIC_VOTE_OPENED, TOPIC_VOTE_REMINDER, Message
from accounts.notifications import announce as announce_now
from notices.models import Notification, NotificationPreferences, PushSubscription

from ..accounts.factories import make_resident

pytestmark = pytest.mark.django_db
OPENED = Message("Vote ouvert : Centre", "Un vote est ouvert dans votre quartier.", "http://testserver/conseils/centre/?x=1#vote")


def announce(**kwargs):
    """Announce, then run what waits for the commit (the delivery tasks, inline here)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        announce_now(**kwargs)


def everyone():
    return get_user_model().objects.all()


def test_the_phone_decrypts_what_the_site_pushed(push_service, phone_of):
    resident = make_resident("centre@example.org")
    phone = phone_of(resident)

    announce(topic=TOPIC_VOTE_OPENED, users=everyone(), message=OPENED)

    assert push_service.refused == []  # VAPID JWT checked (ES256, aud, exp) and body decrypted
    assert len(phone.shown) == 1
    shown = phone.shown[0]
    assert shown["title"] == "Vote ouvert : Centre" and shown["body"] == "Un vote est ouvert dans votre quartier."
    assert shown["url"] == "/conseils/centre/?x=1#vote"  # same-origin path only
    assert shown["tag"].startswith("vote_opened-")
    assert PushSubscription.objects.get(user=resident).last_success is not None
    assert Notification.objects.filter(user=resident, read_at=None).count() == 1


def test_a_subscription_the_service_says_is_gone_is_deleted(push_service, phone_of):
    resident = make_resident("gone@example.org")
    phone_of(resident, "410")
    other = make_resident("gone404@example.org")
    phone_of(other, "404")

    announce(topic=TOPIC_VOTE_OPENED, users=everyone(), message=OPENED)

    assert not PushSubscription.objects.exists()
    assert Notification.objects.count() == 2  # the notices still wait in the centre


def test_a_service_that_hangs_or_fails_is_retried_then_dropped(push_service, phone_of):
    hanging = phone_of(make_resident("slow@example.org"), "hang")
    failing = phone_of(make_resident("broken@example.org"), "500")

    announce(topic=TOPIC_VOTE_OPENED, users=everyone(), message=OPENED)

    assert hanging.attempts == 3 and failing.attempts == 3  # once, then the two retries of PUSH_RETRY_DELAYS
    assert PushSubscription.objects.count() == 2  # kept: only the message is dropped
    assert Notification.objects.count() == 2


def test_at_most_one_push_a_day_unless_asked_for_more(push_service, phone_of):
    calm = make_resident("calm@example.org")
    calm_phone = phone_of(calm)
    keen = make_resident("keen@example.org")
    keen_phone = phone_of(keen)
    NotificationPreferences.objects.filter(user=keen).update(more_than_daily=True)

    announce(topic=TOPIC_VOTE_OPENED, users=everyone(), message=OPENED)
    announce(topic=TOPIC_RESULTS, users=everyone(), message=Message("Résultats", "Les résultats sont proclamés.", ""))

    assert [shown["title"] for shown in calm_phone.shown] == ["Vote ouvert : Centre"]
    assert [shown["title"] for shown in keen_phone.shown] == ["Vote ouvert : Centre", "Résultats"]
    assert Notification.objects.filter(user=calm).count() == 2  # the second waits in the centre


def test_topics_turned_off_reach_neither_the_phone_nor_the_centre(push_service, phone_of):
    resident = make_resident("choosy@example.org")
    phone = phone_of(resident)
    NotificationPreferences.objects.filter(user=resident).update(vote_opened=False)

    announce(topic=TOPIC_VOTE_OPENED, users=everyone(), message=OPENED)

    assert phone.shown == [] and not Notification.objects.exists()


def test_withdrawing_consent_deletes_devices_and_stops_pushes(client, push_service, phone_of):
    resident = make_resident("leaving@example.org")
    phone = phone_of(resident)
    client.force_login(resident)

    response = client.post("/notifications/push/retirer/")

    assert response.status_code == 302
    assert not PushSubscription.objects.exists()
    announce(topic=TOPIC_VOTE_OPENED, users=everyone(), message=OPENED)
    assert phone.attempts == 0
    assert Notification.objects.filter(user=resident).count() == 1  # the centre still serves them


def test_the_reminder_leaves_no_trace_of_who_got_it(push_service, phone_of):
    waiting = make_resident("waiting@example.org")
    phone = phone_of(waiting)

    announce(topic=TOPIC_VOTE_REMINDER, users=everyone(),
             message=Message("Plus que deux jours pour voter", "Si vous n'avez pas encore voté, il est encore temps.", ""))

    assert [shown["title"] for shown in phone.shown] == ["Plus que deux jours pour voter"]
    assert not Notification.objects.exists()  # nothing lists who had not voted
    preferences = NotificationPreferences.objects.get(user=waiting)
    assert preferences.last_push_on is None and PushSubscription.objects.get().last_success is None
