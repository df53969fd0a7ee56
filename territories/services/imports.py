"""Importing the official list of territories from the files INSEE publishes, all or nothing.

Three files, recognised by their columns (as INSEE writes them, in CSV; a spreadsheet's export of
the same columns works too):

- the départements of the Code officiel géographique (``v_departement_<year>.csv``: DEP, LIBELLE…);
- its communes (``v_commune_<year>.csv``: TYPECOM, COM, DEP, LIBELLE…; only TYPECOM ``COM`` rows,
  not associated or delegated communes nor Paris, Lyon and Marseille's arrondissements);
- the composition of the intercommunalities (``Intercommunalite-Metropole``'s “Composition
  communale” sheet: CODGEO, LIBGEO, EPCI, LIBEPCI, DEP…; title lines above the header are skipped,
  and a commune in no intercommunality has EPCI ``ZZZZZZZZZ``).

Rows are matched on (kind, code): names and parents are updated, nothing is ever deleted (a
territory may hold votes and residents). Every row is checked before anything is written; one
error and nothing is imported, with the list of errors and their lines.
"""

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.textfiles import UnknownEncoding, delimiter_of, detect_encoding

from .. import codes
from ..exceptions import TerritoryImportError
from ..models import Territory

Kind = Territory.Kind
NO_EPCI = "ZZZZZZZZZ"
FORMATS = {
    "departements": {"DEP", "LIBELLE", "CHEFLIEU"},
    "communes": {"TYPECOM", "COM", "DEP", "LIBELLE"},
    "composition": {"CODGEO", "LIBGEO", "EPCI", "LIBEPCI", "DEP"},
}
MAX_ERRORS_SHOWN = 20


@dataclass
class Report:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: int = 0


@dataclass
class _Plan:
    """What the file says: (kind, code) → name, and (kind, code) → parent's (kind, code)."""

    names: dict = field(default_factory=dict)
    parents: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)


def _rows(raw: io.BufferedIOBase):
    """(format, line number, row dict) for every data row, after the header wherever it is."""
    raw = io.BytesIO(raw.read())  # a few MiB for all of France; an upload may not be seekable as a stream
    try:
        text = io.TextIOWrapper(raw, encoding=detect_encoding(raw), newline="")
    except UnknownEncoding:
        raise TerritoryImportError(_("The file's encoding is not recognised: save it as “CSV UTF-8” from your "
                                     "spreadsheet (not as .xlsx).")) from None
    lines = text.read().splitlines()
    for index, line in enumerate(lines[:20]):
        header = [name.strip().upper() for name in next(csv.reader([line], delimiter=delimiter_of(line)), [])]
        kind = next((kind for kind, columns in FORMATS.items() if columns <= set(header)), None)
        if kind:
            delimiter = delimiter_of(line)
            for number, values in enumerate(csv.reader(lines[index + 1:], delimiter=delimiter), start=index + 2):
                if any(value.strip() for value in values):
                    yield kind, number, {name: value.strip() for name, value in zip(header, values)}
            return
    raise TerritoryImportError(_(
        "This file is not one of INSEE's lists: expected the columns of the départements (DEP, LIBELLE, CHEFLIEU), "
        "the communes (TYPECOM, COM, DEP, LIBELLE) or the intercommunalities' composition (CODGEO, LIBGEO, EPCI, "
        "LIBEPCI, DEP)."))


def _checked(plan: _Plan, line: int, kind: str, code: str, validate) -> str | None:
    code = codes.normalise(code)
    try:
        validate(code)
    except ValidationError as error:
        plan.errors.append(_("Line %(line)d: %(error)s") % {"line": line, "error": error.messages[0]})
        return None
    return code


def _read(raw, departements: set[str]) -> _Plan:
    plan = _Plan()
    epci_departements: dict[str, Counter] = defaultdict(Counter)
    communes_epci: dict[str, str] = {}
    for kind, line, row in _rows(raw):
        dep = _checked(plan, line, Kind.DEPARTEMENT, row.get("DEP", ""), codes.validate_departement)
        if dep is None or (departements and dep not in departements):
            continue
        if kind == "departements":
            plan.names[(Kind.DEPARTEMENT, dep)] = row["LIBELLE"]
            continue
        if kind == "communes" and row["TYPECOM"] != "COM":
            continue
        code = _checked(plan, line, Kind.COMMUNE, row.get("COM") or row.get("CODGEO", ""), codes.validate_commune)
        if code is None:
            continue
        if codes.commune_departement(code) != dep:
            plan.errors.append(_("Line %(line)d: commune %(code)s is not in département %(dep)s.")
                               % {"line": line, "code": code, "dep": dep})
            continue
        plan.names[(Kind.COMMUNE, code)] = row.get("LIBELLE") or row.get("LIBGEO")
        plan.parents[(Kind.COMMUNE, code)] = (Kind.DEPARTEMENT, dep)
        epci = codes.normalise(row.get("EPCI", NO_EPCI))
        if kind == "composition" and epci != NO_EPCI:
            epci = _checked(plan, line, Kind.INTERCOMMUNALITY, epci, codes.validate_siren)
            if epci:
                plan.names[(Kind.INTERCOMMUNALITY, epci)] = row["LIBEPCI"]
                epci_departements[epci][dep] += 1
                communes_epci[code] = epci
    # An intercommunality spanning two départements (a few dozen do) hangs from the one most of its
    # communes are in; its communes elsewhere hang from their own département.
    for epci, counts in epci_departements.items():
        plan.parents[(Kind.INTERCOMMUNALITY, epci)] = (Kind.DEPARTEMENT, counts.most_common(1)[0][0])
    for code, epci in communes_epci.items():
        if plan.parents[(Kind.INTERCOMMUNALITY, epci)] == plan.parents[(Kind.COMMUNE, code)]:
            plan.parents[(Kind.COMMUNE, code)] = (Kind.INTERCOMMUNALITY, epci)
    return plan


def import_territories(raw: io.BufferedIOBase, *, departements: set[str] | None = None) -> Report:
    """Create or update the territories of one of INSEE's files (only ``departements``' if given)."""
    plan = _read(raw, {codes.normalise(code) for code in departements or ()})
    existing = {(territory.kind, territory.code): territory for territory in Territory.objects.all()}
    for key, parent in plan.parents.items():
        if parent not in plan.names and parent not in existing:
            plan.errors.append(_("Département %(code)s is not known yet: import INSEE's list of départements first "
                                 "(v_departement file).") % {"code": parent[1]})
            break
    if plan.errors:
        shown = plan.errors[:MAX_ERRORS_SHOWN]
        more = len(plan.errors) - len(shown)
        raise TerritoryImportError(shown + ([_("…and %(count)d more.") % {"count": more}] if more else []))
    if not plan.names:
        raise TerritoryImportError(_("The file holds no territory (of the chosen départements)."))
    return _apply(plan, existing)


LEVELS = (Kind.DEPARTEMENT, Kind.INTERCOMMUNALITY, Kind.COMMUNE)


@transaction.atomic
def _apply(plan: _Plan, existing: dict) -> Report:
    report = Report()
    for level in LEVELS:  # parents before their children
        new, changed = [], []
        for (kind, code), name in plan.names.items():
            if kind != level:
                continue
            parent_key = plan.parents.get((kind, code))
            parent = existing[parent_key] if parent_key else None
            territory = existing.get((kind, code))
            if territory is None:
                new.append(Territory(kind=kind, code=code, name=name, parent=parent))
            elif territory.name != name or (parent_key and territory.parent_id != parent.pk):
                territory.name, territory.parent = name, parent if parent_key else territory.parent
                changed.append(territory)
            else:
                report.unchanged += 1
        for territory in Territory.objects.bulk_create(new, batch_size=2000):
            existing[(territory.kind, territory.code)] = territory
        Territory.objects.bulk_update(changed, ["name", "parent"], batch_size=2000)
        report.created[level] += len(new)
        report.updated[level] += len(changed)
    return report
