"""Importing La Poste's official postcode file (“Base officielle des codes postaux”), all or nothing.

The file as La Poste publishes it on data.gouv.fr and datanova, one row per commune, postcode and
locality (``Ligne_5``, several rows for one pair):

- older releases: ``#Code_commune_INSEE;Nom_de_la_commune;Code_postal;Libellé_d_acheminement;Ligne_5``
  in Latin-1 (some with ``Nom_commune`` or ``coordonnees_gps``);
- newer ones: the same columns in lower case without accents (``code_commune_insee;…;ligne_5``), UTF-8.

Headers are compared without case, accents or the leading ``#``; the separator and encoding are
detected (``common.textfiles``). The file covers all of France, Monaco and overseas collectivities,
and still lists some former communes: rows of communes the platform does not know are skipped and
counted, not refused. A malformed row (a code a spreadsheet cut short, an empty postcode) is an
error: one error and nothing is imported, with every error's line. For each commune of the file its
postcodes become exactly the file's (La Poste withdraws some); residents' own postcodes are text
and stay as they gave them.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from common.textfiles import UnknownEncoding, delimiter_of, detect_encoding

from .. import codes
from ..exceptions import TerritoryImportError
from ..models import PostalCode, Territory

POSTCODE = re.compile(r"^\d{5}$")
INSEE_SHAPE = re.compile(r"^[0-9][0-9AB]\d{3}$")
# Normalised header → our name; the first of each group is the current spelling.
COLUMNS = {
    "code_commune_insee": "insee",
    "code_postal": "postcode",
    "libelle_d_acheminement": "label",
    "libelle_acheminement": "label",
    "nom_de_la_commune": "name",
    "nom_commune": "name",
}
REQUIRED = {"insee", "postcode"}
MAX_ERRORS_SHOWN = 20


@dataclass
class PostcodeReport:
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped_rows: int = 0
    skipped_examples: list = field(default_factory=list)


def _header_name(raw: str) -> str:
    """“#Libellé_d_acheminement ” → “libelle_d_acheminement”."""
    text = unicodedata.normalize("NFKD", raw.strip().lstrip("\ufeff#").strip())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[\s\-]+", "_", text.lower())


def _rows(raw: io.BufferedIOBase):
    """(line number, {"insee", "postcode", "label"}) for every data row after the header."""
    raw = io.BytesIO(raw.read())  # about 2 MB for all of France
    try:
        text = io.TextIOWrapper(raw, encoding=detect_encoding(raw), newline="")
    except UnknownEncoding:
        raise TerritoryImportError(_("The file's encoding is not recognised: save it as “CSV UTF-8” from your "
                                     "spreadsheet (not as .xlsx).")) from None
    lines = text.read().splitlines()
    for index, line in enumerate(lines[:5]):
        delimiter = delimiter_of(line)
        header = [COLUMNS.get(_header_name(name)) for name in next(csv.reader([line], delimiter=delimiter), [])]
        if REQUIRED <= set(header):
            for number, values in enumerate(csv.reader(lines[index + 1:], delimiter=delimiter), start=index + 2):
                if any(value.strip() for value in values):
                    yield number, {name: value.strip() for name, value in zip(header, values) if name}
            return
    raise TerritoryImportError(_(
        "This file is not La Poste's list of postcodes: expected the columns Code_commune_INSEE, "
        "Nom_de_la_commune, Code_postal and Libellé_d_acheminement (the “Base officielle des codes postaux”)."))


def _read(raw, communes: dict[str, int], report: PostcodeReport) -> tuple[dict, list]:
    """(commune id → {postcode: label}) of the known communes, and the errors with their lines."""
    wanted: dict[int, dict[str, str]] = {}
    errors = []
    for line, row in _rows(raw):
        insee, postcode = codes.normalise(row.get("insee", "")), codes.normalise(row.get("postcode", ""))
        if not INSEE_SHAPE.match(insee):
            errors.append(_("Line %(line)d: “%(code)s” is not an INSEE commune code (five characters, e.g. 49007; "
                            "a spreadsheet may have dropped its leading 0).") % {"line": line, "code": insee})
            continue
        if not POSTCODE.match(postcode):
            errors.append(_("Line %(line)d: “%(code)s” is not a postcode (five digits, e.g. 49320; a spreadsheet "
                            "may have dropped its leading 0).") % {"line": line, "code": postcode})
            continue
        commune_id = communes.get(insee)
        if commune_id is None:
            report.skipped_rows += 1
            if len(report.skipped_examples) < 5 and insee not in report.skipped_examples:
                report.skipped_examples.append(insee)
            continue
        labels = wanted.setdefault(commune_id, {})
        labels.setdefault(postcode, row.get("label", "")[:100])  # one label per pair: the first row's
    return wanted, errors


def import_postcodes(raw: io.BufferedIOBase) -> PostcodeReport:
    """Set the postcodes of every known commune of La Poste's file; refused whole on any malformed row."""
    report = PostcodeReport()
    communes = dict(Territory.objects.filter(kind=Territory.Kind.COMMUNE).values_list("code", "pk"))
    wanted, errors = _read(raw, communes, report)
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = len(errors) - len(shown)
        raise TerritoryImportError(shown + ([_("…and %(count)d more.") % {"count": more}] if more else []))
    if not wanted:
        raise TerritoryImportError(_("None of the file's communes is known yet: import INSEE's communes first "
                                     "(Territories › Import)."))
    _apply(wanted, report)
    return report


@transaction.atomic
def _apply(wanted: dict[int, dict[str, str]], report: PostcodeReport) -> None:
    existing = {(row.commune_id, row.code): row for row in PostalCode.objects.filter(commune_id__in=wanted)}
    new, changed = [], []
    for commune_id, labels in wanted.items():
        for code, label in labels.items():
            row = existing.pop((commune_id, code), None)
            if row is None:
                new.append(PostalCode(commune_id=commune_id, code=code, label=label))
            elif row.label != label:
                row.label = label
                changed.append(row)
            else:
                report.unchanged += 1
    PostalCode.objects.bulk_create(new, batch_size=2000)
    PostalCode.objects.bulk_update(changed, ["label"], batch_size=2000)
    if existing:  # postcodes La Poste no longer gives these communes
        PostalCode.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()
    report.created, report.updated, report.removed = len(new), len(changed), len(existing)
