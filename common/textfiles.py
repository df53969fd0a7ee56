"""Reading the CSV files town halls and state services really produce: encoding and separator.

Spreadsheets in French offices write UTF-8 (often with a BOM), Windows-1252 or Latin-1, with ``;``
as the separator (the comma is the decimal mark) or ``,``.
"""

import codecs
import io

_C1 = bytes(range(0x80, 0xA0))
_NOT_C1 = bytes(byte for byte in range(256) if byte not in _C1)
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
# Control bytes never in a CSV text (tab, LF and CR are): a UTF-16 or spreadsheet file has them.
_CONTROLS = bytes(byte for byte in range(0x20) if byte not in b"\t\n\r")
_NOT_CONTROL = bytes(byte for byte in range(256) if byte not in _CONTROLS)


class UnknownEncoding(ValueError):
    """Not a text file in UTF-8, Windows-1252 or Latin-1 (UTF-16, an .xlsx, an image…)."""


def detect_encoding(raw: io.BufferedIOBase) -> str:
    """UTF-8 when the whole file decodes so; else Windows-1252 when it has bytes 0x80-0x9F; else Latin-1.

    A deterministic rule for the three encodings office software writes, rather than a statistical
    guesser (charset detection libraries can take a short Latin-1 file for Cyrillic or Turkish).
    Anything else raises ``UnknownEncoding``. Streams the file once, in 1 MiB chunks, and rewinds it.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    c1_bytes: set[int] = set()
    for chunk in iter(lambda: raw.read(1 << 20), b""):
        if chunk.translate(None, _NOT_CONTROL):
            raise UnknownEncoding()
        c1_bytes.update(chunk.translate(None, _NOT_C1))
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    raw.seek(0)
    if utf8:
        return "utf-8-sig"
    if c1_bytes & _CP1252_UNDEFINED:
        raise UnknownEncoding()
    return "cp1252" if c1_bytes else "latin-1"


def delimiter_of(line: str) -> str:
    """``;`` or ``,``, whichever the header line uses more (a header has no decimal commas)."""
    return ";" if line.count(";") >= line.count(",") else ","
