"""A signed-in resident's header (userbar, bell) kept between their requests (pagecache.personal): never stale, never shared."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notices import services
from notices.models import Notification

from ..accounts.factories import make_resident
from ..home.utils import make_home

pytestmark = pytest.mark.django_db
USERBAR = "wagtail-userbar"


def publish(title, *users):
    notice = services.publish(topic="vote_opened", title=title, body="Un vote est ouvert.", url="/",
                              user_ids=[user.pk for user in users])
    services.deliver(notice=notice, user_ids=[user.pk for user in users])
    return notice


def bell(client) -> str:
    page = client.get("/").content.decode()
    start = page.index('data-testid="notification-bell"')
    return page[start:page.index("</a>", start)]


@pytest.fixture(autouse=True)
def home():
    return make_home()


def test_the_userbar_and_the_bell_cost_no_query_after_the_first_page(client):
    client.force_login(make_resident())
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/").content.decode()
    asked = [query["sql"] for query in captured if "auth_permission" in query["sql"] or "notices_" in query["sql"]]
    assert asked == [] and USERBAR not in page and 'data-testid="notification-bell"' in page


def test_a_resident_given_the_admin_gets_the_userbar_at_once_and_loses_it_at_once(
    client, django_capture_on_commit_callbacks,
):
    resident = make_resident()
    client.force_login(resident)
    for _ in range(2):
        assert USERBAR not in client.get("/").content.decode()

    staff = Group.objects.create(name="Rédaction")
    with django_capture_on_commit_callbacks(execute=True):
        resident.groups.add(staff)
        staff.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    assert USERBAR in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        resident.groups.remove(staff)
    assert USERBAR not in client.get("/").content.decode()
    # Even with the change unannounced, a kept "yes" is checked again by Wagtail: never shown to a non-staff.
    with django_capture_on_commit_callbacks(execute=True):
        resident.groups.add(staff)
    assert USERBAR in client.get("/").content.decode()
    staff.permissions.through.objects.filter(group=staff).delete()  # no signal
    assert USERBAR not in client.get("/").content.decode()


def test_the_bell_follows_deliveries_and_reads_and_counts_each_residents_own(
    client, django_capture_on_commit_callbacks,
):
    amina, jean = make_resident("amina@example.org"), make_resident("jean@example.org")
    client.force_login(amina)
    assert "unread-count" not in bell(client)

    with django_capture_on_commit_callbacks(execute=True):
        publish("Vote ouvert", amina)
        publish("Résultats", amina)
    assert 'data-testid="unread-count">2<' in bell(client)
    assert 'data-testid="unread-count">2<' in bell(client)  # kept

    client.force_login(jean)  # another resident never sees amina's count
    assert "unread-count" not in bell(client)

    client.force_login(amina)
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_read(user=amina, notification_id=Notification.objects.filter(user=amina).first().pk)
    assert 'data-testid="unread-count">1<' in bell(client)
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_read(user=amina)
    assert "unread-count" not in bell(client)
