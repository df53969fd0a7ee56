"""The moderators' admin: associations awaiting approval, approve and refuse, missions; who may do what."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from councils import roles
from volunteering.models import Association, Mission

from ..voting.factories import make_user
from .factories import make_association, make_mission

pytestmark = pytest.mark.django_db


def staff(username: str, role: str):
    user = make_user(username)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def moderator(client):
    user = staff("moderatrice", roles.MODERATORS)
    client.force_login(user)
    return user


@pytest.fixture
def pending():
    return make_association("Les Jardiniers", status=Association.Status.PENDING)


def test_the_roles_hold_their_volunteering_permissions():
    moderator = staff("moderatrice", roles.MODERATORS)
    communications = staff("comm", roles.COMMUNICATIONS)
    for permission in ("review_association", "change_association", "change_mission", "delete_mission"):
        assert moderator.has_perm(f"volunteering.{permission}")
    assert not moderator.has_perm("volunteering.add_association")
    assert communications.has_perm("volunteering.add_skill") and not communications.has_perm("volunteering.review_association")


def test_the_queue_lists_pending_associations_with_approve_and_refuse(client, moderator, pending):
    approved = make_association("Entente sportive")
    html = client.get("/admin/volunteering/associations/?status=pending").content.decode()
    assert "Les Jardiniers" in html and "Entente sportive" not in html
    assert f"/admin/volunteering/associations/approve/{pending.pk}/" in html
    assert f"/admin/volunteering/associations/refuse/{pending.pk}/" in html
    html = client.get("/admin/volunteering/associations/").content.decode()
    assert f"/admin/volunteering/associations/approve/{approved.pk}/" not in html
    assert html.index("Les Jardiniers") < html.index("Entente sportive")  # awaiting approval first


def test_the_queue_shows_associations_awaiting_approval_first(client, moderator):
    make_association("Ancienne refusée", status=Association.Status.REFUSED)
    make_association("Ancienne validée")
    make_association("En attente", status=Association.Status.PENDING)
    html = client.get("/admin/volunteering/associations/").content.decode()
    assert html.index("En attente") < min(html.index("Ancienne refusée"), html.index("Ancienne validée"))
    assert "/admin/volunteering/associations/new/" not in html


def test_a_moderator_approves_and_the_representative_is_told(client, moderator, pending, django_capture_on_commit_callbacks):
    url = f"/admin/volunteering/associations/approve/{pending.pk}/"
    assert "Les Jardiniers" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert Association.objects.get(pk=pending.pk).status == Association.Status.APPROVED
    assert [message.to for message in mail.outbox] == [["les-jardiniers@asso.example"]]
    client.post(url)  # twice: a message, nothing changes
    assert Association.objects.get(pk=pending.pk).status == Association.Status.APPROVED and len(mail.outbox) == 1


def test_refusing_needs_a_reason(client, moderator, pending):
    url = f"/admin/volunteering/associations/refuse/{pending.pk}/"
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and Association.objects.get(pk=pending.pk).status == Association.Status.PENDING
    client.post(url, {"reason": "Pas une association de la ville."})
    refused = Association.objects.get(pk=pending.pk)
    assert refused.status == Association.Status.REFUSED and refused.refusal_reason == "Pas une association de la ville."


def test_staff_without_the_permission_cannot_approve(client, pending):
    client.force_login(staff("comm", roles.COMMUNICATIONS))
    response = client.post(f"/admin/volunteering/associations/approve/{pending.pk}/")
    assert response.status_code in (302, 403)
    assert Association.objects.get(pk=pending.pk).status == Association.Status.PENDING


def test_moderators_correct_a_mission_and_dates_stay_in_order(client, moderator):
    mission = make_mission(make_association("Entente sportive"))
    html = client.get("/admin/volunteering/missions/").content.decode()
    assert "Signaleurs du semi-marathon" in html and "0 / 3" in html
    url = f"/admin/volunteering/missions/edit/{mission.pk}/"
    assert client.get(url).status_code == 200
    data = {"title": "Signaleurs", "description": "Guider.", "starts_at": "2030-06-14 10:00", "ends_at": "2030-06-14 09:00",
            "schedule": "", "place": "Quai", "council": "", "volunteers_needed": "3", "minimum_age": "0"}
    response = client.post(url, data)
    assert response.status_code == 200 and Mission.objects.get().title == "Signaleurs du semi-marathon"
    response = client.post(url, {**data, "ends_at": "2030-06-14 12:00"})
    assert response.status_code == 302 and Mission.objects.get().title == "Signaleurs"
