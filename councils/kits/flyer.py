"""The A5 flyer as a real PDF (ReportLab): selectable vector text in the bundled font, sharp when printed.

Pillow's PDF output would be one big picture: blurry at print size, heavy,
unreadable by screen readers and search. Each text block here sits in a
frame that shrinks its content rather than letting it overflow
(``KeepInFrame(mode="shrink")``), so a long name or statement stays on
the page.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import Frame, KeepInFrame, ListFlowable, ListItem, Paragraph

from home.colours import contrast_ratio

from . import imaging
from .layout import BOLD, REGULAR

FONT, FONT_BOLD = "ParvisKitSans", "ParvisKitSans-Bold"
# Pictures stored as binary streams, not ASCII85 text: a quarter smaller, and ReportLab's ASCII85 encoder
# is pure Python without its optional C accelerator (it was a third of the flyer's time).
rl_config.useA85 = 0
MARGIN = 12 * mm


def _register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(REGULAR)))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(BOLD)))


def _ink_on(colour: str) -> str:
    return "#ffffff" if contrast_ratio(colour, "#ffffff") >= contrast_ratio(colour, "#000000") else "#000000"


def _jpeg(picture) -> ImageReader:
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    buffer.seek(0)
    return ImageReader(buffer)


def _frame(pdf, flowables, x, y, width, height) -> None:
    frame = Frame(x, y, width, height, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, showBoundary=0)
    frame.addFromList([KeepInFrame(width, height, flowables, mode="shrink")], pdf)


def build(spec) -> bytes:
    """The flyer's PDF bytes for a :class:`render.KitSpec`."""
    from .render import _placeholder, qr_image

    _register_fonts()
    width, height = A5
    buffer = io.BytesIO()
    pdf = pdfcanvas.Canvas(buffer, pagesize=A5, pageCompression=1)
    pdf.setTitle(f"{spec.candidate} — {spec.election}")
    pdf.setAuthor(spec.town)
    pdf.setSubject(spec.flyer_title)

    ink = _ink_on(spec.primary)
    styles = {
        "band": ParagraphStyle("band", fontName=FONT_BOLD, fontSize=17, leading=20, textColor=HexColor(ink)),
        "band_small": ParagraphStyle("band_small", fontName=FONT, fontSize=9.5, leading=12, textColor=HexColor(ink)),
        "name": ParagraphStyle("name", fontName=FONT_BOLD, fontSize=20, leading=23, textColor=HexColor("#111111")),
        "body": ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=HexColor("#222222")),
        "heading": ParagraphStyle("heading", fontName=FONT_BOLD, fontSize=12, leading=15, textColor=HexColor("#111111"),
                                  spaceAfter=4),
        "step": ParagraphStyle("step", fontName=FONT, fontSize=9, leading=11.5, textColor=HexColor("#222222")),
    }

    # Header band: the town's colour, the flyer's title, the logo on a white tile.
    band = 34 * mm
    pdf.setFillColor(HexColor(spec.primary))
    pdf.rect(0, height - band, width, band, stroke=0, fill=1)
    pdf.setFillColor(HexColor(spec.accent))
    pdf.rect(0, height - band - 2 * mm, width, 2 * mm, stroke=0, fill=1)
    logo_width = 0
    if spec.logo is not None:
        logo = spec.logo.copy()
        logo.thumbnail((300, 150))
        box_h = 18 * mm
        box_w = box_h * logo.width / logo.height
        pdf.setFillColor(HexColor("#ffffff"))
        pdf.roundRect(width - MARGIN - box_w - 4, height - band + (band - box_h) / 2 - 4, box_w + 8, box_h + 8, 4,
                      stroke=0, fill=1)
        pdf.drawImage(_jpeg(logo), width - MARGIN - box_w, height - band + (band - box_h) / 2, box_w, box_h)
        logo_width = box_w + 6 * mm
    _frame(pdf, [Paragraph(escape(spec.town), styles["band_small"]), Paragraph(escape(spec.flyer_title), styles["band"])],
           MARGIN, height - band + 5 * mm, width - 2 * MARGIN - logo_width, band - 10 * mm)

    # The candidate: photo (or placeholder), name, council, dates.
    top = height - band - 8 * mm
    photo_side = 36 * mm
    picture = imaging.fill(spec.photo, (600, 600), spec.focal) if spec.photo is not None else _placeholder(spec, (600, 600))
    pdf.drawImage(_jpeg(picture), MARGIN, top - photo_side, photo_side, photo_side)
    _frame(pdf, [
        Paragraph(escape(spec.candidate), styles["name"]),
        Paragraph(escape(spec.headline), styles["body"]),
        Paragraph(f'<font name="{FONT_BOLD}">{escape(spec.dates)}</font>', styles["body"]),
    ], MARGIN + photo_side + 5 * mm, top - photo_side, width - 2 * MARGIN - photo_side - 5 * mm, photo_side)

    # Statement, then how to vote online.
    qr_side = 34 * mm
    bottom_block = qr_side + 8 * mm
    body_top = top - photo_side - 6 * mm
    flowables = []
    if spec.statement:
        flowables.append(Paragraph(escape(spec.statement).replace("\n", "<br/>"), styles["body"]))
    if spec.steps:
        flowables.append(Paragraph(escape(spec.steps_title), styles["heading"]))
        flowables.append(ListFlowable(
            [ListItem(Paragraph(f'<font name="{FONT_BOLD}">{escape(title)}</font>'
                                + (f" — {escape(text)}" if text else ""), styles["step"]))
             for title, text in spec.steps],
            bulletType="1", bulletFontName=FONT_BOLD, bulletFontSize=9, leftIndent=14,
        ))
    if spec.statement and spec.steps:
        flowables.insert(1, Paragraph("&nbsp;", styles["step"]))
    _frame(pdf, flowables, MARGIN, MARGIN + bottom_block, width - 2 * MARGIN, body_top - MARGIN - bottom_block)

    # Bottom: the QR code to the voting page, the URL in words, the flyer's own wording.
    pdf.setStrokeColor(HexColor(spec.accent))
    pdf.setLineWidth(1)
    pdf.line(MARGIN, MARGIN + bottom_block - 3 * mm, width - MARGIN, MARGIN + bottom_block - 3 * mm)
    code = qr_image(spec.vote_url, 400).convert("RGB")
    buffer_qr = io.BytesIO()
    code.save(buffer_qr, format="PNG")
    buffer_qr.seek(0)
    pdf.drawImage(ImageReader(buffer_qr), MARGIN, MARGIN, qr_side, qr_side)
    _frame(pdf, [
        Paragraph(escape(spec.call_to_action), styles["heading"]),
        Paragraph(escape(spec.vote_url), styles["step"]),
        *([Paragraph(escape(spec.flyer_text).replace("\n", "<br/>"), styles["body"])] if spec.flyer_text else []),
    ], MARGIN + qr_side + 5 * mm, MARGIN, width - 2 * MARGIN - qr_side - 5 * mm, qr_side)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
