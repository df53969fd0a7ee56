"""Normalise postcodes and street names, so what residents type matches what editors entered.

Residents write “12 av. Jean-Jaurès”, editors “Avenue Jean Jaurès”: both become
``avenue jean jaures``. Accents, case, punctuation, the house number and the
usual French abbreviations of street types do not count.
"""

import re
import unicodedata

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

POSTCODE = re.compile(r"^\d{5}$")
postcode_validator = RegexValidator(POSTCODE, _("Enter a five-digit postcode, e.g. 49000."))

STREET_ABBREVIATIONS = {
    "all": "allee",
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "blvd": "boulevard",
    "ch": "chemin",
    "che": "chemin",
    "chem": "chemin",
    "crs": "cours",
    "fbg": "faubourg",
    "imp": "impasse",
    "pl": "place",
    "r": "rue",
    "rte": "route",
    "sq": "square",
    "st": "saint",
    "ste": "sainte",
}
# A house number and its suffix, written before the street name: “12”, “12bis”, “3 ter”.
HOUSE_NUMBER = re.compile(r"^\d+([a-z]|bis|ter|quater)?$|^(bis|ter|quater)$")


def normalise_postcode(value: str) -> str:
    """“49 000” → “49000”; the result may still be invalid (``postcode_validator`` says so)."""
    return "".join(value.split())


def normalise_street(value: str) -> str:
    """A comparable key for a street name: lower case, no accents or punctuation, no house number."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = re.sub(r"[^a-z0-9]+", " ", ascii_only).split()
    while words and HOUSE_NUMBER.match(words[0]):
        words.pop(0)
    return " ".join(STREET_ABBREVIATIONS.get(word, word) for word in words)
