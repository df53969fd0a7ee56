"""One vote per voter under concurrent submissions, proven on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from voting.exceptions import AlreadyVoted
from voting.models import Ballot, Participation

from voting.services.casting import cast_ballot
from voting.voter import encrypt_choice

from .factories import make_user, open_contest, option_ids
from .factories import vote as cast

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"),
]


def run_concurrently(function, count: int):
    """Start ``count`` threads at the same instant; return their results or exceptions."""
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def worker(index):
        try:
            barrier.wait()
            outcomes[index] = function(index)
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def encrypted(contest, option_ids_: list[int]) -> str:
    """A ballot as the voter's device makes it, prepared before the threads start so they race on the database only."""
    return encrypt_choice(contest.manifest, contest.manifest_hash, contest.public_key, option_ids_)[0].to_json()


def run_side_by_side(*functions):
    """Run each function in its own thread, with its own database connection; wait for all."""

    def run(function):
        try:
            function()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(function,)) for function in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


def test_concurrent_double_submissions_give_exactly_one_ballot(migrated_data):
    contest, _ = open_contest()
    resident = make_user("impatient")
    ids = option_ids(contest)

    ballots = [encrypted(contest, [ids["Oui" if i % 2 else "Non"]]) for i in range(8)]
    outcomes = run_concurrently(lambda i: cast_ballot(contest=contest, user=resident, payload=ballots[i]), 8)

    receipts = [o for o in outcomes if isinstance(o, str)]
    assert len(receipts) == 1, outcomes
    assert all(isinstance(o, AlreadyVoted) for o in outcomes if not isinstance(o, str)), outcomes
    assert Ballot.objects.filter(contest=contest).count() == 1
    assert Participation.objects.filter(contest=contest).count() == 1
    contest.refresh_from_db()
    assert contest.ballot_count == 1


def test_concurrent_voters_all_land_in_one_unbroken_chain(migrated_data):
    from voting import crypto

    contest, _ = open_contest()
    ids = option_ids(contest)
    voters = [make_user(f"crowd{n}") for n in range(12)]

    ballots = [encrypted(contest, [ids["Oui"]]) for _ in voters]
    outcomes = run_concurrently(lambda i: cast_ballot(contest=contest, user=voters[i], payload=ballots[i]), 12)

    assert all(isinstance(o, str) for o in outcomes), outcomes
    contest.refresh_from_db()
    rows = list(Ballot.objects.filter(contest=contest).order_by("position").values_list("position", "tracker", "entry_hash"))
    assert [r[0] for r in rows] == list(range(1, 13)) and contest.ballot_count == 12
    genesis = crypto.genesis_hash(contest.manifest_hash)
    assert crypto.verify_chain(genesis, [r[1] for r in rows], [r[2] for r in rows], head=contest.head_hash) is None


def test_votes_and_chaining_runs_interleave_without_losing_or_repeating_a_ballot(migrated_data):
    from voting import crypto
    from voting.services import chaining

    contest, _ = open_contest()
    ids = option_ids(contest)
    voters = [make_user(f"busy{n}") for n in range(16)]
    ballots = [encrypted(contest, [ids["Oui" if i % 3 else "Non"]]) for i in range(16)]
    done = threading.Event()

    def chainer():
        while not done.is_set():
            chaining.chain_ballots(contest_id=contest.pk)
        connections.close_all()

    thread = threading.Thread(target=chainer)
    thread.start()
    try:
        outcomes = run_concurrently(lambda i: cast_ballot(contest=contest, user=voters[i], payload=ballots[i]), 16)
    finally:
        done.set()
        thread.join(timeout=60)
    chaining.chain_ballots(contest_id=contest.pk)

    assert all(isinstance(o, str) for o in outcomes), outcomes
    contest.refresh_from_db()
    rows = list(Ballot.objects.filter(contest=contest).order_by("position").values_list("position", "tracker", "entry_hash", "payload"))
    assert [r[0] for r in rows] == list(range(1, 17)) and contest.ballot_count == 16
    assert sorted(r[1] for r in rows) == sorted(outcomes)
    genesis = crypto.genesis_hash(contest.manifest_hash)
    assert crypto.verify_chain(genesis, [r[1] for r in rows], [r[2] for r in rows], head=contest.head_hash) is None
    resum = crypto.sum_ballots([crypto.Ballot.from_json(r[3]) for r in rows], 3)
    assert [c.to_dict() for c in resum] == contest.encrypted_sums


def test_the_close_waits_for_a_vote_in_flight_and_refuses_the_next(migrated_data):
    import time
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from voting.exceptions import VoteNotOpen
    from voting.models import Contest
    from voting.services import chaining

    contest, _ = open_contest()
    ids = option_ids(contest)
    closes_at = timezone.now() + timedelta(seconds=1)
    Contest.objects.filter(pk=contest.pk).update(closes_at=closes_at)
    contest.refresh_from_db()
    in_flight = threading.Event()
    early, late = make_user("justintime"), make_user("toolate")
    outcomes = {}

    def vote():
        with transaction.atomic():  # the vote is written, its transaction not yet committed
            outcomes["early"] = cast(contest, early, [ids["Oui"]])
            in_flight.set()
            time.sleep(max(0.0, (closes_at - timezone.now()).total_seconds()) + 0.5)  # still inside at the close

    def close_the_box():
        in_flight.wait(10)
        while timezone.now() < closes_at:
            time.sleep(0.05)
        outcomes["closed"] = chaining.close_box(contest=contest)

    run_side_by_side(vote, close_the_box)

    assert isinstance(outcomes["early"], str)  # cast before the close: the close waited for it
    assert outcomes["closed"].ballot_count == 1
    assert Ballot.objects.get(contest=contest).tracker == outcomes["early"]
    with pytest.raises(VoteNotOpen):
        cast(contest, late, [ids["Non"]], now=contest.opens_at + timedelta(seconds=1))
    assert Ballot.objects.filter(contest=contest).count() == Participation.objects.filter(contest=contest).count() == 1


def test_a_vote_that_waited_for_the_close_reads_the_box_closed(migrated_data):
    """The vote's lock and its reading of the box are two statements: the reading sees what the close committed."""
    import time
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from voting.exceptions import VoteNotOpen
    from voting.locks import hold_box_exclusively
    from voting.models import Contest

    contest, _ = open_contest()
    ids = option_ids(contest)
    closing = threading.Event()
    outcomes = {}

    def close_slowly():
        with transaction.atomic():
            hold_box_exclusively(contest.pk)
            Contest.objects.filter(pk=contest.pk).update(box_closed_at=timezone.now())
            closing.set()
            time.sleep(0.5)  # the voter's statement starts, and waits for this lock

    def vote():
        closing.wait(10)
        try:
            outcomes["vote"] = cast(contest, make_user("waiting"), [ids["Oui"]],
                                         now=contest.opens_at + timedelta(seconds=1))
        except VoteNotOpen as error:
            outcomes["vote"] = error

    run_side_by_side(close_slowly, vote)

    assert isinstance(outcomes["vote"], VoteNotOpen)
    assert not Ballot.objects.filter(contest=contest).exists() and not Participation.objects.filter(contest=contest).exists()
