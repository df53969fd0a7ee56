"""The electoral roll: all-or-nothing import of the town's extract.

The file is read by :mod:`.roll_file` (the national electoral register's
extract as town halls export it: "Nom de naissance", "Nom d'usage",
"Prénoms", "Date de naissance", "Bureau de vote", "Adresse", "Code postal",
"Commune"…; UTF-8, Latin-1 or Windows-1252; ``;`` or ``,``). Residents then
prove they are on it through :mod:`.roll_matching`.
"""

import csv
import hashlib

from django.core.cache import cache
from django.db import connection, transaction
from django.utils.translation import gettext as _

from ..exceptions import ContestFrozen, RollImportError
from ..models import RollEntry, VoterRoll
from ..normalize import code_key, match_key, name_key
from . import areas
from .roll_file import RowError, read_rows
from .roll_matching import prove_roll_membership  # noqa: F401  (its historical home; callers import it from here)

MAX_REPORTED_ERRORS = 200
BATCH_SIZE = 5000


def _entry(roll: VoterRoll, fields: dict) -> RollEntry:
    return RollEntry(
        roll=roll,
        family_name=fields["family_name"],
        given_names=fields["given_names"],
        birth_date=fields["birth_date"],
        polling_station=code_key(fields["polling_station"]),
        postcode=code_key(fields.get("postcode", "")),
        address=fields.get("address", ""),
        town=fields.get("town", ""),
        usage_name=fields.get("usage_name", ""),
        birthplace_code=code_key(fields.get("birthplace_code", "")),
        commune=fields.get("commune", ""),
        match_name=name_key(fields["family_name"]),
        usage_match_name=name_key(fields.get("usage_name", "")),
    )


def _fingerprint_line(fields: dict) -> bytes:
    """What makes a voter on the roll; the usage name and birthplace count only when the file has them,
    so an extract without them keeps the fingerprint it always had."""
    parts = [match_key(fields["family_name"]), match_key(fields["given_names"]), fields["birth_date"].isoformat(),
             code_key(fields["polling_station"])]
    if fields.get("usage_name") or fields.get("birthplace_code"):
        parts += [match_key(fields.get("usage_name", "")), code_key(fields.get("birthplace_code", ""))]
    if fields.get("commune"):
        parts.append(fields["commune"])
    return "\x1f".join(parts).encode() + b"\n"


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
    communes: dict[str, list[int]] = {}
    try:
        with roll.source_file.open("rb") as raw:
            for line, fields in read_rows(raw):
                if isinstance(fields, RowError):
                    error_count += 1
                    if len(errors) < MAX_REPORTED_ERRORS:
                        errors.append({"line": fields.line, "message": fields.message})
                    continue
                rows += 1
                digest.update(_fingerprint_line(fields))
                areas.note_commune(communes, fields.get("commune", ""), line)
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
    refusal = areas.roll_communes_refusal(roll, communes)
    if refusal:
        return _failed(roll, [{"line": 0, "message": str(refusal)}])

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
            for _line, fields in read_rows(raw):
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
