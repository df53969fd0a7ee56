"""The one check of residents' uploaded photos (idea photos, association logos)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from home.images import UnusableImage, check_uploaded_image


def upload(format="PNG", size=(40, 30), cut=0):
    buffer = io.BytesIO()
    Image.new("RGB", size, "#336699").save(buffer, format=format)
    data = buffer.getvalue()
    return SimpleUploadedFile(f"photo.{format.lower()}", data[: len(data) - cut] if cut else data)


@pytest.mark.parametrize("format", ["PNG", "JPEG", "WEBP"])
def test_a_photo_passes_and_is_left_rewound(format):
    photo = upload(format)
    check_uploaded_image(photo)
    assert photo.tell() == 0


@pytest.mark.parametrize(
    "photo",
    [upload("GIF"), upload("PNG", cut=20), SimpleUploadedFile("notes.png", b"not an image at all")],
    ids=["gif", "cut-off png", "text"],
)
def test_anything_else_is_refused_with_a_message(photo):
    with pytest.raises(UnusableImage) as refusal:
        check_uploaded_image(photo)
    assert "JPEG, PNG" in str(refusal.value.message)


def test_size_and_pixel_limits(settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 100
    with pytest.raises(UnusableImage):
        check_uploaded_image(upload(size=(200, 200)))
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 100
    with pytest.raises(UnusableImage):
        check_uploaded_image(upload(size=(20, 20)))
