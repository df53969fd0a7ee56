"""Each staff role can do its job and nothing else; residents have no admin access."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import GroupApprovalTask, Page

from councils import roles
from home.models import StandardPage

from ..accounts.factories import make_resident
from ..home.utils import make_home, make_image
from .factories import CouncilFactory

pytestmark = pytest.mark.django_db
OTHER_ROLES = [roles.STEERING_COMMITTEE, roles.ELECTION_OFFICERS, roles.MODERATORS]


def staff(client, role: str):
    """Log in a staff member holding only this role."""
    user = get_user_model().objects.create_user(username=role.lower().replace(" ", "-"), password="x")
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


def denied(response) -> bool:
    """Wagtail either answers 403 or sends the user back to the dashboard with an error."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def png(name="photo.png") -> SimpleUploadedFile:
    image = make_image()
    image.file.open()
    return SimpleUploadedFile(name, image.file.read(), content_type="image/png")


@pytest.fixture
def home():
    return make_home()


def test_a_fresh_install_has_the_four_roles_in_place_of_wagtails_sample_groups():
    names = set(Group.objects.values_list("name", flat=True))
    assert {roles.COMMUNICATIONS, roles.STEERING_COMMITTEE, roles.ELECTION_OFFICERS, roles.MODERATORS} <= names
    assert "Editors" not in names


def test_communications_not_moderators_approve_pages_submitted_in_the_default_workflow():
    task = GroupApprovalTask.objects.get()
    assert task.name == "Communications approval"
    assert list(task.groups.values_list("name", flat=True)) == [roles.COMMUNICATIONS]


@pytest.mark.parametrize("role", [roles.COMMUNICATIONS, *OTHER_ROLES])
def test_every_role_reaches_the_admin(client, role):
    staff(client, role)
    assert client.get("/admin/").status_code == 200


def test_residents_are_sent_to_the_admin_login(client):
    client.force_login(make_resident())
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_communications_create_and_publish_pages(client, home):
    staff(client, roles.COMMUNICATIONS)

    response = client.post(
        f"/admin/pages/add/home/standardpage/{home.pk}/",
        {"title": "Réunion publique", "slug": "reunion", "intro": "", "body-count": "0", "action-publish": "1"},
    )

    assert response.status_code == 302
    assert StandardPage.objects.get(slug="reunion").live


def test_communications_upload_images_and_documents(client):
    staff(client, roles.COMMUNICATIONS)

    client.post("/admin/images/add/", {"title": "Place du marché", "file": png()})
    client.post(
        "/admin/documents/add/",
        {"title": "Compte rendu", "file": SimpleUploadedFile("cr.pdf", b"%PDF-1.4 test", content_type="application/pdf")},
    )

    assert get_image_model().objects.filter(title="Place du marché").exists()
    assert get_document_model().objects.filter(title="Compte rendu").exists()


def test_communications_edit_councils_but_not_users_or_roles(client):
    staff(client, roles.COMMUNICATIONS)
    council = CouncilFactory()

    assert client.get("/admin/snippets/councils/council/add/").status_code == 200
    assert client.get(f"/admin/snippets/councils/council/edit/{council.pk}/").status_code == 200
    assert denied(client.get("/admin/users/"))
    assert denied(client.get("/admin/groups/"))


def test_a_non_image_member_photo_is_refused_with_a_clear_error(client):
    """Member photos come from the image chooser; its upload checks the file really is an image."""
    staff(client, roles.COMMUNICATIONS)

    for upload in (
        SimpleUploadedFile("portrait.pdf", b"%PDF-1.4 not an image", content_type="application/pdf"),
        SimpleUploadedFile("portrait.png", b"plain text pretending", content_type="image/png"),
    ):
        response = client.post(
            "/admin/images/chooser/create/",
            {"image-chooser-upload-title": "Portrait", "image-chooser-upload-file": upload},
        )
        errors = " ".join(response.context["form"].errors["file"])
        assert "image" in errors.lower(), errors
    assert not get_image_model().objects.filter(title="Portrait").exists()


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_cannot_edit_pages_or_media(client, home, role):
    staff(client, role)

    assert denied(client.get(f"/admin/pages/add/home/standardpage/{home.pk}/"))
    assert denied(client.get(f"/admin/pages/{home.pk}/edit/"))
    assert denied(client.get("/admin/images/add/"))
    assert denied(client.get("/admin/documents/add/"))
    assert denied(client.get("/admin/snippets/councils/council/add/"))
    assert not Page.objects.get(pk=home.pk).permissions_for_user(_user(client)).can_publish()


def _user(client):
    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


def test_election_officers_see_the_councils_territory_read_only(client):
    staff(client, roles.ELECTION_OFFICERS)
    council = CouncilFactory()

    assert client.get("/admin/snippets/councils/council/").status_code == 200
    assert client.get(f"/admin/snippets/councils/council/inspect/{council.pk}/").status_code == 200
    assert denied(client.get(f"/admin/snippets/councils/council/edit/{council.pk}/"))


def test_grant_adds_permissions_to_a_role_for_later_apps():
    before = set(Group.objects.get(name=roles.STEERING_COMMITTEE).permissions.values_list("codename", flat=True))
    group = roles.grant(roles.STEERING_COMMITTEE, ["councils.view_council"])
    roles.grant(roles.STEERING_COMMITTEE, ["councils.view_council"])  # twice is harmless

    after = list(group.permissions.values_list("codename", flat=True))
    assert set(after) == before | {"view_council"} and len(after) == len(set(after))
    assert "access_admin" in after


def test_election_officers_run_votes_and_communications_cannot(client):
    from voting.models import Contest

    from ..voting.factories import make_contest, make_ready_roll, sealed

    contest = make_contest(roll=make_ready_roll())
    staff(client, roles.ELECTION_OFFICERS)
    assert client.get("/admin/votes/contests/").status_code == 200
    response = client.post(f"/admin/votes/contests/manage/{contest.pk}/seal/")
    assert response.status_code == 302 and Contest.objects.get(pk=contest.pk).is_frozen  # its key ceremony started
    sealed(Contest.objects.get(pk=contest.pk))  # the trustees make the key: paper day is for a sealed contest
    assert client.get(f"/admin/votes/contests/paper/{contest.pk}/").status_code == 200

    staff(client, roles.COMMUNICATIONS)
    assert denied(client.get("/admin/votes/contests/"))
    assert denied(client.get("/admin/votes/rolls/"))
