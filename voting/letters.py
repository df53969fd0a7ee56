"""The voting-code letter as a PDF page (ReportLab): one A4 page per elector, for a window envelope.

Only layout here; which electors, which codes and where the files go is
:mod:`voting.services.letters`. Texts are translated once per file, not per
page, and the QR code (the same for every letter: it leads to the vote's
code page, never carries the code) is one image the PDF stores once, so a
page costs a few text lines: ``bench/voting_codes.py`` measures it.

The font is ReportLab's bundled Bitstream Vera: it covers Windows-1252, the
characters of the electoral register's extracts (œ, æ, accents, ’).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from dataclasses import dataclass

import reportlab
import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from django.utils.translation import gettext as _

FONT, FONT_BOLD, CODE_FONT = "ParvisLetter", "ParvisLetter-Bold", "Courier-Bold"
WIDTH, HEIGHT = A4
LEFT = 20 * mm
TEXT_WIDTH = WIDTH - 2 * LEFT
WINDOW_X, WINDOW_TOP = 110 * mm, 50 * mm  # the address window of a French DL envelope (NF Z 10-011)


def _register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        fonts = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
        pdfmetrics.registerFont(TTFont(FONT, os.path.join(fonts, "Vera.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, os.path.join(fonts, "VeraBd.ttf")))


@dataclass(frozen=True, slots=True)
class LetterContext:
    """What every letter of a vote says: the sender, the vote, its dates and where to vote."""

    sender: str
    title: str
    question: str
    opens: str
    closes: str
    url: str


@dataclass(frozen=True, slots=True)
class Letter:
    """One elector's letter: the address lines and the code, printed in groups."""

    address: tuple[str, ...]
    code: str


def _qr(url: str) -> ImageReader:
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=8, border=4)
    buffer.seek(0)
    return ImageReader(buffer)


def _texts(context: LetterContext) -> dict:
    return {
        "subject": _("Your personal voting code"),
        "vote": _("Vote: %(title)s") % {"title": context.title},
        "dates": _("You can vote online from %(opens)s to %(closes)s.") % {"opens": context.opens,
                                                                              "closes": context.closes},
        "code_label": _("Your voting code (it works once):"),
        "steps_title": _("How to vote"),
        "steps": [
            _("Go to %(url)s, or scan the square code with your phone.") % {"url": context.url},
            _("Type your voting code and your birth date. No account and no e-mail are needed."),
            _("Make your choice and confirm it. Your choice is encrypted on your device: the code shows that you "
              "voted, never how."),
            _("Keep the receipt shown at the end: it lets you check that your ballot is in the ballot box."),
        ],
        "keep": _("Keep this letter to yourself: whoever has the code and your birth date can vote in your place. "
                  "If it is lost or stolen, the town hall cancels it and sends you a new one; this code then stops "
                  "working. You can also vote on paper at your polling station, if you have not voted online."),
        "scan": _("Scan to vote"),
    }


def render(out, context: LetterContext, letters: Iterable[Letter]) -> int:
    """Write one page per letter to the binary file ``out``; return the number of pages."""
    _register_fonts()
    texts = _texts(context)
    qr = _qr(context.url)
    pdf = pdfcanvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(texts["vote"])
    pdf.setAuthor(context.sender)
    pages = 0
    for letter in letters:
        _page(pdf, context, texts, qr, letter)
        pdf.showPage()
        pages += 1
    pdf.save()
    return pages


def _lines(pdf, text: str, x: float, y: float, font: str, size: float, width: float = TEXT_WIDTH,
           leading: float | None = None) -> float:
    """Draw ``text`` wrapped to ``width`` from the baseline ``y`` down; return the next baseline."""
    leading = leading or size * 1.35
    pdf.setFont(font, size)
    for line in simpleSplit(text, font, size, width):
        pdf.drawString(x, y, line)
        y -= leading
    return y


def _page(pdf, context: LetterContext, texts: dict, qr: ImageReader, letter: Letter) -> None:
    top = HEIGHT
    y = _lines(pdf, context.sender, LEFT, top - 20 * mm, FONT_BOLD, 11, width=80 * mm)
    _lines(pdf, texts["subject"], LEFT, y - 2 * mm, FONT, 10, width=80 * mm)
    y = top - WINDOW_TOP
    pdf.setFont(FONT, 11)
    for line in letter.address:
        pdf.drawString(WINDOW_X, y, line[:48])
        y -= 5 * mm

    y = top - 100 * mm
    y = _lines(pdf, texts["vote"], LEFT, y, FONT_BOLD, 14)
    if context.question:
        y = _lines(pdf, context.question, LEFT, y, FONT, 11)
    y = _lines(pdf, texts["dates"], LEFT, y - 2 * mm, FONT, 11)

    qr_side = 38 * mm
    box_top = y - 4 * mm
    pdf.rect(LEFT, box_top - qr_side, TEXT_WIDTH, qr_side, stroke=1, fill=0)
    _lines(pdf, texts["code_label"], LEFT + 5 * mm, box_top - 10 * mm, FONT, 11, width=TEXT_WIDTH - qr_side - 10 * mm)
    pdf.setFont(CODE_FONT, 22)
    pdf.drawString(LEFT + 5 * mm, box_top - 24 * mm, letter.code)
    pdf.drawImage(qr, LEFT + TEXT_WIDTH - qr_side, box_top - qr_side + 4 * mm, qr_side - 8 * mm, qr_side - 8 * mm)
    pdf.setFont(FONT, 8)
    pdf.drawCentredString(LEFT + TEXT_WIDTH - qr_side / 2, box_top - qr_side + 2 * mm, texts["scan"])

    y = _lines(pdf, texts["steps_title"], LEFT, box_top - qr_side - 10 * mm, FONT_BOLD, 12)
    for number, step in enumerate(texts["steps"], start=1):
        pdf.setFont(FONT_BOLD, 11)
        pdf.drawString(LEFT, y, f"{number}.")
        y = _lines(pdf, step, LEFT + 7 * mm, y, FONT, 11, width=TEXT_WIDTH - 7 * mm) - 1 * mm
    _lines(pdf, texts["keep"], LEFT, max(y - 4 * mm, 45 * mm), FONT, 9)
