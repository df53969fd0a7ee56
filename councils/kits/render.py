"""Drawing a candidate's kit: three social visuals, an A5 flyer, the texts, one zip. No Django here.

:class:`KitSpec` holds everything a kit shows, already resolved (texts filled,
dates formatted, pictures opened): the services build it from the database,
the benchmark and the tests build it by hand. Each ``render_*`` function
returns bytes plus what the tests check (sizes, where each text landed).

Legibility rules, for every visual:

- text only ever sits on a panel (the town's colour, or the template's
  background picture under a scrim of that colour), never on the photo;
- its colour is chosen against the panel's real pixels (white or near
  black, whichever contrasts more); if even that stays under WCAG AA's
  4.5:1, the scrim becomes opaque;
- every text goes through :func:`layout.draw_text` (wrap, then shrink).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache

import segno
from PIL import Image, ImageDraw

from home.colours import contrast_ratio

from . import imaging, layout
from .layout import BOLD, REGULAR, DrawnText

AA = 4.5
DARK_TEXT = "#000000"  # with white, at least 4.58:1 against any colour (#111 is not enough on mid-grey)
LIGHT_TEXT = "#ffffff"
JPEG_OPTIONS = {"format": "JPEG", "quality": 85, "progressive": True, "optimize": True}


@dataclass
class KitSpec:
    """Everything one candidate's kit shows, resolved and ready to draw."""

    candidate: str
    council: str
    election: str
    town: str
    headline: str
    dates: str
    call_to_action: str
    vote_url: str
    statement: str = ""
    primary: str = "#1d4f91"
    accent: str = "#a4262c"
    photo: Image.Image | None = None
    focal: imaging.FocalPoint = imaging.PORTRAIT
    logo: Image.Image | None = None
    background: Image.Image | None = None
    flyer_title: str = ""
    flyer_text: str = ""
    steps_title: str = ""
    steps: list[tuple[str, str]] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # file name -> ready text (posts, e-mail)
    file_stem: str = "kit"


@dataclass
class Rendered:
    """One file of the kit: its bytes and what the tests and the ambassador page need to know."""

    key: str
    filename: str
    content_type: str
    data: bytes
    width: int = 0
    height: int = 0
    texts: dict[str, DrawnText] = field(default_factory=dict)
    contrast: dict[str, float] = field(default_factory=dict)

    @property
    def kilobytes(self) -> float:
        return round(len(self.data) / 1024, 1)


@dataclass(frozen=True)
class VisualLayout:
    """Where things go on one visual, in pixels (left, top, right, bottom)."""

    key: str
    label: str
    size: tuple[int, int]
    photo: tuple[int, int, int, int]
    panel: tuple[int, int, int, int]
    headline: tuple[int, int, int, int]
    name: tuple[int, int, int, int]
    dates: tuple[int, int, int, int]
    qr: tuple[int, int, int, int]
    scan: tuple[int, int, int, int]
    logo: tuple[int, int, int, int]
    name_size: int
    text_size: int


SQUARE = VisualLayout(
    key="square", label="publication-1080x1080", size=(1080, 1080),
    photo=(0, 0, 1080, 600), panel=(0, 600, 1080, 1080),
    headline=(60, 640, 740, 720), name=(60, 730, 740, 900), dates=(60, 915, 740, 1040),
    qr=(790, 650, 1030, 890), scan=(770, 905, 1050, 1045), logo=(36, 36, 276, 146),
    name_size=92, text_size=34,
)
STORY = VisualLayout(
    key="story", label="story-1080x1920", size=(1080, 1920),
    photo=(0, 0, 1080, 1060), panel=(0, 1060, 1080, 1920),
    headline=(70, 1120, 1010, 1230), name=(70, 1250, 1010, 1520), dates=(70, 1540, 1010, 1660),
    qr=(70, 1680, 270, 1880), scan=(310, 1690, 1010, 1870), logo=(50, 60, 330, 190),
    name_size=120, text_size=44,
)
BANNER = VisualLayout(
    key="banner", label="banniere-1500x500", size=(1500, 500),
    photo=(0, 0, 500, 500), panel=(500, 0, 1500, 500),
    headline=(550, 40, 1180, 100), name=(550, 110, 1180, 300), dates=(550, 320, 1180, 455),
    qr=(1240, 50, 1460, 270), scan=(1210, 285, 1490, 455), logo=(24, 24, 204, 114),
    name_size=84, text_size=30,
)
VISUALS = (SQUARE, STORY, BANNER)


# --- colours ----------------------------------------------------------------------------------------------------


def _hex(rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb[:3])


def _distinct_colours(region: Image.Image) -> list[str]:
    """The region's colours, sampled (a 32x32 reduction keeps the darkest and lightest areas visible)."""
    small = region.resize((32, 32), Image.Resampling.BOX) if region.width * region.height > 1024 else region
    return sorted({_hex(colour) for _count, colour in small.getcolors(1024)})


def worst_contrast(text: str, region: Image.Image) -> float:
    """The lowest contrast between ``text`` and any (sampled) pixel of ``region``."""
    return min(contrast_ratio(text, colour) for colour in _distinct_colours(region))


def text_colour_for(region: Image.Image) -> tuple[str, float]:
    """White or near black, whichever reads best everywhere on ``region``, with its worst contrast."""
    return max(((colour, worst_contrast(colour, region)) for colour in (LIGHT_TEXT, DARK_TEXT)), key=lambda c: c[1])


# --- pictures -----------------------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def qr_image(url: str, size: int) -> Image.Image:
    """A QR code of ``url``, black on white with its quiet zone, scaled by whole modules (crisp when printed).

    Cached: a kit draws the same address four times, and callers only paste the image (never change it).
    """
    code = segno.make_qr(url, error="m")
    modules = code.symbol_size(border=4)[0]
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=1, border=4)
    buffer.seek(0)
    small = Image.open(buffer).convert("L")
    scale = max(1, size // modules)
    return small.resize((modules * scale, modules * scale), Image.Resampling.NEAREST)


def _initials(name: str) -> str:
    """First letters of the first and last words (“Marie-Amélie de La Tour” → MT), abbreviations (“Ép.”) skipped."""
    words = [word for word in name.split() if word[:1].isalpha() and not word.endswith(".")] or name.split()
    chosen = words[:1] + words[-1:] if len(words) > 1 else words
    return "".join(word[0] for word in chosen).upper() or "?"


def _placeholder(spec: KitSpec, size: tuple[int, int]) -> Image.Image:
    """No photo: the accent colour, a few rings and the candidate's initials in a disc."""
    width, height = size
    picture = Image.new("RGB", size, spec.accent)
    draw = ImageDraw.Draw(picture)
    ring = text_colour_for(picture)[0]
    for step in range(0, width + height, max(60, height // 6)):
        draw.ellipse((step - height, height - step // 2, step + height // 3, height + step), outline=_blend(spec.accent, ring, 0.25), width=3)
    radius = int(min(width, height) * 0.3)
    cx, cy = width // 2, height // 2
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill="#ffffff")
    layout.draw_text(
        draw, _initials(spec.candidate), (cx - radius * 7 // 10, cy - radius // 2, cx + radius * 7 // 10, cy + radius // 2),
        fill=spec.primary if contrast_ratio(spec.primary, "#ffffff") >= AA else DARK_TEXT, path=BOLD,
        max_size=radius, min_size=20, align="center", valign="middle",
    )
    return picture


def _blend(first: str, second: str, share: float) -> str:
    a = [int(first[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(second[i : i + 2], 16) for i in (1, 3, 5)]
    return _hex([round(x + (y - x) * share) for x, y in zip(a, b, strict=True)])


def _paste_logo(canvas: Image.Image, logo: Image.Image, box) -> None:
    """The town's logo on a white tile with some margin, fitted inside the box."""
    left, top, right, bottom = box
    pad = 12
    fitted = logo.copy()
    fitted.thumbnail((right - left - 2 * pad, bottom - top - 2 * pad), Image.Resampling.LANCZOS)
    tile = (left, top, left + fitted.width + 2 * pad, top + fitted.height + 2 * pad)
    ImageDraw.Draw(canvas).rounded_rectangle(tile, radius=10, fill="#ffffff")
    canvas.paste(fitted, (left + pad, top + pad))


def _panel(canvas: Image.Image, spec: KitSpec, box) -> str:
    """Paint the text panel (colour, or background picture under a scrim); return the readable text colour."""
    width, height = box[2] - box[0], box[3] - box[1]
    if spec.background is not None:
        picture = imaging.fill(spec.background, (width, height))
        scrim = Image.new("RGB", (width, height), spec.primary)
        region = Image.blend(picture, scrim, 0.82)
        colour, ratio = text_colour_for(region)
        if ratio < AA:
            region, (colour, ratio) = scrim, text_colour_for(scrim)
        canvas.paste(region, box[:2])
        return colour
    canvas.paste(Image.new("RGB", (width, height), spec.primary), box[:2])
    return text_colour_for(canvas.crop(box))[0]


def render_visual(spec: KitSpec, visual: VisualLayout) -> Rendered:
    """One social visual: photo (or placeholder) above/beside a panel with the name, dates and QR code."""
    canvas = Image.new("RGB", visual.size, spec.primary)
    photo_box = visual.photo
    photo_size = (photo_box[2] - photo_box[0], photo_box[3] - photo_box[1])
    picture = imaging.fill(spec.photo, photo_size, spec.focal) if spec.photo is not None else _placeholder(spec, photo_size)
    canvas.paste(picture, photo_box[:2])
    ink = _panel(canvas, spec, visual.panel)
    # An accent rule between the photo and the panel (decoration only: no text on it).
    draw = ImageDraw.Draw(canvas)
    if visual.panel[1] > 0:
        draw.rectangle((visual.panel[0], visual.panel[1], visual.panel[2], visual.panel[1] + 10), fill=spec.accent)
    else:
        draw.rectangle((visual.panel[0], 0, visual.panel[0] + 10, visual.panel[3]), fill=spec.accent)
    if spec.logo is not None:
        _paste_logo(canvas, spec.logo, visual.logo)

    qr_box = visual.qr
    side = min(qr_box[2] - qr_box[0], qr_box[3] - qr_box[1])
    draw.rectangle(qr_box[:2] + (qr_box[0] + side, qr_box[1] + side), fill="#ffffff")
    code = qr_image(spec.vote_url, side)
    canvas.paste(code, (qr_box[0] + (side - code.width) // 2, qr_box[1] + (side - code.height) // 2))

    behind = canvas.copy()  # the background every text is drawn on, for the contrast check
    texts = {
        "headline": layout.draw_text(draw, spec.headline, visual.headline, fill=ink, max_size=visual.text_size,
                                     min_size=14, max_lines=2, valign="bottom"),
        "name": layout.draw_text(draw, spec.candidate, visual.name, fill=ink, path=BOLD, max_size=visual.name_size,
                                 min_size=24, max_lines=3, line_height=1.1, valign="middle",
                                 single_line_from=visual.name_size * 2 // 3),
        "dates": layout.draw_text(draw, spec.dates, visual.dates, fill=ink, max_size=visual.text_size, min_size=14,
                                  max_lines=3),
        "scan": layout.draw_text(draw, spec.call_to_action, visual.scan, fill=ink,
                                 max_size=max(20, visual.text_size - 6), min_size=12, max_lines=3,
                                 align="left" if visual is STORY else "center",
                                 valign="middle" if visual is STORY else "top"),
    }
    contrast = {role: worst_contrast(ink, behind.crop(drawn.bbox)) for role, drawn in texts.items()}
    buffer = io.BytesIO()
    canvas.save(buffer, **JPEG_OPTIONS)
    return Rendered(
        key=visual.key, filename=f"{spec.file_stem}-{visual.label}.jpg", content_type="image/jpeg",
        data=buffer.getvalue(), width=visual.size[0], height=visual.size[1], texts=texts, contrast=contrast,
    )


# --- flyer --------------------------------------------------------------------------------------------------------


def render_flyer(spec: KitSpec) -> Rendered:
    """The printable A5 flyer: vector text in the bundled font, photo, statement, how to vote, QR code."""
    from . import flyer

    data = flyer.build(spec)
    return Rendered(key="flyer", filename=f"{spec.file_stem}-tract-A5.pdf", content_type="application/pdf", data=data)


# --- texts and zip ------------------------------------------------------------------------------------------------


def render_texts(spec: KitSpec) -> list[Rendered]:
    return [
        Rendered(key=f"text-{name}", filename=f"{spec.file_stem}-{name}.txt", content_type="text/plain; charset=utf-8",
                 data=text.encode("utf-8"))
        for name, text in spec.texts.items()
    ]


def render_zip(files: list[Rendered], stem: str) -> Rendered:
    """Everything in one download; JPEGs are stored as they are (already compressed), the rest deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in files:
            compression = zipfile.ZIP_STORED if item.content_type == "image/jpeg" else zipfile.ZIP_DEFLATED
            archive.writestr(item.filename, item.data, compress_type=compression)
    return Rendered(key="zip", filename=f"{stem}-kit-campagne.zip", content_type="application/zip",
                    data=buffer.getvalue())


def render_kit(spec: KitSpec) -> list[Rendered]:
    """The whole kit: three visuals, the flyer, the texts, and the zip of them all (last)."""
    files = [render_visual(spec, visual) for visual in VISUALS]
    files.append(render_flyer(spec))
    files.extend(render_texts(spec))
    files.append(render_zip(files, spec.file_stem))
    return files
