"""Official codes of French collectivities, checked as the state writes them.

- a département: INSEE's two characters (``49``; Corsica ``2A``/``2B``) or three for overseas (``974``);
- an intercommunality: its SIREN, nine digits whose Luhn checksum holds (INSEE's own rule), so a
  mistyped digit is caught at import rather than matched to nothing;
- a commune: INSEE's five characters (``49007``; Corsica ``2A004``). Not its postcode: one postcode
  may serve several communes and one commune several postcodes.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEPARTEMENT = re.compile(r"^(0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-6])$")
COMMUNE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
SIREN = re.compile(r"^\d{9}$")


def normalise(code: str) -> str:
    """“ 2a004 ” → “2A004”, “244 900 015” → “244900015”: spaces and case as spreadsheets leave them."""
    return "".join(str(code).split()).upper()


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def validate_departement(code: str) -> None:
    if not DEPARTEMENT.match(code):
        raise ValidationError(_("“%(code)s” is not a département code (e.g. 49, 2A, 974)."), params={"code": code})


def validate_commune(code: str) -> None:
    # A leading 0 lost by a spreadsheet (“1001” for 01001) is refused rather than guessed.
    if not COMMUNE.match(code) or code.startswith(("00", "96", "99")):
        raise ValidationError(_("“%(code)s” is not an INSEE commune code (five characters, e.g. 49007 or 2A004)."),
                              params={"code": code})


def validate_siren(code: str) -> None:
    if not SIREN.match(code) or not luhn_valid(code):
        raise ValidationError(_("“%(code)s” is not a valid SIREN number (nine digits, checksum included)."),
                              params={"code": code})


def commune_departement(code: str) -> str:
    """The département a commune code belongs to: its first two characters, three overseas."""
    return code[:3] if code.startswith("97") else code[:2]
