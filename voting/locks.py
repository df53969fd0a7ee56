"""The two locks around a ballot box: many voters drop ballots at once; the close waits for them.

Casting takes the box's lock in *shared* mode, so votes never wait for each
other; closing the box (after the vote, before the trustees' partial
decryptions) takes it in *exclusive* mode, so it waits for the ballots
already on their way and every later one sees the box closed. On
PostgreSQL these are transaction-level advisory locks: they live in the lock
manager, not on the contest row, so a thousand voters at once write nothing
to that row (``SELECT … FOR SHARE`` would, on every vote).

SQLite, the embedded default, lets one transaction write at a time anyway:
both are no-ops there.
"""

from django.db import connection

# Advisory locks are keyed by two integers: this namespace ("vote") and the contest's id.
_NAMESPACE = 0x766F7465

BOX_OPEN_LOCK_SQL = f"SELECT pg_advisory_xact_lock_shared({_NAMESPACE}, %(contest)s)"
"""``hold_box_open``'s statement (PostgreSQL), for a writer that sends it along with its own."""


def hold_box_open(contest_id: int) -> None:
    """Inside a transaction: keep the box from closing until this transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(BOX_OPEN_LOCK_SQL, {"contest": contest_id})


def hold_box_exclusively(contest_id: int) -> None:
    """Inside a transaction: wait for the ballots being cast, and hold off new ones, until it ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_NAMESPACE, contest_id])
