"""Normalising names and codes so matching ignores accents, case, ligatures, apostrophes and spacing."""

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")
# Letters Unicode does not decompose into a base letter plus accents: without this table 'Cœur'
# would become 'c ur' and never meet the 'COEUR' a voter types (or a roll spells).
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})


def match_key(text: str) -> str:
    """'  Lefèvre-D’Ornano ' -> 'lefevre d ornano'; 'Straße' -> 'strasse'; 'Cœur' -> 'coeur'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_WORD.sub(" ", ascii_text).strip()


def name_key(text: str) -> str:
    """A family name as rolls are matched: match_key without separators.

    'D’Ornano', "d'Ornano", 'D ORNANO' and 'Dornano', or 'Le Goff' and 'LEGOFF',
    are the same name spelled by different hands (the roll, the voter card, a
    resident's keyboard); birth date and polling station still pin the person.
    """
    return match_key(text).replace(" ", "")


def given_names_key(text: str) -> tuple[str, ...]:
    """Given names as a sequence: 'Jean-Pierre, Marie' -> ('jean', 'pierre', 'marie')."""
    return tuple(match_key(text).split())


def code_key(text: str) -> str:
    """Polling stations and postcodes: '0 12' -> '012', ' 49000 ' -> '49000'."""
    return re.sub(r"\s+", "", text).upper()


def station_key(text: str) -> str:
    """Polling stations compare without leading zeros: '001' and '1' are the same station."""
    return code_key(text).lstrip("0") or "0"
