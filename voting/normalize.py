"""Normalising names and codes so matching ignores accents, case and spacing."""

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def match_key(text: str) -> str:
    """'  Lefèvre-D’Ornano ' -> 'lefevre d ornano'; 'Straße' -> 'strasse'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_WORD.sub(" ", ascii_text).strip()


def code_key(text: str) -> str:
    """Polling stations and postcodes: '0 12' -> '012', ' 49000 ' -> '49000'."""
    return re.sub(r"\s+", "", text).upper()


def station_key(text: str) -> str:
    """Polling stations compare without leading zeros: '001' and '1' are the same station."""
    return code_key(text).lstrip("0") or "0"
