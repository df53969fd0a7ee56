"""Candidates' pages: the public campaign page, the ambassador page and its files, and who may see them."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from councils.kits import services
from councils.kits.models import KitTemplate
from councils.models import Candidate

from ..accounts.factories import make_resident
from ..voting.factories import make_user
from .election_factories import candidate, make_election, make_town

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return make_town()


@pytest.fixture
def election(town):
    return make_election(town)


@pytest.fixture
def helene(election, town):
    person = candidate(election, town["centre"], "Hélène Caron", user=make_resident("helene@example.org"))
    return person


def kit_url(election, person, key=""):
    return f"{election.url}candidats/{person.pk}/kit/" + (f"{key}/" if key else "")


def test_the_public_page_shows_the_candidate_and_plain_share_links(client, election, helene):
    response = client.get(f"{election.url}candidats/{helene.pk}-helene-caron/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Hélène Caron" in html and helene.statement in html and "Centre" in html
    share = services.campaign_url(helene)
    assert "https://www.facebook.com/sharer/sharer.php?u=" + share.replace(":", "%3A").replace("/", "%2F") in html
    assert "https://wa.me/?text=" in html and "https://www.linkedin.com/sharing/share-offsite/?url=" in html
    assert "mailto:?subject=" in html
    assert "<script" not in html.split("</footer>")[0].split("<main")[1]  # no third-party widget in the page body


def test_the_public_page_redirects_to_its_canonical_address_and_hides_unapproved(client, election, town, helene):
    assert client.get(f"{election.url}candidats/{helene.pk}-autre-nom/").url.endswith(f"{helene.pk}-helene-caron/")
    pending = candidate(election, town["centre"], "Pas Encore", status=Candidate.Status.PENDING)
    assert client.get(f"{election.url}candidats/{pending.pk}-pas-encore/").status_code == 404
    assert client.get(f"{election.url}candidats/999999-personne/").status_code == 404


def test_the_candidate_sees_their_kit_with_sizes_texts_and_share_link(client, election, helene):
    client.force_login(helene.user)

    response = client.get(kit_url(election, helene))

    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert services.campaign_url(helene) in html
    for key in ["square", "story", "banner", "flyer", "zip"]:
        assert kit_url(election, helene, key) in html
    assert " Ko" in html or " KB" in html
    assert 'data-copy="kit-short-post"' in html
    assert "councils/kits.js" in html and "<script>" not in html  # no inline script (CSP)


def test_the_candidate_downloads_the_zip_and_each_file(client, election, helene):
    client.force_login(helene.user)
    client.get(kit_url(election, helene))

    response = client.get(kit_url(election, helene, "zip"))

    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"] and "helene-caron-kit-campagne.zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "helene-caron-tract-A5.pdf" in archive.namelist()
    story = client.get(kit_url(election, helene, "story"))
    assert Image.open(io.BytesIO(b"".join(story.streaming_content))).size == (1080, 1920)


def test_another_resident_or_an_anonymous_visitor_cannot_see_someones_kit(client, election, town, helene):
    services.render_kit(candidate=helene)

    anonymous = client.get(kit_url(election, helene))
    assert anonymous.status_code == 302 and "/compte/login/" in anonymous.url
    assert client.get(kit_url(election, helene, "zip")).status_code == 302

    rival = candidate(election, town["centre"], "Rival", user=make_resident("rival@example.org"))
    client.force_login(rival.user)
    assert client.get(kit_url(election, helene)).status_code == 403
    assert client.get(kit_url(election, helene, "zip")).status_code == 403
    assert client.get(kit_url(election, helene, "flyer")).status_code == 403
    # The square visual is the public page's preview picture: anyone may fetch it.
    assert client.get(kit_url(election, helene, "square")).status_code == 200


def test_a_candidate_not_yet_approved_has_no_kit_page(client, election, town):
    pending = candidate(election, town["centre"], "En Attente", status=Candidate.Status.PENDING,
                        user=make_resident("attente@example.org"))
    client.force_login(pending.user)

    assert client.get(kit_url(election, pending)).status_code == 403


def test_staff_reviewing_candidates_may_open_a_kit(client, election, helene):
    officer = make_user("officer", is_staff=True)
    from django.contrib.auth.models import Permission

    officer.user_permissions.add(Permission.objects.get(codename="view_candidate"))
    client.force_login(officer)

    assert client.get(kit_url(election, helene)).status_code == 200


def test_an_approved_candidate_finds_the_kit_from_the_election_page(client, election, helene):
    client.force_login(helene.user)

    html = client.get(election.url).content.decode()

    assert kit_url(election, helene) in html
    assert f"candidats/{helene.pk}-helene-caron/" in html  # their name links to the public page


def test_applying_with_a_12000x9000_photo_is_refused_clearly(client, town, tmp_path):
    election = make_election(town)
    resident = make_resident("grand@example.org")
    client.force_login(resident)
    path = tmp_path / "huge.jpg"
    Image.new("RGB", (12000, 9000), "#c08a5a").save(path, format="JPEG", quality=40)

    response = client.post(f"{election.url}candidature/", {
        "council": town["centre"].pk, "name": "Grande Photo", "statement": "Bonjour.", "consent": "on",
        "photo": SimpleUploadedFile("huge.jpg", path.read_bytes(), content_type="image/jpeg"),
    })

    assert response.status_code == 200
    assert "pixels" in response.content.decode()
    assert not Candidate.objects.exists()


def test_communications_edit_the_template_in_the_admin_and_placeholders_are_checked(client, election):
    from django.contrib.auth.models import Group

    editor = make_user("comms", is_staff=False)
    editor.groups.add(Group.objects.get(name="Communications"))
    client.force_login(editor)

    assert client.get("/admin/votes/campaign-kits/").status_code == 200
    data = {"election": election.pk, "short_post": "Votez {candidat} !", "primary_colour": "", "accent_colour": ""}
    refused = client.post("/admin/votes/campaign-kits/new/", data)
    assert refused.status_code == 200 and "{candidat}" in refused.content.decode()
    assert not KitTemplate.objects.exists()
    data["short_post"] = "Votez {candidate} : {vote_url}"
    assert client.post("/admin/votes/campaign-kits/new/", data).status_code == 302
    assert KitTemplate.objects.get().short_post == "Votez {candidate} : {vote_url}"


def test_communications_follow_an_elections_kits_and_render_them_again(client, election, helene,
                                                                       django_capture_on_commit_callbacks):
    from django.contrib.auth.models import Group

    editor = make_user("comms-kits", is_staff=False)
    editor.groups.add(Group.objects.get(name="Communications"))
    client.force_login(editor)
    url = f"/admin/votes/campaign-kits/election/{election.pk}/kits/"

    html = client.get(url).content.decode()
    assert "Hélène Caron" in html and "pas encore" in html.lower()  # not rendered yet

    with django_capture_on_commit_callbacks(execute=True):  # queued after the commit, inline without a broker
        response = client.post(url)
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "à jour" in html  # up to date
    assert client.get(kit_url(election, helene)).status_code == 200  # Communications may open the kit

    resident = make_resident("curieux@example.org")
    client.force_login(resident)
    assert client.get(url).status_code in (302, 403)
