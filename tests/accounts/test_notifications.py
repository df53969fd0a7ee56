"""Notifications reach only residents who opted in, one e-mail each."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings

from accounts.notifications import IDEA_REVIEWED, VOTE_OPENED, Message, notify

from .factories import make_resident

pytestmark = pytest.mark.django_db


def test_only_opted_in_active_residents_get_one_private_email_each():
    make_resident("a@example.org", notify_vote_opened=True)
    make_resident("b@example.org", notify_vote_opened=True)
    make_resident("c@example.org", notify_vote_opened=False)
    gone = make_resident("d@example.org", notify_vote_opened=True)
    gone.is_active = False
    gone.save()

    count = notify(kind=VOTE_OPENED, users=get_user_model().objects.all(),
                   message=Message("Le vote est ouvert", "Votez jusqu'au 30 juin.", "https://ville.example/vote/1/"))

    assert count == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    assert "https://ville.example/vote/1/" in mail.outbox[0].body


def test_targets_are_narrowed_by_the_caller_and_by_kind():
    author = make_resident("author@example.org", notify_idea_reviewed=True, notify_vote_opened=True)
    make_resident("other@example.org", notify_idea_reviewed=True)
    notify(kind=IDEA_REVIEWED, users=get_user_model().objects.filter(pk=author.pk), message=Message("Idée étudiée", "…"))
    assert [m.to for m in mail.outbox] == [["author@example.org"]]


class RecordingChannel:
    sent: list = []

    def send(self, *, user, message):
        RecordingChannel.sent.append((user.email, message.subject))


@override_settings(PARVIS_NOTIFICATION_CHANNELS=["tests.accounts.test_notifications.RecordingChannel"])
def test_a_new_channel_plugs_in_by_settings():
    make_resident("push@example.org", notify_results_published=True)
    notify(kind="results_published", users=get_user_model().objects.all(), message=Message("Résultats", "…"))
    assert RecordingChannel.sent == [("push@example.org", "Résultats")] and mail.outbox == []
