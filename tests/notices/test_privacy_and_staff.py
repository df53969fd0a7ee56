"""Residents' data rights cover notifications; Communications send notices with a preview, a count and a log."""

import json

import pytest
from django.contrib.auth.models import Group
from django.test import TestCase

from accounts.privacy import erase_account, export_personal_data
from budget.models import Idea
from councils import roles
from notices import services, subscriptions
from notices.models import Notice, Notification, NotificationPreferences, PushSubscription, StaffNotice

from ..accounts.factories import make_resident
from ..budget.factories import make_budget, make_idea
from ..councils.factories import CouncilFactory
from ..home.utils import make_home
from .push_service import make_phone

pytestmark = pytest.mark.django_db


def subscribed(user, origin="https://1.1.1.1"):
    subscriptions.subscribe(user=user, body=json.dumps(make_phone().subscription(origin)).encode())


def test_the_data_download_lists_preferences_devices_and_notifications():
    resident = make_resident("data@example.org")
    subscribed(resident)
    notice = services.publish(topic="results_published", title="Résultats", body="…", url="/r/", user_ids=[resident.pk])
    services.deliver(notice=notice, user_ids=[resident.pk])

    data = export_personal_data(resident)["notifications"]

    assert data["preferences"]["push_enabled"] is True
    assert data["push_subscriptions"][0]["endpoint"].startswith("https://1.1.1.1/push/")
    assert data["received"][0]["title"] == "Résultats"


def test_deleting_the_account_deletes_devices_preferences_and_centre_entries():
    resident = make_resident("bye@example.org")
    subscribed(resident)
    notice = services.publish(topic="results_published", title="Résultats", body="…", url="", user_ids=[resident.pk])
    services.deliver(notice=notice, user_ids=[resident.pk])

    erase_account(resident)

    assert not PushSubscription.objects.exists() and not NotificationPreferences.objects.exists()
    assert not Notification.objects.exists() and Notice.objects.count() == 1


def test_submitting_an_idea_is_a_meaningful_action():
    resident = make_resident("idea@example.org")
    budget = make_budget(make_home())
    assert not services.should_invite(resident)
    with TestCase.captureOnCommitCallbacks(execute=True):
        make_idea(budget, author=resident)
    assert Idea.objects.filter(author=resident).exists() and services.should_invite(resident)


def test_offering_help_is_a_meaningful_action():
    from ..volunteering.factories import make_association, make_mission, make_offer

    resident = make_resident("helper@example.org")
    with TestCase.captureOnCommitCallbacks(execute=True):
        make_offer(make_mission(make_association("Entente sportive")), resident)
    assert services.should_invite(resident)


@pytest.fixture
def communications(client):
    staff = make_resident("comm@example.org")
    staff.groups.add(Group.objects.get(name=roles.COMMUNICATIONS))
    client.force_login(staff)
    return staff


def test_communications_preview_the_count_then_send_and_every_send_is_logged(client, communications):
    centre, pres = CouncilFactory(name="Centre"), CouncilFactory(name="Les Prés")
    for index in range(3):
        subscribed(make_resident(f"c{index}@example.org", council=centre))
    subscribed(make_resident("p@example.org", council=pres))
    make_resident("nopush@example.org", council=centre)  # did not opt in
    form = {"councils": [centre.pk], "title": "Travaux rue Haute", "body": "La rue est fermée lundi.", "url": "/travaux/"}

    preview = client.post("/admin/avis-aux-habitants/envoyer/", {**form, "preview": "1"})

    assert preview.status_code == 200 and not Notice.objects.exists()
    assert 'data-testid="preview-count">' in preview.content.decode() and "3" in preview.content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = client.post("/admin/avis-aux-habitants/envoyer/", {**form, "send": "1"})
    assert sent.status_code == 302
    log = StaffNotice.objects.get()
    assert (log.sent_by, log.recipients, list(log.councils.all())) == (communications, 3, [centre])
    assert Notification.objects.filter(notice=log.notice).count() == 3
    listing = client.get("/admin/avis-aux-habitants/").content.decode()
    assert "Travaux rue Haute" in listing and "<td>comm</td>" in listing and "<td>Centre</td>" in listing


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"])
def test_a_link_off_the_site_is_refused(client, communications, link):
    response = client.post("/admin/avis-aux-habitants/envoyer/", {"title": "Piège", "body": "…", "url": link, "send": "1"})
    assert response.status_code == 200 and not StaffNotice.objects.exists()


def test_other_staff_cannot_send_notices(client):
    officer = make_resident("officer@example.org")
    officer.groups.add(Group.objects.get(name=roles.ELECTION_OFFICERS))
    client.force_login(officer)
    # Wagtail turns a refusal in its admin into a redirect to the dashboard, with a message.
    assert client.get("/admin/avis-aux-habitants/envoyer/").status_code in {302, 403}
    assert client.post("/admin/avis-aux-habitants/envoyer/", {"title": "x", "body": "y", "send": "1"}).status_code in {302, 403}
    assert not StaffNotice.objects.exists() and not Notice.objects.exists()
    assert "avis-aux-habitants" not in client.get("/admin/").content.decode()
