"""Writing a vote into the box: the participation and the ballot, all or nothing.

Three rules, two implementations, the same tests (``tests/voting``; CI runs
them on PostgreSQL, ``make test`` on SQLite):

- one vote: the voter's participation is inserted — with their
  voter record on a resident's first vote — and its unique constraint (or
  the record's) refuses a second vote, even one submitted at the same
  moment;
- none after the close: the box's lock is taken in shared mode (voters
  never wait for each other, only the close waits for them:
  ``voting.locks``), and the ballot is inserted only if the box is open at
  ``now`` *as read after that lock*, so none slips in once the box is closed;
- no replay: the ballot goes in unchained (``services.chaining`` appends it
  seconds later), under its own unique tracker: a replayed copy is refused;
- no audited ballot: one whose content a voter's device revealed (Benaloh's
  check) is published and never goes in; the same statement checks it, so
  it costs no round trip of its own;
- a resident's confirmed e-mail, when casting leaves it to the box
  (``email_of``): checked by the same statement too.

On PostgreSQL the vote is one round trip: the lock, then one statement
whose data-modifying parts insert the ballot if the box is open and, only
then, the voter and the participation. Outside a transaction PostgreSQL
runs the two as one implicit transaction; the statement after the lock
reads the dates in a snapshot taken once the lock is held. Elsewhere
(SQLite, which writes one transaction at a time) the same steps run one by
one in a transaction. Both go through a plain cursor: building each query
with the ORM cost more CPU than all the database work of a vote
(``bench/voting_cast.py``); values still pass through the models' fields.
"""

import contextlib
import functools
import uuid

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from ..exceptions import AlreadyVoted, AuditedBallotCast, EmailNotConfirmed, InvalidChoice, VoteNotOpen
from ..locks import BOX_OPEN_LOCK_SQL, hold_box_open
from ..models import AuditedBallot, Ballot, Contest, Participation, RollEntry, Voter

_REPLAYED_CONSTRAINT = "voting_ballot_unique_tracker"
"""``Ballot.Meta``'s unique (contest, tracker): the only violation that is not a second vote."""


def record_vote(*, contest_id: int, voter: Voter, payload: str, tracker: str, now, email_of=None,
                group: str = "") -> None:
    """Write ``voter``'s participation and the ballot, or nothing.

    Raises AlreadyVoted (a second vote), VoteNotOpen (the box is not open at
    ``now``, or closed), InvalidChoice (this very ballot is in the box),
    AuditedBallotCast (its content was revealed by an audit) or EmailNotConfirmed
    (``email_of``, a user id, has no confirmed e-mail address).
    ``voter`` is saved here if new (``voter._state.adding``). The ballot's group is its voter's
    commune on the roll, or else ``group`` (a resident's commune, ``voting.groups``).
    """
    write = _write_in_one_round_trip if connection.vendor == "postgresql" else _write_step_by_step
    try:
        dropped = write(contest_id=contest_id, voter=voter, payload=payload, tracker=tracker, now=now,
                        email_of=email_of, group=group)
    except _Replayed:
        # The same request sent twice is a second vote; someone else's ballot copied is a replay.
        if _has_voted(contest_id, voter):
            raise AlreadyVoted() from None
        raise InvalidChoice(_("This ballot is already in the box.")) from None
    except IntegrityError:
        # The voter's record or participation exists, or is being written by the same
        # person's other submission: either way, this one is a second vote.
        raise AlreadyVoted() from None
    if not dropped:
        # Refusals are rare: only now tell "audited" from "closed", with a query of its own.
        if AuditedBallot.objects.filter(contest_id=contest_id, tracker=tracker).exists():
            raise AuditedBallotCast()
        if email_of is not None and not _confirmed_email_model().objects.filter(user_id=email_of, verified=True).exists():
            raise EmailNotConfirmed()
        raise VoteNotOpen()
    voter._state.adding, voter._state.db = False, connection.alias


def _has_voted(contest_id: int, voter: Voter) -> bool:
    person = {"voter__user_id": voter.user_id} if voter.user_id else {"voter__roll_entry_id": voter.roll_entry_id}
    return Participation.objects.filter(contest_id=contest_id, **person).exists()


class _Replayed(Exception):
    """The ballot's tracker is already in the box."""


def _write_in_one_round_trip(*, contest_id, voter, payload, tracker, now, email_of, group) -> bool:
    params = {
        **_ballot_values(contest_id, payload, tracker, now, email_of, voter.roll_entry_id, group),
        "participation_id": uuid.uuid4(), "channel": Participation.Channel.ONLINE,
        "voter_id": voter.pk, "user": voter.user_id, "new_voter": voter._state.adding,
    }
    # In autocommit PostgreSQL runs the statements of one query as one transaction; inside
    # a transaction (a caller's, or a test's), a savepoint keeps a refusal from aborting it.
    block = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    try:
        with block, connection.cursor() as cursor:
            cursor.execute(_one_round_trip_sql(email_of is not None), params)
            cursor.nextset()  # the lock's result, then the statement's
            (participations,) = cursor.fetchone()
    except IntegrityError as error:
        if getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) == _REPLAYED_CONSTRAINT:
            raise _Replayed() from None
        raise
    return participations == 1


@functools.cache
def _one_round_trip_sql(check_email: bool) -> str:
    voter, participation = Voter._meta, Participation._meta
    return f"""{BOX_OPEN_LOCK_SQL};
WITH ballot AS (
    {_ballot_if_open_sql(check_email)}
    RETURNING contest_id
), voter AS (
    INSERT INTO {voter.db_table} (id, contest_id, user_id, roll_entry_id)
    SELECT %(voter_id)s, contest_id, %(user)s, %(roll_entry)s FROM ballot WHERE %(new_voter)s
), participation AS (
    INSERT INTO {participation.db_table} (id, contest_id, voter_id, channel)
    SELECT %(participation_id)s, contest_id, %(voter_id)s, %(channel)s FROM ballot
    RETURNING 1
)
SELECT count(*) FROM participation"""


def _write_step_by_step(*, contest_id, voter, payload, tracker, now, email_of, group) -> bool:
    participation = Participation(contest_id=contest_id, voter=voter, channel=Participation.Channel.ONLINE)
    with transaction.atomic(), connection.cursor() as cursor:
        if voter._state.adding:
            _insert(cursor, voter)
        _insert(cursor, participation)  # IntegrityError: a second vote (the block rolls back)
        hold_box_open(contest_id)
        try:
            cursor.execute(_ballot_if_open_sql(email_of is not None),
                           _ballot_values(contest_id, payload, tracker, now, email_of, voter.roll_entry_id, group))
        except IntegrityError:
            raise _Replayed() from None
        if cursor.rowcount != 1:
            transaction.set_rollback(True)  # not open: the participation goes too
            return False
    return True


@functools.cache
def _insert_sql(model, vendor: str) -> str:
    meta, quote = model._meta, connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    return f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(meta.concrete_fields))})"


def _insert(cursor, instance) -> None:
    """INSERT one new model instance, as ``save(force_insert=True)`` would (no signals)."""
    cursor.execute(
        _insert_sql(type(instance), connection.vendor),
        [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in instance._meta.concrete_fields],
    )


@functools.cache
def _ballot_if_open_sql(check_email: bool) -> str:
    """The ballot's INSERT, which inserts nothing unless the box is open at ``now``, the ballot
    was never audited and, with ``check_email``, the voter's e-mail is confirmed: both writers send it."""
    ballot, contest, audited, entry = Ballot._meta, Contest._meta, AuditedBallot._meta, RollEntry._meta
    # The ballot's group is its voter's commune on the roll (voting.groups), read by the same statement;
    # without a roll, the resident's commune the caller passes.
    group = f"COALESCE((SELECT commune FROM {entry.db_table} WHERE id = %(roll_entry)s), %(group)s)"
    sql = (
        f"INSERT INTO {ballot.db_table} (id, contest_id, payload, tracker, entry_hash, ballot_group) "
        f"SELECT %(ballot_id)s, id, %(payload)s, %(tracker)s, '', {group} FROM {contest.db_table} "
        "WHERE id = %(contest)s AND box_closed_at IS NULL AND opens_at <= %(now)s AND closes_at > %(now)s "
        f"AND NOT EXISTS (SELECT 1 FROM {audited.db_table} WHERE contest_id = %(contest)s AND tracker = %(tracker)s)"
    )
    if check_email:
        email = _confirmed_email_model()._meta
        sql += f" AND EXISTS (SELECT 1 FROM {email.db_table} WHERE user_id = %(email_of)s AND verified)"
    return sql


def _confirmed_email_model():
    # allauth's model, read only when residents confirm e-mails (eligibility.confirms_email).
    from allauth.account.models import EmailAddress

    return EmailAddress


def _ballot_values(contest_id: int, payload: str, tracker: str, now, email_of=None, roll_entry=None,
                   group: str = "") -> dict:
    """Its parameters, in the database's own types (a UUID is text on SQLite, a date-time too)."""
    return {
        "ballot_id": Ballot._meta.pk.get_db_prep_value(uuid.uuid4(), connection),
        "contest": contest_id, "payload": payload, "tracker": tracker, "email_of": email_of, "roll_entry": roll_entry,
        "group": group,
        "now": Contest._meta.get_field("opens_at").get_db_prep_value(now, connection),
    }
