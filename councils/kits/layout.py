"""Text that fits its box: wrap on words, then shrink, then (only as a last resort) cut with an ellipsis.

Pure Pillow, no Django: the renderer asks :func:`draw_text` to place a text
in a rectangle and gets back the rectangle the glyphs really cover, which
the tests compare with the box (``inside``). Measures come from the font
itself (``getlength``, ``multiline_textbbox``), never from character counts,
so a 40-character name, accents or Cyrillic wrap and shrink the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageDraw, ImageFont

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = FONTS_DIR / "DejaVuSans.ttf"
BOLD = FONTS_DIR / "DejaVuSans-Bold.ttf"
ELLIPSIS = "…"

Box = tuple[int, int, int, int]  # left, top, right, bottom (right and bottom excluded)


@lru_cache(maxsize=256)
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """The bundled font at a size; loading a TTF costs more than drawing with it, hence the cache."""
    return ImageFont.truetype(str(path), size)


@dataclass(frozen=True)
class DrawnText:
    """What was drawn: the lines, the size chosen, the box asked for and the pixels the glyphs cover."""

    text: str
    lines: tuple[str, ...]
    size: int
    box: Box
    bbox: Box
    truncated: bool = False

    @property
    def inside(self) -> bool:
        left, top, right, bottom = self.box
        x0, y0, x1, y1 = self.bbox
        return left <= x0 and top <= y0 and x1 <= right and y1 <= bottom


def _split_long_word(word: str, face, width: int) -> list[str]:
    """A word wider than the box (a long double-barrelled name) is broken where it must be."""
    pieces, current = [], ""
    for char in word:
        if current and face.getlength(current + char) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def wrap(text: str, face, width: int) -> list[str]:
    """Greedy word wrap measured with the font; explicit line breaks are kept."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split():
            for piece in _split_long_word(word, face, width) if face.getlength(word) > width else [word]:
                candidate = f"{current} {piece}" if current else piece
                if current and face.getlength(candidate) > width:
                    lines.append(current)
                    current = piece
                else:
                    current = candidate
        lines.append(current)
    return lines


def _spacing(size: int, line_height: float) -> int:
    return max(0, round(size * (line_height - 1)))


def _measure(draw, lines, face, size, line_height) -> Box:
    return draw.multiline_textbbox((0, 0), "\n".join(lines), font=face, spacing=_spacing(size, line_height))


def _fits(bbox: Box, width: int, height: int) -> bool:
    return bbox[2] - bbox[0] <= width and bbox[3] - bbox[1] <= height


def _cut(lines: list[str], face, width: int, max_lines: int) -> list[str]:
    """Keep what fits and end the last kept line with an ellipsis."""
    kept = lines[:max_lines]
    last = kept[-1]
    while last and face.getlength(last + ELLIPSIS) > width:
        last = last[:-1]
    kept[-1] = last.rstrip() + ELLIPSIS
    return kept


def layout(draw: ImageDraw.ImageDraw, text: str, box: Box, *, path: Path = REGULAR, max_size: int, min_size: int = 12,
           line_height: float = 1.2, max_lines: int | None = None) -> tuple[list[str], int, Box, bool]:
    """Choose lines and a size so the text fits the box: the largest size that fits, wrapped on words.

    Binary search on the size (fitting only gets easier as the size drops).
    Below ``min_size`` the text is cut with an ellipsis instead of becoming
    unreadable.
    """
    width, height = box[2] - box[0], box[3] - box[1]

    def attempt(size: int):
        face = font(path, size)
        lines = wrap(text, face, width)
        if max_lines and len(lines) > max_lines:
            return None
        bbox = _measure(draw, lines, face, size, line_height)
        return (lines, bbox) if _fits(bbox, width, height) else None

    low, high, best = min_size, max(min_size, max_size), None
    while low <= high:
        middle = (low + high) // 2
        found = attempt(middle)
        if found:
            best = (middle, *found)
            low = middle + 1
        else:
            high = middle - 1
    if best:
        size, lines, bbox = best
        return lines, size, bbox, False
    # Even the smallest size overflows: keep the lines that fit, cut the last one.
    face = font(path, min_size)
    lines = wrap(text, face, width)
    allowed = max_lines or len(lines)
    while allowed > 1 and not _fits(_measure(draw, lines[:allowed], face, min_size, line_height), width, height):
        allowed -= 1
    lines = _cut(lines, face, width, allowed) if allowed < len(lines) else lines
    return lines, min_size, _measure(draw, lines, face, min_size, line_height), allowed < len(wrap(text, face, width))


def draw_text(draw: ImageDraw.ImageDraw, text: str, box: Box, *, fill, path: Path = REGULAR, max_size: int,
              min_size: int = 12, line_height: float = 1.2, max_lines: int | None = None, align: str = "left",
              valign: str = "top", single_line_from: int | None = None) -> DrawnText:
    """Draw ``text`` inside ``box`` (wrapped, shrunk if needed) and return where its glyphs landed.

    ``single_line_from``: keep the text on one line if it fits from this size
    up (a short name reads better on one line than in bigger type on two).
    """
    found = None
    if single_line_from:
        found = layout(draw, text, box, path=path, max_size=max_size, min_size=single_line_from,
                       line_height=line_height, max_lines=1)
        if found[3]:
            found = None
    lines, size, measured, truncated = found or layout(
        draw, text, box, path=path, max_size=max_size, min_size=min_size, line_height=line_height, max_lines=max_lines
    )
    width, height = measured[2] - measured[0], measured[3] - measured[1]
    left, top, right, bottom = box
    x = {"left": left, "center": left + (right - left - width) // 2, "right": right - width}[align] - measured[0]
    y = {"top": top, "middle": top + (bottom - top - height) // 2, "bottom": bottom - height}[valign] - measured[1]
    face = font(path, size)
    joined = "\n".join(lines)
    spacing = _spacing(size, line_height)
    draw.multiline_text((x, y), joined, font=face, fill=fill, spacing=spacing, align=align)
    bbox = draw.multiline_textbbox((x, y), joined, font=face, spacing=spacing, align=align)
    return DrawnText(text=text, lines=tuple(lines), size=size, box=box, bbox=tuple(bbox), truncated=truncated)
