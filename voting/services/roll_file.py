"""Reading an electoral roll file as town halls export it: encoding, columns, rows.

Towns get the extract of the national electoral register (REU) from their
electoral software or the INSEE portal and save it as CSV, often through a
spreadsheet. So the file may be UTF-8 (with or without BOM), Latin-1 or
Windows-1252, separated by ``;`` or ``,``, with CRLF line ends, column names in
any case with or without accents, and many columns we do not need (sex,
nationality, the list's type…), which are ignored. ``COLUMNS`` lists the
names recognised for each field; the admin's upload page shows them
(``voting/templates/voting/admin/roll_format.html``).
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from common import textfiles

from ..exceptions import RollImportError
from ..normalize import match_key

# Header names after match_key (case, accents, apostrophes and punctuation ignored).
COLUMNS = {
    "family_name": {"nom de naissance", "nom naissance", "nom", "nom de famille", "nom famille", "nom patronymique",
                    "birth name", "family name", "surname", "last name"},
    "usage_name": {"nom d usage", "nom usage", "nom d epouse", "nom marital", "usage name", "married name"},
    "given_names": {"prenoms", "prenom", "prenom s", "given names", "given name", "first name", "first names"},
    "birth_date": {"date de naissance", "date naissance", "ne le", "ne e le", "birth date", "date of birth", "birthdate"},
    "polling_station": {"bureau de vote", "bureau", "code bureau", "code du bureau", "code bureau de vote",
                        "code du bureau de vote", "code du b vote", "num bureau", "numero de bureau",
                        "numero du bureau de vote", "n bureau", "polling station", "station"},
    "postcode": {"code postal", "cp", "postcode", "postal code", "zip"},
    "address": {"adresse", "adresse postale", "address"},
    # The postal address's commune; REU extracts also name the list's commune ("Libellé de la commune"),
    # which the code below gives.
    "town": {"commune", "ville", "localite", "town", "city"},
    # INSEE's code of the commune the elector votes in: REU extracts ("Code de la commune"), INSEE's
    # own files ("DEPCOM", "COM", "CODGEO") and the open data of the REU ("code_commune_ref").
    "commune": {"code commune", "code de la commune", "code insee", "code insee commune", "code insee de la commune",
                "code commune insee", "code commune ref", "code commune de rattachement", "commune code",
                "insee commune", "depcom", "com", "codgeo", "code geo", "insee", "insee code", "commune insee code",
                "commune insee"},
    "birthplace_code": {"code commune de naissance", "code de la commune de naissance", "code commune naissance",
                        "code lieu de naissance", "code insee de naissance", "code insee naissance", "birthplace code"},
}
# REU extracts split the address; without an "Adresse" column these parts, in this order, make it.
ADDRESS_PARTS = (
    ("number", {"numero de voie", "n de voie", "numero voie", "n voie"}),
    ("street", {"type et libelle de voie", "libelle de voie", "libelle voie", "voie"}),
    ("complement1", {"complement 1", "complement d adresse", "complement adresse"}),
    ("complement2", {"complement 2"}),
    ("locality", {"lieu dit"}),
)
REQUIRED = ("family_name", "given_names", "birth_date", "polling_station")
# Shown in messages: the names as the REU extract spells them (column names, not interface text).
LABELS = {
    "family_name": "Nom de naissance", "usage_name": "Nom d'usage", "given_names": "Prénoms",
    "birth_date": "Date de naissance", "polling_station": "Bureau de vote", "postcode": "Code postal",
    "address": "Adresse", "town": "Commune", "birthplace_code": "Code commune de naissance",
    "commune": "Code de la commune",
}
LIMITS = {"family_name": 150, "usage_name": 150, "given_names": 200, "polling_station": 20, "postcode": 10,
          "address": 300, "town": 100, "birthplace_code": 10, "commune": 5}
# An INSEE commune code: five characters, Corsica's with 2A/2B (its validity is the territories' business).
COMMUNE_CODE = re.compile(r"^\d[\dAB]\d{3}$")

# Bytes 0x80-0x9F are control characters in Latin-1, which no roll contains, and letters or
# punctuation in Windows-1252 (œ 0x9C, Œ 0x8C, ’ 0x92, … 0x85): their presence tells the two apart.
@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    message: str


def unknown_encoding() -> RollImportError:
    return RollImportError(_(
        "The file's encoding is not recognised: the roll must be a CSV text file in UTF-8, Latin-1 or Windows-1252. "
        "In your spreadsheet, save it again as “CSV UTF-8” (not as an .xlsx or “Unicode text” file)."
    ))


def detect_encoding(raw: io.BufferedIOBase) -> str:
    """UTF-8, Windows-1252 or Latin-1 (``common.textfiles``), or a clear error for anything else."""
    try:
        return textfiles.detect_encoding(raw)
    except textfiles.UnknownEncoding:
        raise unknown_encoding() from None


def _header_map(header: list[str]) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """Field -> column index, and the address parts found; refuses missing or doubled columns."""
    positions: dict[str, int] = {}
    parts: list[tuple[str, int]] = []
    for index, name in enumerate(header):
        key = match_key(name)
        for field, aliases in COLUMNS.items():
            if key in aliases:
                if field in positions:
                    raise RollImportError(_(
                        "Columns “%(first)s” and “%(second)s” both give the %(field)s: keep only one of them."
                    ) % {"first": header[positions[field]].strip(), "second": name.strip(), "field": LABELS[field]})
                positions[field] = index
        for part, aliases in ADDRESS_PARTS:
            if key in aliases:
                parts.append((part, index))
    missing = [field for field in REQUIRED if field not in positions]
    if missing:
        found = ", ".join(f"“{name.strip()}”" for name in header if name.strip()) or "—"
        raise RollImportError(_(
            "Missing column(s): %(columns)s. Columns found: %(found)s. See the accepted columns on the upload page."
        ) % {"columns": ", ".join(LABELS[field] for field in missing), "found": found})
    order = [part for part, _aliases in ADDRESS_PARTS]
    parts.sort(key=lambda item: order.index(item[0]))
    return positions, parts


def _parse_date(text: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _check(line: int, fields: dict, today: date) -> RowError | None:
    empty = [LABELS[field] for field in REQUIRED if not fields[field]]
    if empty:
        return RowError(line, _("Empty value in: %(fields)s.") % {"fields": ", ".join(empty)})
    try:
        fields["birth_date"] = _parse_date(fields["birth_date"])
    except ValueError:
        return RowError(line, _("Invalid birth date “%(value)s” (expected DD/MM/YYYY).") % {"value": fields["birth_date"]})
    if not date(1900, 1, 1) <= fields["birth_date"] <= today:
        return RowError(line, _("Birth date out of range: %(value)s.") % {"value": fields["birth_date"]})
    if fields.get("commune"):
        fields["commune"] = "".join(fields["commune"].split()).upper()
    too_long = [LABELS[field] for field, limit in LIMITS.items() if len(fields.get(field, "")) > limit]
    if too_long:
        return RowError(line, _("Value too long in: %(fields)s.") % {"fields": ", ".join(too_long)})
    if fields.get("commune"):
        if not COMMUNE_CODE.match(fields["commune"]):
            return RowError(line, _("“%(value)s” is not an INSEE commune code (five characters, e.g. 49007; a "
                                    "spreadsheet may have dropped a leading zero).") % {"value": fields["commune"]})
    return None


def read_rows(raw: io.BufferedIOBase):
    """Yield (line number, field dict or RowError) for every data line of a roll file.

    Raises RollImportError for a file that cannot be a roll at all (unknown
    encoding, empty, missing or doubled columns): the import then stops
    before touching anything.
    """
    text = io.TextIOWrapper(raw, encoding=detect_encoding(raw), newline="")
    first = text.readline()
    if not first.strip():
        raise RollImportError(_("The file is empty."))
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    positions, parts = _header_map(next(csv.reader([first], delimiter=delimiter)))
    width = max([*positions.values(), *(index for _part, index in parts)]) + 1
    today = date.today()
    for line, values in enumerate(csv.reader(text, delimiter=delimiter), start=2):
        if not any(value.strip() for value in values):
            continue
        if len(values) < width:
            yield line, RowError(line, _("%(count)d columns instead of at least %(width)d.") % {"count": len(values), "width": width})
            continue
        fields = {field: values[index].strip() for field, index in positions.items()}
        if "address" not in fields and parts:
            fields["address"] = " ".join(value for _part, index in parts if (value := values[index].strip()))
        error = _check(line, fields, today)
        yield line, error or fields
