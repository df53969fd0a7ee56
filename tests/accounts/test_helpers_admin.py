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
    response = client.post("/admin/helpers/new/", {"user": resident.email, "role": "ambassador", "active": "on"})
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
    client.post("/admin/helpers/new/", {"user": resident.email, "role": "desk", "active": "on"})
    assert not AccreditedHelper.objects.exists()


def test_an_account_is_named_by_its_email_never_picked_from_a_list_of_every_account(client):
    """Admin forms take the e-mail address (any case) or user name; they never list the platform's accounts."""
    resident = make_resident("ambassadrice@example.org")
    make_resident("voisin-discret@example.org")
    staff(client, "Communications")
    form = client.get("/admin/helpers/new/").content.decode()
    assert "voisin-discret" not in form and "ambassadrice" not in form
    unknown = client.post("/admin/helpers/new/", {"user": "personne@example.org", "role": "desk", "active": "on"})
    assert unknown.status_code == 200 and "No account has this e-mail address" in unknown.content.decode()
    assert not AccreditedHelper.objects.exists()
    assert client.post("/admin/helpers/new/", {"user": " AMBASSADRICE@example.org ", "role": "desk",
                                               "active": "on"}).status_code == 302
    helper = AccreditedHelper.objects.get(user=resident)
    edit = client.get(f"/admin/helpers/edit/{helper.pk}/").content.decode()
    assert 'value="ambassadrice@example.org"' in edit and "voisin-discret" not in edit
