"""Hostile uploads (too big, not what they claim, truncated, decompression bombs, SVG with script, garbage trustees' answers):
a clear error, nothing stored, never a 500.

Residents upload images (an idea's photo, a candidate's photo) and trustees
their devices' answers; documents (where a zip is accepted) are uploaded by staff in
the Wagtail admin only.
"""

import io
import json
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.contrib.messages import constants
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage

from voting.forms import MAX_ANSWER_FILE_BYTES

from ..voting.factories import close

pytestmark = pytest.mark.django_db


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_declaring(width: int, height: int) -> bytes:
    """A valid, tiny PNG whose header declares ``width`` x ``height`` pixels: a decompression bomb's calling card."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def real_png(size=(32, 24)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "#336699").save(buffer, format="PNG")
    return buffer.getvalue()


def real_jpeg(size=(64, 48), noise=False) -> bytes:
    buffer = io.BytesIO()
    picture = PILImage.effect_noise(size, 80).convert("RGB") if noise else PILImage.new("RGB", size, "#336699")
    picture.save(buffer, format="JPEG")
    return buffer.getvalue()


def half(content: bytes) -> bytes:
    return content[: len(content) // 2]


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="10" height="10"/></svg>'
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
HOSTILE_IMAGES = {
    "text named png": ("photo.png", b"MZ\x90\x00 this is an executable, not an image", "image/png"),
    "pdf named jpg": ("photo.jpg", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "image/jpeg"),
    "html named png": ("photo.png", b"<html><script>alert(1)</script></html>", "image/png"),
    "svg with script": ("photo.svg", SVG, "image/svg+xml"),
    "svg named png": ("photo.png", SVG, "image/png"),
    "truncated png": ("photo.png", real_png()[:60], "image/png"),
    "truncated jpeg": ("photo.jpg", real_jpeg()[:300], "image/jpeg"),
    # Headers intact, pixels cut: passes a header check, breaks when the page resizes it.
    "half a jpeg": ("photo.jpg", half(real_jpeg((400, 300), noise=True)), "image/jpeg"),
    "half a png": ("photo.png", half(real_png((400, 300))), "image/png"),
    "bomb 100000x100000": ("bomb.png", png_declaring(100_000, 100_000), "image/png"),
    "bomb 8000x8000": ("bomb.png", png_declaring(8_000, 8_000), "image/png"),
    "empty": ("photo.png", b"", "image/png"),
}


def upload(name, content, content_type):
    return SimpleUploadedFile(name, content, content_type=content_type)


def idea_post(town, image):
    return {"title": "Un jardin", "description": "Des bacs.", "category": "environment", "cost": "3000",
            "image": image, "image_description": "Des bacs"}


def candidacy_post(town, image):
    return {"council": str(town.town["centre"].pk), "name": "Jean Dupont", "statement": "Je me présente.",
            "video_url": "", "consent": "on", "photo": image}


IMAGE_FORMS = {
    "idea photo": (lambda t: t.budget.url + "idees/proposer/", "author", idea_post),
    "candidate photo": (lambda t: t.election.url + "candidature/", "other", candidacy_post),
}


def client_for(town, who) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(getattr(town, who))
    return client


@pytest.mark.parametrize("form", list(IMAGE_FORMS), ids=str)
def test_hostile_images_are_refused_with_a_message_and_nothing_is_stored(town, nothing_changed, form):
    path, who, post = IMAGE_FORMS[form]
    client, url = client_for(town, who), path(town)
    answers = {}
    with nothing_changed():
        for hostile, file in HOSTILE_IMAGES.items():
            response = client.post(url, post(town, upload(*file)))
            answers[hostile] = (response.status_code, "invalid-feedback" in response.content.decode())
    assert {hostile: answer for hostile, answer in answers.items() if answer[0] not in (200, 400) or not answer[1]} == {}


@pytest.mark.parametrize("form", list(IMAGE_FORMS), ids=str)
def test_an_image_over_the_size_limit_is_refused(town, nothing_changed, settings, monkeypatch, form):
    from councils.votes.forms import CandidateApplicationForm

    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 2_000
    # Wagtail's field reads the setting once, when the form class is built.
    monkeypatch.setattr(CandidateApplicationForm.base_fields["photo"], "max_upload_size", 2_000)
    path, who, post = IMAGE_FORMS[form]
    client, url = client_for(town, who), path(town)
    big = real_png((400, 400)) + b"\x00" * 3_000
    with nothing_changed():
        response = client.post(url, post(town, upload("grande.png", big, "image/png")))
    assert response.status_code in (200, 400)
    assert "invalid-feedback" in response.content.decode()


@pytest.mark.parametrize("form", list(IMAGE_FORMS), ids=str)
def test_the_control_a_real_photo_is_accepted(town, form):
    path, who, post = IMAGE_FORMS[form]
    response = client_for(town, who).post(path(town), post(town, upload("photo.png", real_png(), "image/png")))
    assert response.status_code == 302


def test_an_accepted_photo_renders_on_the_idea_page(town):
    """What the checks let through can be resized for the page: no 500 when the idea is shown."""
    client = client_for(town, "author")
    response = client.post(town.budget.url + "idees/proposer/", idea_post(town, upload("photo.jpg", real_jpeg(), "image/jpeg")))
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200


# --- Trustees' answer files ----------------------------------------------------------------------------------


@pytest.fixture
def counting_town(town):
    """The vote is closed: trustees' devices decrypt the totals now, and the offline tool's answer is uploaded."""
    from voting.services import counting

    close(town.contest)
    assert counting.decryption_task(trustee=town.trustee) is not None  # the box is closed, the totals final
    return town


@pytest.mark.parametrize("content", [
    b"\x00" * (MAX_ANSWER_FILE_BYTES + 1),
    b"not json at all",
    b"\xff\xfe\x00garbage",
    json.dumps({"format": "parvis-trustee-answer/1", "step": "decrypt", "ceremony": "0" * 64, "trustee": 1,
                "partial_decryption": "x" * 50}).encode(),
    json.dumps([1, 2, 3]).encode(),
    b"PK\x03\x04" + b"\x00" * 100,  # a zip
    b"",
], ids=["too big", "not json", "binary", "wrong answer", "a list", "zip", "empty"])
def test_a_garbage_answer_file_is_refused_with_a_message(counting_town, nothing_changed, content):
    town = counting_town
    client = Client(raise_request_exception=True)
    client.force_login(town.trustee.user)
    url = reverse("voting:trustee_answer", args=[town.trustee.pk])
    with nothing_changed():
        response = client.post(url, {"answer_file": upload("reponse.json", content, "application/json")}, follow=True)
    assert response.status_code == 200
    messages = list(response.context["messages"])
    assert messages and all(message.level == constants.ERROR for message in messages)


def test_every_upload_is_capped_before_the_view(settings):
    """Non-file fields are capped by Django; file bodies by the web server in front (see README)."""
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE is None or settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS <= 50_000_000
