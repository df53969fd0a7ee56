"""Checking a resident's uploaded photo before anything is stored (idea photos, association logos).

One check for every upload a resident makes outside the Wagtail admin; each
app turns :class:`UnusableImage` into its own form error.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

IMAGE_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})


class UnusableImage(ValueError):
    """The upload is refused; ``message`` tells the resident why and what to send instead."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def check_uploaded_image(upload) -> None:
    """Refuse anything but a JPEG, PNG or WebP photo within the size and pixel limits; leave ``upload`` rewound."""
    limit = settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
    if upload.size > limit:
        raise UnusableImage(_(
            "This file weighs %(size).0f MB; an image may weigh at most %(max).0f MB. Nothing was saved."
        ) % {"size": upload.size / 1024 / 1024, "max": limit / 1024 / 1024})
    not_an_image = UnusableImage(_("This file is not a photo. Choose a JPEG, PNG or WebP image. Nothing was saved."))
    try:
        upload.seek(0)
        with Image.open(upload) as picture:
            image_format, (width, height) = picture.format, picture.size
            picture.verify()
    except Exception:  # Pillow raises many kinds of errors on garbage, all meaning the same here
        raise not_an_image from None
    finally:
        upload.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise not_an_image
    if width * height > settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS:
        raise UnusableImage(_("This image has too many pixels. Send a smaller photo. Nothing was saved."))
    # verify() reads headers only (nothing at all for a JPEG): decode the pixels, now that their number is
    # known to be bounded, so a cut-off file is refused here rather than breaking every page showing it.
    try:
        with Image.open(upload) as picture:
            picture.load()
    except Exception:
        raise not_an_image from None
    finally:
        upload.seek(0)
