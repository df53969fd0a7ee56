"""Markup typed into any free-text field or upload file name is shown as text on every page that shows it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image as PILImage

from budget.models import Idea
from councils.models import Candidate
from volunteering.models import Association, Mission

from .conftest import staff
from .endpoints import FORMS, user_of

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOAD = SCRIPT + " " + ATTRIBUTE  # both at once: text between elements, and breaking out of an attribute
# What must never reach a page raw: a script element, or an element with an event handler we did not write.
RAW = ["<script>alert(1)", "<img src=x onerror", "onerror=alert(1)>"]


# An error in another field, so that the form is shown again with the typed text.
INVALID = {"cost": "-1", "sender_email": "invalide", "consent": "", "contact_email": "invalide",
           "volunteers_needed": "-1"}
# Forms whose free text is never shown back (a password, a roll proof answered by a message).
NOT_ECHOED = {"account deletion", "election roll proof", "contest roll proof"}


def assert_escaped(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{raw!r} unescaped in {where}"


def pages_showing_text(town) -> list[str]:
    """Every page where residents' text appears: the budget (gallery), each idea, the profile, councils, votes."""
    pages = [town.budget.url, "/compte/profil/", town.council_page.url, town.election.url, town.consultation.url,
             town.election.url + "candidature/", "/recherche/?q=jardin"]
    pages += [town.budget.idea_url(idea) for idea in Idea.objects.all()]
    pages += [town.missions.url, town.mission_url(), "/mon-benevolat/", f"/mon-benevolat/associations/{town.association.pk}/"]
    pages += [town.mission_url(mission) for mission in Mission.objects.all()]
    pages += [f"/mon-benevolat/associations/{pk}/" for pk in Association.objects.values_list("pk", flat=True)]
    return pages


@pytest.mark.parametrize("endpoint", [f for f in FORMS if f.text_fields], ids=str)
def test_markup_in_free_text_is_escaped_on_the_form_and_on_every_page(town, endpoint):
    payload = PAYLOAD
    client = Client()
    client.force_login(user_of(town, endpoint))
    data = endpoint.data(town)
    shown = []
    for key in endpoint.fields_named(data, endpoint.text_fields):
        # Echoed back with an error elsewhere in the form, then accepted (or refused) on its own.
        invalid = client.post(endpoint.url(town), {**data, key: payload, **INVALID})
        assert_escaped(invalid.content.decode(), f"the form shown again for {key}")
        shown.append(invalid.content.decode())
        response = client.post(endpoint.url(town), {**data, key: payload}, follow=True)
        assert response.status_code in (200, 400)
        assert_escaped(response.content.decode(), f"the answer to {key}")
        shown.append(response.content.decode())
    readers = [client]
    if endpoint.user != "author":
        # The author represents the association: offers made to it are shown to them only.
        readers.append(Client())
        readers[-1].force_login(town.author)
    for path in pages_showing_text(town):
        for reader in readers:
            html = reader.get(path).content.decode()
            assert_escaped(html, path)
            shown.append(html)
    if endpoint.name not in NOT_ECHOED:
        # The text did reach a page, as text: the assertions above were not vacuous.
        assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in html for html in shown)


def test_an_approved_candidate_s_name_statement_and_photo_title_are_escaped(town):
    Candidate.objects.create(election=town.election, council=town.town["centre"], user=town.other,
                             name=SCRIPT, statement=ATTRIBUTE, status=Candidate.Status.APPROVED)
    assert_escaped(Client().get(town.election.url).content.decode(), "the election page")
    officer = staff("officier", "Election officers")
    admin = Client()
    admin.force_login(officer)
    assert_escaped(admin.get("/admin/votes/candidates/").content.decode(), "the candidates' admin")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
                                 "https://evil.example/w/../../javascript:alert(1)", "vbscript:msgbox(1)"])
def test_a_candidate_s_video_link_must_be_a_known_video_host(town, nothing_changed, url):
    client = Client()
    client.force_login(town.other)
    path = town.election.url + "candidature/"
    data = {"council": str(town.town["centre"].pk), "name": "Jean", "statement": "Je me présente.",
            "video_url": url, "consent": "on"}
    with nothing_changed():
        response = client.post(path, data)
    assert response.status_code == 200
    assert 'class="invalid-feedback' in response.content.decode()
    assert 'href="javascript:' not in response.content.decode().lower()


def png_named(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "#336699").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize("name", [f"{SCRIPT}.png", f"{ATTRIBUTE}.png", "../../../etc/passwd.png", "a\x00b.png"])
def test_markup_and_paths_in_an_uploaded_file_name_go_nowhere(town, name):
    client = Client()
    client.force_login(town.author)
    data = {"title": "Un jardin", "description": "Des bacs.", "category": "environment", "cost": "3000",
            "image": png_named(name)}
    response = client.post(town.budget.url + "idees/proposer/", data)
    assert response.status_code in (302, 400)
    idea = Idea.objects.filter(title="Un jardin").select_related("image").first()
    if idea is not None and idea.image is not None:
        stored = idea.image.file.name
        assert "<" not in stored and ">" not in stored and ".." not in stored and "\x00" not in stored
        assert stored.startswith("original_images/")
        assert_escaped(client.get(town.budget.idea_url(idea)).content.decode(), "the idea page")
    assert_escaped(client.get(town.budget.url).content.decode(), "the budget page")
