"""Appending cast ballots to the box's hash chain, in batches.

Casting writes the ballot without a place in the chain (``position`` empty)
and returns: the ballot is in the box, and its receipt can be checked, from
that moment. ``chain_ballots`` then appends every waiting ballot in one
transaction — positions, entry hashes, the running encrypted sums and the
new head — under the contest's row lock. One lock per batch instead of one
per vote is what lets votes arrive in parallel (``bench/voting_cast.py``).
Within a batch ballots are ordered by tracker, a hash: the chain's order
then tells even less about who voted when than the arrival order would.

Nothing is decrypted from an incomplete chain: ``close_box`` runs before the
first trustee's partial decryption; it waits for the ballots still being
cast, appends the last ones and closes the box for good.
"""

import json
import logging
import time

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import crypto, groups
from ..exceptions import NotReady
from ..locks import hold_box_exclusively
from ..manifest import ballot_shape
from ..models import Ballot, Contest
from ..phases import Phase, contest_phase
from .audit import log

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
"""Ballots appended per transaction: large enough to make the lock rare, small enough to keep it short."""

CHAIN_DELAY = 1.0
"""Seconds between a ballot's arrival and the chaining run that takes it (and those cast meanwhile)."""

_BOX_FIELDS = ("pk", "manifest", "ballot_count", "head_hash", "encrypted_sums", "group_sums")


def _queued_key(contest_id: int) -> str:
    return f"voting:chain-queued:{contest_id}"


_queued_runs: dict[int, float] = {}
"""This process's memory of queued runs: contest id -> the time (``time.time()``) the run starts at the earliest."""

_MARGIN = 0.1
"""Seconds of a queued run's head start this process does not count on (clocks, the commit's own duration)."""


def request_chaining(contest_id: int) -> None:
    """After a ballot is committed: make sure a chaining run will come, without queueing one per vote.

    A marker in the cache says "a run is queued and has not started" and
    holds the time it will start; the run removes it before reading the
    waiting ballots, so a ballot committed after that read queues the next
    run. Each process remembers that time too: until then, its ballots are
    sure to be read by that run and it does not ask the cache again — a busy
    vote asks it about once a second per process, not once per ballot.
    Should the broker or the cache be down, the ballot is still safely in
    the box: the beat's sweep (``chain_waiting_ballots``) or the close
    appends it.
    """
    from ..tasks import chain_ballots as chain_task  # tasks import the services

    now = time.time()
    if _queued_runs.get(contest_id, 0.0) - now > _MARGIN:
        return
    starts_at = now + CHAIN_DELAY
    if cache.add(_queued_key(contest_id), starts_at, timeout=60):
        # A short wait lets a busy vote's ballots gather into one batch (one lock,
        # one sums update) instead of a run per ballot that would keep a worker spinning.
        _queued_runs[contest_id] = starts_at
        chain_task.apply_async((contest_id,), countdown=CHAIN_DELAY)
    elif isinstance(queued := cache.get(_queued_key(contest_id)), float):
        _queued_runs[contest_id] = queued  # another process's run, not started yet


def chain_ballots(*, contest_id: int) -> int:
    """Append every ballot waiting in this contest's box to its chain; return how many."""
    cache.delete(_queued_key(contest_id))
    _queued_runs.pop(contest_id, None)  # when run in this very process (tasks run eagerly in development)
    appended = 0
    while True:
        with transaction.atomic():
            batch = _append_batch(contest_id)
        appended += batch
        if batch < BATCH_SIZE:
            return appended


def _append_batch(contest_id: int) -> int:
    """Inside a transaction: chain up to BATCH_SIZE waiting ballots (in tracker order)."""
    contest = Contest.objects.select_for_update(no_key=True).only(*_BOX_FIELDS).get(pk=contest_id)
    rows = list(
        Ballot.objects.filter(contest_id=contest_id, position__isnull=True)
        .order_by("tracker")
        .values_list("pk", "tracker", "payload", "group")[:BATCH_SIZE]
    )
    if not rows:
        return 0
    n_slots = ballot_shape(contest.manifest).n_slots
    by_group: dict[str, list[str]] = {}
    for _pk, _tracker, payload, group in rows:
        by_group.setdefault(group, []).append(payload)
    # Each ballot is added once, into its group's sums; the overall sums add the few group sums.
    group_sums = dict(contest.group_sums or {})
    added = None
    for group, payloads in by_group.items():
        batch = crypto.sum_encoded((json.loads(payload)["ciphertexts"] for payload in payloads), n_slots)
        added = batch if added is None else [a + b for a, b in zip(added, batch, strict=True)]
        previous = group_sums.get(group)
        group_total = _add(previous["sums"] if previous else None, batch)
        group_sums[group] = {"ballots": (previous["ballots"] if previous else 0) + len(payloads),
                             "sums": [c.to_dict() for c in group_total]}
    sums = _add(contest.encrypted_sums, added)
    position, head, chained = contest.ballot_count, contest.head_hash, []
    for pk, tracker, _payload, group in rows:
        position += 1
        head = crypto.entry_hash(head, tracker, group)
        chained.append(Ballot(pk=pk, position=position, entry_hash=head))
    _write_chain_entries(chained)
    Contest.objects.filter(pk=contest_id).update(
        ballot_count=position, head_hash=head, encrypted_sums=[c.to_dict() for c in sums],
        group_sums=group_sums,
    )
    return len(rows)


def _add(stored: list[dict] | None, added: list) -> list:
    if not stored:
        return list(added)
    return [crypto.Ciphertext.from_dict(c, allow_identity=True) + new for c, new in zip(stored, added, strict=True)]


def _write_chain_entries(ballots: list[Ballot]) -> None:
    """Save the batch's positions and entry hashes.

    On PostgreSQL in one UPDATE joined to the new values (``bulk_update``'s
    ``CASE`` per row cost more CPU, in the worker and the database, than
    everything else chaining does); elsewhere with ``bulk_update``.
    """
    if connection.vendor != "postgresql":
        Ballot.objects.bulk_update(ballots, ["position", "entry_hash"], batch_size=500)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Ballot._meta.db_table} AS ballot SET position = entry.position, entry_hash = entry.entry_hash "
            "FROM unnest(%s::uuid[], %s::integer[], %s::varchar[]) AS entry (id, position, entry_hash) "
            "WHERE ballot.id = entry.id",
            [[b.pk for b in ballots], [b.position for b in ballots], [b.entry_hash for b in ballots]],
        )


def tally_groups(group_sums: dict | None) -> list[dict]:
    """The groups counted apart (``voting.groups.layout``), each with its encrypted sums."""
    group_sums = group_sums or {}
    merged = []
    for group in groups.layout({name: data["ballots"] for name, data in group_sums.items()}):
        total = None
        for name in group["communes"]:
            part = [crypto.Ciphertext.from_dict(c, allow_identity=True) for c in group_sums[name]["sums"]]
            total = part if total is None else [a + b for a, b in zip(total, part, strict=True)]
        merged.append({**group, "sums": [c.to_dict() for c in total]})
    return merged


def waiting_ballots(contest: Contest) -> int:
    """How many cast ballots are not in the chain yet (seconds' worth while the vote is busy)."""
    return Ballot.objects.filter(contest=contest, position__isnull=True).count()


def chain_waiting_ballots() -> dict[int, int]:
    """Every contest's waiting ballots, appended: the beat's safety net when a chaining run was lost."""
    waiting = Ballot.objects.filter(contest=OuterRef("pk"), position__isnull=True)
    return {
        contest_id: chain_ballots(contest_id=contest_id)
        for contest_id in Contest.objects.filter(Exists(waiting)).values_list("pk", flat=True)
    }


def close_box(*, contest: Contest, now=None) -> Contest:
    """After the close: wait for ballots still being cast, chain the last ones, accept none after.

    Idempotent. Called before the first partial decryption, which must be
    computed on the final sums, and again by the count.
    """
    now = now or timezone.now()
    with transaction.atomic():
        hold_box_exclusively(contest.pk)
        locked = Contest.objects.select_for_update().get(pk=contest.pk)
        if locked.box_closed_at is not None:
            return locked
        if contest_phase(locked, now) is not Phase.CLOSED:
            raise NotReady(_("The ballot box closes only once the vote is over."))
        while _append_batch(locked.pk) == BATCH_SIZE:
            pass
        locked.refresh_from_db(fields=["group_sums"])
        # Which groups are decrypted apart is fixed now, from ballot counts alone, before any decryption.
        Contest.objects.filter(pk=locked.pk).update(box_closed_at=now, tally_groups=tally_groups(locked.group_sums))
        locked.refresh_from_db()
        log(contest=locked, action="box_closed", ballots=locked.ballot_count, head=locked.head_hash)
    return locked
