"""Combining towns' rolls into one: the roll of a vote across several communes.

A département or an intercommunality may import one file listing electors
of many communes (:mod:`.roll`), or combine the rolls its towns imported.
Combining makes a *new* roll, all or nothing: the sources stay as they are,
every entry is copied with its commune (a town's roll without a commune
column gives its entries the town's own code, through
``areas.DEFAULT_COMMUNE_HOOK``), and the communes must lie within the
territory of the collectivity combining them.
"""

import hashlib

from django.db import connection, transaction
from django.utils.translation import gettext as _

from ..exceptions import RollImportError
from ..models import RollEntry, VoterRoll
from . import areas
from .roll import _fingerprint_line

COPIED_FIELDS = ("family_name", "usage_name", "given_names", "birth_date", "birthplace_code", "polling_station",
                 "postcode", "address", "town", "match_name", "usage_match_name")


def combine_rolls(*, sources, name: str, site, actor=None) -> VoterRoll:
    """A new roll holding every entry of ``sources``, for ``site``'s collectivity; RollImportError if refused.

    Refused, with nothing created, when fewer than two rolls are given, one is
    not ready, a roll's entries have no commune and none can be inferred, or
    a commune lies outside the collectivity's territory.
    """
    sources = sorted({roll.pk: roll for roll in sources}.values(), key=lambda roll: roll.pk)
    if len(sources) < 2:
        raise RollImportError(_("Choose at least two electoral rolls to combine."))
    not_ready = [roll.name for roll in sources if roll.status != VoterRoll.Status.READY]
    if not_ready:
        raise RollImportError(_("These rolls are not imported: %(rolls)s.") % {"rolls": ", ".join(not_ready)})
    defaults = {roll.pk: areas.default_commune(roll) for roll in sources}
    communes: dict[str, list[int]] = {}
    for roll in sources:
        for commune in RollEntry.objects.filter(roll=roll).values_list("commune", flat=True).distinct():
            commune = commune or defaults[roll.pk]
            if not commune:
                raise RollImportError(_(
                    "The electors of roll “%(roll)s” have no commune and its collectivity is not a commune: import "
                    "it again with the “Code de la commune” column."
                ) % {"roll": roll.name})
            communes.setdefault(commune, [])  # no file lines here: the refusal names the communes only
    combined = VoterRoll(name=name, site=site, created_by=actor)
    refusal = areas.roll_communes_refusal(combined, communes)
    if refusal:
        raise RollImportError(refusal)
    with transaction.atomic():
        combined.save()
        total = 0
        for roll in sources:
            total += _copy_entries(roll, combined, defaults[roll.pk])
        combined.roll_hash = _fingerprint(combined)
        combined.status = VoterRoll.Status.READY
        combined.rows_total = combined.rows_done = total
        combined.save(update_fields=["roll_hash", "status", "rows_total", "rows_done"])
    return combined


def _copy_entries(source: VoterRoll, target: VoterRoll, default_commune: str) -> int:
    """One INSERT … SELECT per source: a département's million entries never pass through Python."""
    table = RollEntry._meta.db_table
    columns = ", ".join(COPIED_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (roll_id, commune, {columns}) "
            f"SELECT %s, CASE WHEN commune = '' THEN %s ELSE commune END, {columns} FROM {table} "
            "WHERE roll_id = %s ORDER BY id",
            [target.pk, default_commune, source.pk],
        )
        return cursor.rowcount


def _fingerprint(roll: VoterRoll) -> str:
    """The same fingerprint an imported file of these entries, in this order, would have."""
    digest = hashlib.sha256()
    rows = RollEntry.objects.filter(roll=roll).order_by("pk").values(
        "family_name", "given_names", "birth_date", "polling_station", "usage_name", "birthplace_code", "commune")
    for fields in rows.iterator(chunk_size=5000):
        digest.update(_fingerprint_line(fields))
    return digest.hexdigest()
