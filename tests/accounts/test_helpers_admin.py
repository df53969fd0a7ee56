"""Communications names accredited helpers in the admin and reads the assistance log; nobody writes the log."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import AccreditedHelper, AssistanceEvent

from .factories import make_resident

pytestmark = pytest.mark.django_db


def staff(client, group: str | None):
    user = make_resident(f"{(group or 'nobody').split()[0].lower()}@example.org")
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def test_communications_names_a_helper_and_reads_the_log(client):
    resident = make_resident("ambassadrice@example.org")
    communications = staff(client, "Communications")
    assert client.get("/admin/helpers/").status_code == 200
    response = client.post("/admin/helpers/new/", {"user": resident.pk, "role": "ambassador", "active": "on"})
    assert response.status_code == 302
    helper = AccreditedHelper.objects.get()
    assert helper.user == resident and helper.named_by == communications
    AssistanceEvent.objects.create(helper=resident, action="budget.idea", event="prepared")
    assert client.get("/admin/helpers/log/").status_code == 200
    client.post("/admin/helpers/log/new/", {"action": "forged"})
    assert AssistanceEvent.objects.count() == 1  # append-only: the admin cannot add to it


def test_other_staff_cannot_name_helpers(client):
    resident = make_resident("ambassadrice@example.org")
    staff(client, "Election officers")
    client.post("/admin/helpers/new/", {"user": resident.pk, "role": "desk", "active": "on"})
    assert not AccreditedHelper.objects.exists()
