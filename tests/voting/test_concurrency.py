"""One vote per voter under concurrent submissions, proven on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from voting.exceptions import AlreadyVoted
from voting.models import Ballot, Participation
from voting.services.casting import cast_vote

from .factories import make_user, open_contest, option_ids

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


def test_concurrent_double_submissions_give_exactly_one_ballot(migrated_data):
    contest, _ = open_contest()
    resident = make_user("impatient")
    ids = option_ids(contest)

    outcomes = run_concurrently(
        lambda i: cast_vote(contest=contest, user=resident, option_ids=[ids["Oui" if i % 2 else "Non"]]), 8
    )

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

    outcomes = run_concurrently(lambda i: cast_vote(contest=contest, user=voters[i], option_ids=[ids["Oui"]]), 12)

    assert all(isinstance(o, str) for o in outcomes), outcomes
    contest.refresh_from_db()
    rows = list(Ballot.objects.filter(contest=contest).order_by("position").values_list("position", "tracker", "entry_hash"))
    assert [r[0] for r in rows] == list(range(1, 13)) and contest.ballot_count == 12
    genesis = crypto.genesis_hash(contest.manifest_hash)
    assert crypto.verify_chain(genesis, [r[1] for r in rows], [r[2] for r in rows], head=contest.head_hash) is None
