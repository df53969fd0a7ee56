"""Helpers for campaign kit tests: pictures of every awkward kind, reading QR codes back, a ready spec."""

import io

import zxingcpp
from PIL import Image, ImageDraw

from councils.kits import render

VOTE_URL = "http://localhost/votes/elections-2027/"


def portrait(size=(900, 1200), mode="RGB", colour="#c08a5a") -> Image.Image:
    """A stand-in portrait: a face (light oval) in the upper half, shoulders below."""
    picture = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(picture)
    width, height = size
    draw.ellipse((width * 0.3, height * 0.15, width * 0.7, height * 0.55), fill="#f0c8a0")
    draw.rectangle((width * 0.15, height * 0.62, width * 0.85, height), fill="#335577")
    return picture.convert(mode) if mode != "RGB" else picture


def encoded(picture: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def transparent_png(size=(600, 600)) -> bytes:
    picture = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(picture).ellipse((100, 100, 500, 500), fill=(200, 40, 40, 255))
    return encoded(picture, "PNG")


def decode_qr(picture: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(picture)]


def spec(**overrides) -> render.KitSpec:
    fields = {
        "candidate": "Hélène Caron", "council": "Centre-ville", "election": "Élection des conseils 2027",
        "town": "Saint-Aubin-sur-Loire", "headline": "Candidate au conseil de quartier Centre-ville",
        "dates": "Vote en ligne du 12 mars 2027 au 26 mars 2027", "call_to_action": "Scannez pour voter en ligne",
        "vote_url": VOTE_URL, "statement": "Des rues plus sûres.",
        "photo": portrait(), "flyer_title": "Votez en ligne pour votre conseil de quartier",
        "flyer_text": "Le vote est secret.", "steps_title": "Comment voter en ligne",
        "steps": [("Créez votre compte", "avec votre e-mail"), ("Votez", "cochez vos candidats")],
        "texts": {"publications": "Je suis candidate.", "e-mail": "Bonjour"}, "file_stem": "helene-caron",
    }
    fields.update(overrides)
    return render.KitSpec(**fields)
