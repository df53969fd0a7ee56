"""The notification centre works without push and without JavaScript: bell count, list, mark as read."""

import pytest
from django.utils import timezone

from notices import services
from notices.models import Notification, NotificationPreferences

from ..accounts.factories import make_resident

pytestmark = pytest.mark.django_db


def publish(title, *users, url="/votes/centre/"):
    notice = services.publish(topic="vote_opened", title=title, body="Un vote est ouvert.", url=url,
                              user_ids=[user.pk for user in users])
    services.deliver(notice=notice, user_ids=[user.pk for user in users])
    return notice


@pytest.fixture
def resident(client):
    user = make_resident("centre@example.org")
    client.force_login(user)
    return user


def test_the_bell_shows_the_unread_count_to_signed_in_residents_only(client, resident):
    publish("Vote ouvert", resident)
    publish("Résultats", resident)

    page = client.get("/notifications/").content.decode()

    assert 'data-testid="unread-count">2<' in page
    client.logout()
    assert "notification-bell" not in client.get("/compte/login/").content.decode()


def test_the_list_shows_newest_first_and_only_ones_own(client, resident):
    publish("Ancien", resident)
    publish("Récent", resident)
    publish("Pas pour moi", make_resident("other@example.org"))

    page = client.get("/notifications/").content.decode()

    assert page.index("Récent") < page.index("Ancien") and "Pas pour moi" not in page


def test_mark_one_then_all_as_read(client, resident):
    first, second, third = (publish(title, resident) for title in ("Un", "Deux", "Trois"))
    one = Notification.objects.get(notice=first)

    client.post(f"/notifications/{one.pk}/lu/")
    assert services.unread_count(resident) == 2
    client.post("/notifications/tout-lu/")
    assert services.unread_count(resident) == 0


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, resident):
    publish("Vote ouvert", resident, url="/votes/centre/")
    notification = Notification.objects.get()

    response = client.get(f"/notifications/{notification.pk}/ouvrir/")

    assert response.status_code == 302 and response["Location"] == "/votes/centre/"
    assert Notification.objects.get().read_at is not None


def test_someone_elses_notification_cannot_be_opened_or_marked(client, resident):
    publish("Privé", make_resident("other@example.org"))
    other = Notification.objects.get()

    assert client.get(f"/notifications/{other.pk}/ouvrir/").status_code == 404
    client.post(f"/notifications/{other.pk}/lu/")
    assert Notification.objects.get().read_at is None


def test_an_empty_centre_says_so(client, resident):
    page = client.get("/notifications/").content.decode()
    assert 'data-testid="empty-centre"' in page and 'data-testid="notification"' not in page


def test_the_centre_needs_an_account(client):
    assert client.get("/notifications/").status_code == 302


def test_preferences_are_saved_from_a_plain_form(client, resident):
    response = client.post("/notifications/preferences/", {"vote_opened": "on", "results": "on", "more_than_daily": "on"})

    assert response.status_code == 302
    saved = NotificationPreferences.objects.get(user=resident)
    assert saved.vote_opened and saved.results and saved.more_than_daily
    assert not saved.ideas_opened and not saved.missions and not saved.reminders


def test_the_invitation_to_push_appears_only_after_a_meaningful_action_and_not_after_not_now(client, resident, vapid):
    assert 'data-testid="push-invitation"' not in client.get("/notifications/").content.decode()  # first visit

    services.record_meaningful_action(user_id=resident.pk, now=timezone.now())
    page = client.get("/notifications/").content.decode()
    assert 'data-testid="push-invitation"' in page and "notices/js/push.js" in page

    client.post("/notifications/push/plus-tard/", {"next": "/notifications/"})
    assert 'data-testid="push-invitation"' not in client.get("/notifications/").content.decode()
    assert "data-push-enable" in client.get("/notifications/preferences/").content.decode()  # still offered there


@pytest.mark.parametrize("link", ["https://evil.example/x", "//evil.example/x", "/\\evil.example/x"])
def test_links_lead_only_to_this_site(client, resident, link):
    publish("Lien", resident, url=link)
    notification = Notification.objects.get()

    response = client.get(f"/notifications/{notification.pk}/ouvrir/")

    assert response["Location"] in {"/x", "/", "/notifications/"}
    assert "evil" not in response["Location"]
