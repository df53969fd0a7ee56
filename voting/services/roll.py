"""The electoral roll: all-or-nothing CSV import, and residents proving they are on it.

Expected CSV (the extract towns get from their electoral software), one
header line then one voter per line, `;` or `,` separated, UTF-8 or Latin-1:

    nom;prenoms;date_naissance;bureau;code_postal;adresse
    DUPONT;Marie Anne;14/07/1980;001;49000;3 rue des Lilas

Columns are recognised by name, in French or English, case and accents
ignored (see ``COLUMNS``); ``code_postal`` and ``adresse`` are optional.
Dates are DD/MM/YYYY or YYYY-MM-DD.
"""

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime

from django.core.cache import cache
from django.db import connection, transaction
from django.utils.translation import gettext as _

from ..exceptions import ContestFrozen, NotEligible, RollImportError, RollMatchFailed, TooManyAttempts
from ..models import Contest, RollEntry, Voter, VoterRoll
from ..normalize import code_key, match_key, station_key

COLUMNS = {
    "family_name": {"nom", "nom de famille", "nom famille", "nom naissance", "family name", "surname", "last name"},
    "given_names": {"prenoms", "prenom", "given names", "given name", "first name", "first names"},
    "birth_date": {"date naissance", "date de naissance", "ne le", "birth date", "date of birth", "birthdate"},
    "polling_station": {"bureau", "bureau de vote", "code bureau", "num bureau", "polling station", "station"},
    "postcode": {"code postal", "cp", "postcode", "postal code", "zip"},
    "address": {"adresse", "address"},
}
REQUIRED = ("family_name", "given_names", "birth_date", "polling_station")
LABELS = {"family_name": "nom", "given_names": "prenoms", "birth_date": "date_naissance", "polling_station": "bureau"}
MAX_REPORTED_ERRORS = 200
BATCH_SIZE = 5000
MAX_ATTEMPTS = 5
ATTEMPT_WINDOW = 15 * 60
# Failures per contest from one address (parvis.http.client_ip): one attacker with many accounts could
# otherwise try 5 names per account and enumerate the roll. Higher than per account: a town hall's desk
# or a library shares one address among residents.
MAX_ATTEMPTS_PER_SOURCE = 30


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    message: str


def _open_text(raw: io.BufferedIOBase) -> io.TextIOWrapper:
    """UTF-8 (with or without BOM) when the whole file decodes, else Latin-1."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in iter(lambda: raw.read(1 << 20), b""):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "latin-1"
    raw.seek(0)
    return io.TextIOWrapper(raw, encoding=encoding, newline="")


def _header_map(header: list[str]) -> dict[str, int]:
    positions = {}
    for index, name in enumerate(header):
        key = match_key(name)
        for field, aliases in COLUMNS.items():
            if key in aliases and field not in positions:
                positions[field] = index
    missing = [field for field in REQUIRED if field not in positions]
    if missing:
        labels = ", ".join(LABELS[field] for field in missing)
        raise RollImportError(_("Missing column(s): %(columns)s. See the expected format.") % {"columns": labels})
    return positions


def _parse_date(text: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _rows(raw: io.BufferedIOBase):
    """Yield (line number, field dict or RowError) for every data line."""
    text = _open_text(raw)
    first = text.readline()
    if not first.strip():
        raise RollImportError(_("The file is empty."))
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    positions = _header_map(next(csv.reader([first], delimiter=delimiter)))
    width = max(positions.values()) + 1
    today = date.today()
    for line, values in enumerate(csv.reader(text, delimiter=delimiter), start=2):
        if not any(value.strip() for value in values):
            continue
        if len(values) < width:
            yield line, RowError(line, _("%(count)d columns instead of at least %(width)d.") % {"count": len(values), "width": width})
            continue
        fields = {field: values[index].strip() for field, index in positions.items()}
        empty = [field for field in REQUIRED if not fields[field]]
        if empty:
            yield line, RowError(line, _("Empty value in: %(fields)s.") % {"fields": ", ".join(empty)})
            continue
        try:
            fields["birth_date"] = _parse_date(fields["birth_date"])
        except ValueError:
            yield line, RowError(line, _("Invalid birth date “%(value)s” (expected DD/MM/YYYY).") % {"value": fields["birth_date"]})
            continue
        if not date(1900, 1, 1) <= fields["birth_date"] <= today:
            yield line, RowError(line, _("Birth date out of range: %(value)s.") % {"value": fields["birth_date"]})
            continue
        too_long = [field for field, limit in (("family_name", 150), ("given_names", 200), ("polling_station", 20), ("postcode", 10), ("address", 300)) if len(fields.get(field, "")) > limit]
        if too_long:
            yield line, RowError(line, _("Value too long in: %(fields)s.") % {"fields": ", ".join(too_long)})
            continue
        yield line, fields


def _entry(roll: VoterRoll, fields: dict) -> RollEntry:
    return RollEntry(
        roll=roll,
        family_name=fields["family_name"],
        given_names=fields["given_names"],
        birth_date=fields["birth_date"],
        polling_station=code_key(fields["polling_station"]),
        postcode=code_key(fields.get("postcode", "")),
        address=fields.get("address", ""),
        match_name=match_key(fields["family_name"]),
    )


def _fingerprint_line(fields: dict) -> bytes:
    return "\x1f".join(
        (match_key(fields["family_name"]), match_key(fields["given_names"]), fields["birth_date"].isoformat(),
         code_key(fields["polling_station"]))
    ).encode() + b"\n"


def progress_key(roll: VoterRoll) -> str:
    return f"voting:roll-progress:{roll.pk}"


def assert_roll_replaceable(roll: VoterRoll) -> None:
    """A roll used by a sealed vote is frozen with it: its fingerprint is in the vote's manifest.

    The admin checks it before storing a new file, so the refusal comes at
    upload time rather than from a task that would leave the file behind.
    """
    if roll.contests.exclude(sealed_at=None).exists():
        raise ContestFrozen(_("This roll is used by a sealed vote and can no longer change."))


def import_roll(*, roll: VoterRoll) -> VoterRoll:
    """Validate the whole file, then replace the roll's entries in one transaction.

    Pass 1 streams the file, collects per-row errors and the fingerprint;
    any error leaves the roll untouched (status FAILED with the report).
    Pass 2 streams it again into batched inserts inside one transaction, so
    a crash or a kill leaves the previous entries as they were. Memory stays
    flat whatever the file's size. Progress goes to the cache, which other
    processes (the admin) can read while the transaction is still open.
    """
    try:
        assert_roll_replaceable(roll)
    except ContestFrozen as error:  # sealed between the upload and the import: keep the entries, drop the file
        roll.source_file.delete(save=False)
        VoterRoll.objects.filter(pk=roll.pk).update(source_file="")
        return _failed(roll, [{"line": 0, "message": str(error.message)}])
    VoterRoll.objects.filter(pk=roll.pk).update(status=VoterRoll.Status.IMPORTING, errors=[], rows_done=0)
    errors: list[dict] = []
    error_count = 0
    digest = hashlib.sha256()
    rows = 0
    try:
        with roll.source_file.open("rb") as raw:
            for line, fields in _rows(raw):
                if isinstance(fields, RowError):
                    error_count += 1
                    if len(errors) < MAX_REPORTED_ERRORS:
                        errors.append({"line": fields.line, "message": fields.message})
                    continue
                rows += 1
                digest.update(_fingerprint_line(fields))
    except RollImportError as error:
        return _failed(roll, [{"line": 1, "message": str(error.message)}])
    except (csv.Error, OSError) as error:
        return _failed(roll, [{"line": 0, "message": _("Unreadable file: %(error)s") % {"error": error}}])
    if error_count:
        if error_count > len(errors):
            errors.append({"line": 0, "message": _("… and %(count)d more errors.") % {"count": error_count - len(errors)}})
        return _failed(roll, errors)
    if rows == 0:
        return _failed(roll, [{"line": 2, "message": _("The file has no voter.")}])

    VoterRoll.objects.filter(pk=roll.pk).update(rows_total=rows)
    with transaction.atomic():
        # One DELETE statement: the ORM's cascade-aware delete would load every entry
        # (Voter.roll_entry is PROTECT) — 2 GB for a département. No voter can point
        # at an entry here (only sealed contests have voters, and their roll is frozen);
        # the database's foreign key would refuse the delete anyway.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {RollEntry._meta.db_table} WHERE roll_id = %s", [roll.pk])
        batch: list[RollEntry] = []
        done = 0
        with roll.source_file.open("rb") as raw:
            for _line, fields in _rows(raw):
                batch.append(_entry(roll, fields))
                if len(batch) == BATCH_SIZE:
                    RollEntry.objects.bulk_create(batch)
                    done += len(batch)
                    batch.clear()
                    cache.set(progress_key(roll), done, 3600)
        RollEntry.objects.bulk_create(batch)
        VoterRoll.objects.filter(pk=roll.pk).update(
            status=VoterRoll.Status.READY, rows_total=rows, rows_done=rows, roll_hash=digest.hexdigest(), errors=[]
        )
    cache.delete(progress_key(roll))
    roll.source_file.delete(save=False)  # personal data: no copy lingers once imported
    VoterRoll.objects.filter(pk=roll.pk).update(source_file="")
    roll.refresh_from_db()
    return roll


def request_import(roll: VoterRoll) -> None:
    """Queue the import of an uploaded roll; if the task queue is down, say so on the roll.

    Otherwise the roll would wait "to be imported" for ever, its task never
    queued; the officer is told to upload the file again.
    """
    from kombu.exceptions import OperationalError as BrokerUnavailable

    from ..tasks import import_roll as import_task  # tasks import the services

    try:
        import_task.delay(roll.pk)
    except BrokerUnavailable:
        _failed(roll, [{"line": 0, "message": _(
            "The import could not be started: the task queue is unavailable. Upload the file again in a few minutes."
        )}])


def _failed(roll: VoterRoll, errors: list[dict]) -> VoterRoll:
    VoterRoll.objects.filter(pk=roll.pk).update(status=VoterRoll.Status.FAILED, errors=errors)
    roll.refresh_from_db()
    return roll


def roll_progress(roll: VoterRoll) -> int:
    """Rows imported so far (read from the cache while the import runs)."""
    if roll.status == VoterRoll.Status.IMPORTING:
        return cache.get(progress_key(roll), 0)
    return roll.rows_done


def _attempts_key(contest: Contest, user) -> str:
    return f"voting:roll-attempts:{contest.pk}:{user.pk}"


def _source_attempts_key(contest: Contest, source: str) -> str:
    # Only a hash of the address reaches the cache: nothing to keep about who tried.
    return f"voting:roll-attempts-from:{contest.pk}:{hashlib.sha256(source.encode()).hexdigest()}"


def _count_failure(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, ATTEMPT_WINDOW)


def prove_roll_membership(*, contest: Contest, user, family_name: str, birth_date: date, place: str,
                          source: str = "") -> Voter:
    """Link a resident's account to their roll entry for this contest, once.

    ``place`` is the polling station number or the postcode printed on the
    voter card. Matching ignores accents, case and spacing. Failed attempts
    are limited to 5 per 15 minutes per contest and account, and to
    ``MAX_ATTEMPTS_PER_SOURCE`` per contest from one ``source`` (the client's
    address, when the request comes over HTTP).
    """
    from .eligibility import other_rules_refusal

    reason = other_rules_refusal(contest=contest, user=user)
    if reason:
        raise NotEligible(reason)
    existing = Voter.objects.filter(contest=contest, user=user).select_related("roll_entry").first()
    if existing:
        return existing
    key = _attempts_key(contest, user)
    source_key = _source_attempts_key(contest, source) if source else None
    if cache.get(key, 0) >= MAX_ATTEMPTS or (source_key and cache.get(source_key, 0) >= MAX_ATTEMPTS_PER_SOURCE):
        raise TooManyAttempts()
    place_key = code_key(place)
    place_station = station_key(place)
    candidates = RollEntry.objects.filter(roll=contest.roll, match_name=match_key(family_name), birth_date=birth_date)
    if contest.polling_stations:
        candidates = candidates.filter(polling_station__in=[code_key(s) for s in contest.polling_stations])
    matches = [
        entry for entry in candidates[:10]
        if place_key and (place_station == station_key(entry.polling_station) or place_key == entry.postcode)
    ]
    if len(matches) != 1:
        _count_failure(key)
        if source_key:
            _count_failure(source_key)
        if len(matches) > 1:
            raise RollMatchFailed(_("Several voters match these details. Please contact the town hall."))
        raise RollMatchFailed()
    entry = matches[0]
    with transaction.atomic():
        voter, _created = Voter.objects.select_for_update().get_or_create(contest=contest, roll_entry=entry)
        if voter.user_id and voter.user_id != user.pk:
            raise NotEligible(
                _("This voter is already linked to another account. If this is you, contact the town hall.")
            )
        if voter.user_id is None:
            voter.user = user
            voter.save(update_fields=["user"])
    cache.delete(key)
    return voter
