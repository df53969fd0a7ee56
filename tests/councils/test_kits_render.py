"""Drawing kits (no database): sizes, QR codes that decode, text inside its box, contrast, awkward pictures."""

import io
import zipfile

import pypdf
import pytest
from PIL import Image, ImageDraw

from councils.kits import imaging, layout, render
from councils.kits.texts import fill, unknown_placeholders
from home.colours import contrast_ratio

from .kit_helpers import VOTE_URL, decode_qr, encoded, portrait, spec, transparent_png

MAX_PIXELS = 50_000_000
NAMES = [
    "Hélène Caron",
    "Marie-Amélie de La Tour-Saint-Jacques Ép.",  # 40 characters
    "Wolfeschlegelsteinhausenbergerdorffvoralt",  # one 41-letter word
    "Αικατερίνη Παπαδοπούλου",
    "Светлана Кузнецова-Ивановская",
    "Zoë Ñúñez-Çelik Øster Łukasz Ğül",
]


def opened(rendered) -> Image.Image:
    return Image.open(io.BytesIO(rendered.data))


@pytest.mark.parametrize("visual", render.VISUALS, ids=lambda visual: visual.key)
def test_each_visual_has_its_size_and_a_qr_code_to_the_voting_page(visual):
    rendered = render.render_visual(spec(), visual)

    picture = opened(rendered)
    assert picture.format == "JPEG"
    assert picture.size == visual.size == (rendered.width, rendered.height)
    assert decode_qr(picture) == [VOTE_URL]
    assert 10 < rendered.kilobytes < 400  # optimised, and reported


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("visual", render.VISUALS, ids=lambda visual: visual.key)
def test_every_text_stays_inside_its_box_whatever_the_name(visual, name):
    rendered = render.render_visual(spec(candidate=name, photo=None), visual)

    for role, drawn in rendered.texts.items():
        assert drawn.inside, (role, drawn.bbox, drawn.box)
    assert rendered.texts["name"].size >= 24  # shrunk, not unreadable
    assert "".join(rendered.texts["name"].lines).replace(" ", "") == name.replace(" ", "")  # nothing cut


def test_a_short_name_stays_on_one_line_and_a_long_one_wraps():
    short = render.render_visual(spec(candidate="Léa Roy"), render.SQUARE).texts["name"]
    long = render.render_visual(spec(candidate=NAMES[1]), render.SQUARE).texts["name"]

    assert len(short.lines) == 1
    assert len(long.lines) > 1
    assert long.size < short.size


def test_layout_cuts_with_an_ellipsis_only_when_even_the_smallest_size_overflows():
    draw = ImageDraw.Draw(Image.new("RGB", (300, 100)))

    drawn = layout.draw_text(draw, "mot " * 200, (10, 10, 290, 60), fill="#fff", max_size=30, min_size=12)

    assert drawn.truncated and drawn.inside
    assert drawn.lines[-1].endswith(layout.ELLIPSIS)


def test_accented_greek_and_cyrillic_letters_have_glyphs_in_the_bundled_font():
    face = layout.font(layout.BOLD, 40)
    missing = face.getmask("\uffff").getbbox()  # what an absent glyph looks like (the .notdef box)
    for letter in "éèêëàçœÉÀÇñøłğαβγΩщжЯ":
        assert face.getmask(letter).getbbox() != missing or letter == "\uffff", letter


@pytest.mark.parametrize("colours", [("#1d4f91", "#a4262c"), ("#ffe066", "#ffffff"), ("#777777", "#00ff00")])
def test_text_meets_wcag_aa_contrast_whatever_the_colours(colours):
    primary, accent = colours
    rendered = render.render_visual(spec(primary=primary, accent=accent), render.SQUARE)

    assert min(rendered.contrast.values()) >= 4.5
    # Checked again on the encoded file: the panel's pixels behind the name against the name's colour.
    picture = opened(rendered).convert("RGB")
    drawn = rendered.texts["name"]
    ink = render.LIGHT_TEXT if contrast_ratio(primary, "#ffffff") >= contrast_ratio(primary, "#000000") else render.DARK_TEXT
    left, top, right, bottom = drawn.box
    corner = picture.getpixel((right - 2, bottom - 2))  # inside the box, away from the glyphs
    assert contrast_ratio(ink, render._hex(corner)) >= 4.5


def test_a_busy_background_picture_gets_a_scrim_that_keeps_aa_contrast():
    stripes = Image.new("RGB", (800, 800), "#ffffff")
    draw = ImageDraw.Draw(stripes)
    for x in range(0, 800, 40):
        draw.rectangle((x, 0, x + 19, 800), fill="#000000")

    rendered = render.render_visual(spec(background=stripes, primary="#2e7d32"), render.STORY)

    assert min(rendered.contrast.values()) >= 4.5


def test_without_a_photo_the_placeholder_shows_the_initials_in_the_accent_colour():
    rendered = render.render_visual(spec(photo=None, accent="#6a1b9a"), render.SQUARE)

    picture = opened(rendered).convert("RGB")
    assert contrast_ratio(render._hex(picture.getpixel((20, 300))), "#6a1b9a") < 1.2  # the accent fills the photo area
    assert picture.getpixel((540, 300))[0] > 200  # the white disc holding the initials
    assert render._initials("Marie-Amélie de La Tour") == "MT"
    assert render._initials("Αικατερίνη Παπαδοπούλου") == "ΑΠ"


def test_the_crop_follows_the_focal_point():
    picture = Image.new("RGB", (2000, 1000), "#000000")
    ImageDraw.Draw(picture).rectangle((1700, 0, 2000, 1000), fill="#ff0000")  # something red on the far right

    centred = imaging.fill(picture, (500, 500))
    on_the_right = imaging.fill(picture, (500, 500), imaging.FocalPoint(0.92, 0.5))

    assert centred.getpixel((480, 250)) == (0, 0, 0)
    assert on_the_right.getpixel((480, 250))[0] > 200


def test_cmyk_jpeg_transparent_png_and_palette_pictures_become_rgb():
    cmyk = imaging.open_picture(io.BytesIO(encoded(portrait(mode="CMYK"), "JPEG")), max_pixels=MAX_PIXELS)
    png = imaging.open_picture(io.BytesIO(transparent_png()), max_pixels=MAX_PIXELS, background="#1d4f91")
    palette = imaging.open_picture(
        io.BytesIO(encoded(portrait().convert("P"), "PNG", transparency=0)), max_pixels=MAX_PIXELS
    )

    assert cmyk.mode == png.mode == palette.mode == "RGB"
    assert png.getpixel((5, 5)) == (0x1D, 0x4F, 0x91)  # transparency laid on the background, not black
    assert png.getpixel((300, 300)) == (200, 40, 40)
    rendered = render.render_visual(spec(photo=cmyk), render.SQUARE)
    assert decode_qr(opened(rendered)) == [VOTE_URL]


@pytest.fixture(scope="module")
def huge_jpeg(tmp_path_factory):
    """A 12000x9000 (108 megapixels) JPEG, written once for the module."""
    path = tmp_path_factory.mktemp("huge") / "huge.jpg"
    Image.new("RGB", (12000, 9000), "#c08a5a").save(path, format="JPEG", quality=60)
    return path


def test_a_12000x9000_jpeg_is_decoded_reduced_and_renders(huge_jpeg):
    picture = imaging.open_picture(huge_jpeg, max_pixels=MAX_PIXELS)

    assert max(picture.size) <= imaging.WORKING_SIZE[0]
    assert render.render_visual(spec(photo=picture), render.STORY).width == 1080


def test_an_oversized_png_or_a_broken_file_is_refused_with_a_clear_message():
    big_png = io.BytesIO(encoded(Image.new("L", (8000, 7000)), "PNG"))
    with pytest.raises(imaging.PictureRefused, match="too many pixels"):
        imaging.open_picture(big_png, max_pixels=MAX_PIXELS)
    with pytest.raises(imaging.PictureRefused, match="not a picture"):
        imaging.open_picture(io.BytesIO(b"GIF89a not really"), max_pixels=MAX_PIXELS)
    truncated = encoded(portrait(), "JPEG")[:2000]
    with pytest.raises(imaging.PictureRefused, match="not a picture"):
        imaging.open_picture(io.BytesIO(truncated), max_pixels=MAX_PIXELS)


def test_the_flyer_is_an_a5_pdf_with_real_text_and_the_qr_code():
    rendered = render.render_flyer(spec(candidate="Светлана Кузнецова", steps=[("Créez votre compte", "")]))

    pdf = pypdf.PdfReader(io.BytesIO(rendered.data))
    assert len(pdf.pages) == 1
    page = pdf.pages[0]
    assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == (419.53, 595.28)
    text = " ".join(page.extract_text().split())  # lines wrapped by the layout
    for expected in ["Светлана Кузнецова", "Comment voter en ligne", "Créez votre compte", VOTE_URL[:30]]:
        assert expected in text
    assert VOTE_URL in [url for image in page.images for url in decode_qr(image.image)]


def test_a_very_long_statement_shrinks_on_the_flyer_instead_of_overflowing():
    rendered = render.render_flyer(spec(statement="Un quartier plus vert. " * 120))

    pdf = pypdf.PdfReader(io.BytesIO(rendered.data))
    assert len(pdf.pages) == 1
    assert "Scannez pour voter en ligne" in pdf.pages[0].extract_text()


def test_the_zip_holds_every_file_of_the_kit():
    files = render.render_kit(spec())

    archive = zipfile.ZipFile(io.BytesIO(files[-1].data))
    assert files[-1].key == "zip"
    assert sorted(archive.namelist()) == sorted(item.filename for item in files[:-1])
    assert archive.read("helene-caron-publications.txt").decode() == "Je suis candidate."
    assert {item.key for item in files} >= {"square", "story", "banner", "flyer", "zip"}


def test_placeholders_are_filled_and_attribute_access_never_works():
    values = {"candidate": "Ana", "council": "Centre"}

    assert fill("{candidate} pour {council}", values) == "Ana pour Centre"
    assert fill("{candidate.__class__} {candidate[0]} {council!r} {inconnu}", values) == (
        "{candidate.__class__} {candidate[0]} {council!r} {inconnu}"
    )
    assert fill("un { seul", values) == "un { seul"
    assert unknown_placeholders("{candidate} {vote_url} {{littéral}}") == []
    assert unknown_placeholders("{candidat} {candidate.__init__}") == ["{candidat}", "{candidate.__init__}"]
    assert unknown_placeholders("accolade { seule") == ["{"]
