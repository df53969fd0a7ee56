"""Casting: one vote per voter, encrypted, chained into the box, with a receipt.

A vote is one short transaction — the participation, then the ballot —
that takes no lock other voters wait for: the unique constraint on
participations is the guard against a second vote, and the box's shared
lock only keeps the close waiting for votes in flight. The ballot is
appended to the hash chain and the running sums in batches
(:mod:`.chaining`). Encryption happens before the transaction.
"""

import functools
import uuid
from collections.abc import Iterable

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import crypto
from ..exceptions import AlreadyVoted, InvalidChoice, NotEligible, VoteNotOpen
from ..locks import hold_box_open
from ..manifest import ballot_shape, choices_vector
from ..models import Ballot, Contest, Participation, Voter
from ..phases import Phase, contest_phase
from .chaining import request_chaining
from .eligibility import voter_for


def contest_parameters(contest: Contest) -> "crypto.ContestParameters":
    """The crypto layer's view of a sealed contest, derived from its manifest."""
    shape = ballot_shape(contest.manifest)
    public = crypto.ThresholdPublicKey.from_dict(contest.public_key)
    return crypto.ContestParameters(
        public_key=public.public_key,
        n_options=shape.n_options,
        min_choices=shape.min_choices,
        max_choices=shape.max_choices,
        blank=shape.blank,
        context=contest.manifest_hash,
    )


def chosen_positions(contest: Contest, option_ids: Iterable[int]) -> set[int]:
    """Check a selection against the frozen manifest; return the chosen positions.

    Refuses forged or foreign option ids, too many choices, a blank vote where
    none is allowed, and (knapsack) a selection costing more than the envelope.
    """
    manifest = contest.manifest
    positions = {option["id"]: index for index, option in enumerate(manifest["options"])}
    selected = set()
    for option_id in option_ids:
        if option_id not in positions:
            raise InvalidChoice(_("One of the choices does not belong to this vote."))
        selected.add(positions[option_id])
    shape = ballot_shape(manifest)
    if not selected and not shape.blank:
        raise InvalidChoice(_("Choose at least one option: blank votes are not allowed in this vote."))
    if len(selected) > shape.max_choices:
        raise InvalidChoice(_("You may choose at most %(count)d options.") % {"count": shape.max_choices})
    if manifest["rule"] == Contest.Rule.KNAPSACK:
        total = sum(manifest["options"][position]["cost"] for position in selected)
        if total > manifest["envelope"]:
            raise InvalidChoice(
                _("These projects cost %(total)s EUR, more than the %(envelope)s EUR envelope.")
                % {"total": total, "envelope": manifest["envelope"]}
            )
    return selected


def cast_vote(*, contest: Contest, user, option_ids: Iterable[int], now=None) -> str:
    """Record ``user``'s vote for these options (none = blank); return the receipt.

    Raises VoteNotOpen, NotEligible, InvalidChoice or AlreadyVoted; in every
    case nothing is written. A second vote is caught by the participation's
    unique constraint in ``append_ballot`` rather than by a query first.
    """
    now = now or timezone.now()
    if contest_phase(contest, now) is not Phase.OPEN:
        raise VoteNotOpen()
    voter = voter_for(contest=contest, user=user)
    positions = chosen_positions(contest, option_ids)
    params = contest_parameters(contest)
    # The web process sees the choice only here, in memory, to encrypt it;
    # it is never stored or logged in clear.
    ballot = crypto.encrypt_ballot(params, choices_vector(ballot_shape(contest.manifest), positions))
    return append_ballot(contest=contest, voter=voter, ballot=ballot, now=now)


def append_ballot(*, contest: Contest, voter: Voter, ballot: "crypto.Ballot", now=None) -> str:
    """Write the participation and the ballot in one transaction; return the tracker.

    The participation is inserted first: a second vote fails on its unique
    constraint (a resident's first vote also inserts their voter record,
    whose own unique constraint catches a second one). The box's lock is
    then taken in shared mode — voters never wait for each other, only the
    close waits for them (``voting.locks``) — and the ballot is inserted
    only if the box is open at ``now`` *as read under that lock*, so no
    ballot can slip in once the box is closed. The ballot joins the hash
    chain and the running sums with the next batch (``services.chaining``),
    seconds later.
    """
    now = now or timezone.now()
    tracker = ballot.hash
    if voter.contest_id != contest.pk:
        raise NotEligible()
    participation = Participation(contest_id=contest.pk, voter=voter, channel=Participation.Channel.ONLINE)
    with transaction.atomic(), connection.cursor() as cursor:
        try:
            if voter._state.adding:  # a resident's first vote in this contest (see eligibility.voter_for)
                _insert(cursor, voter)
            _insert(cursor, participation)
        except IntegrityError:
            # The voter's record or participation exists, or is being written by the same
            # person's other submission: either way, this one is a second vote.
            raise AlreadyVoted() from None  # leaving the block rolls the transaction back
        hold_box_open(contest.pk)
        try:
            dropped = _drop_ballot_if_open(cursor, contest.pk, payload=ballot.to_json(), tracker=tracker, now=now)
        except IntegrityError:
            raise InvalidChoice(_("This ballot is already in the box.")) from None  # a replayed copy
        if not dropped:
            raise VoteNotOpen()
        # A failure to schedule the chaining must not turn a recorded vote into an error page.
        transaction.on_commit(lambda: request_chaining(contest.pk), robust=True)
    return tracker


# The three writes of a vote go through a plain cursor: building each query with the
# ORM cost more CPU than everything else the vote does in the database (bench/voting_cast.py).
# Values still pass through the models' fields, so each backend gets them in its own types.


@functools.cache
def _insert_statement(model, vendor: str) -> str:
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    return f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(meta.concrete_fields))})"


def _insert(cursor, instance) -> None:
    """INSERT one new model instance, as ``save(force_insert=True)`` would (no signals)."""
    fields = instance._meta.concrete_fields
    cursor.execute(
        _insert_statement(type(instance), connection.vendor),
        [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields],
    )
    instance._state.adding, instance._state.db = False, connection.alias


@functools.cache
def _drop_statement(vendor: str) -> str:
    quote = connection.ops.quote_name
    ballot, contest = Ballot._meta, Contest._meta
    columns = ", ".join(quote(ballot.get_field(name).column) for name in ("id", "contest", "payload", "tracker", "entry_hash"))
    return (
        f"INSERT INTO {quote(ballot.db_table)} ({columns}) "
        f"SELECT %s, {quote(contest.pk.column)}, %s, %s, '' FROM {quote(contest.db_table)} "
        f"WHERE {quote(contest.pk.column)} = %s AND {quote(contest.get_field('box_closed_at').column)} IS NULL "
        f"AND {quote(contest.get_field('opens_at').column)} <= %s AND {quote(contest.get_field('closes_at').column)} > %s"
    )


def _drop_ballot_if_open(cursor, contest_id: int, *, payload: str, tracker: str, now) -> bool:
    """Insert the ballot (unchained) if the box is open at ``now``, in one statement; return whether it was."""
    ballot_id = Ballot._meta.pk.get_db_prep_value(uuid.uuid4(), connection)
    moment = Contest._meta.get_field("opens_at").get_db_prep_value(now, connection)
    cursor.execute(_drop_statement(connection.vendor), [ballot_id, payload, tracker, contest_id, moment, moment])
    return cursor.rowcount == 1


def find_receipt(*, contest: Contest, tracker: str) -> Ballot | None:
    """The ballot with this tracker, if it is in the box (public check)."""
    tracker = tracker.strip().lower()
    if len(tracker) != 64:
        return None
    return Ballot.objects.filter(contest=contest, tracker=tracker).first()
