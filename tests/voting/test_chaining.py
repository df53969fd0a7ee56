"""The box's chain, appended in batches: order, sums, the close, and what a voter sees meanwhile."""

import pytest
from django.urls import reverse
from django.utils import translation

from voting import crypto
from voting.exceptions import NotReady, VoteNotOpen, VotingError
from voting.models import AuditEvent, Ballot, Contest, Participation, Result
from voting.services import chaining, counting

from .factories import close, decrypt, make_user, open_contest, option_ids, vote

pytestmark = pytest.mark.django_db


def cast_many(contest, choices, prefix="v"):
    ids = option_ids(contest)
    return [
        vote(contest, make_user(f"{prefix}{n}"), [ids[c]] if c else [])
        for n, c in enumerate(choices)
    ]


def chained_rows(contest):
    return list(contest.ballots.order_by("position").values_list("position", "tracker", "entry_hash"))


def test_a_batch_appends_waiting_ballots_in_tracker_order_and_extends_the_sums():
    contest, _ = open_contest()
    trackers = cast_many(contest, ["Oui", "Non", None, "Oui"])
    assert chaining.waiting_ballots(contest) == 4 and contest.ballots.filter(position__isnull=False).count() == 0

    assert chaining.chain_ballots(contest_id=contest.pk) == 4
    assert chaining.chain_ballots(contest_id=contest.pk) == 0  # nothing twice

    contest.refresh_from_db()
    rows = chained_rows(contest)
    assert [r[0] for r in rows] == [1, 2, 3, 4] and contest.ballot_count == 4
    assert [r[1] for r in rows] == sorted(trackers)  # a hash order, not the arrival order
    genesis = crypto.genesis_hash(contest.manifest_hash)
    assert crypto.verify_chain(genesis, [r[1] for r in rows], [r[2] for r in rows], head=contest.head_hash) is None
    stored = [crypto.Ballot.from_json(p) for p in contest.ballots.values_list("payload", flat=True)]
    assert [c.to_dict() for c in crypto.sum_ballots(stored, 3)] == contest.encrypted_sums


def test_large_backlogs_are_appended_in_several_transactions(monkeypatch):
    monkeypatch.setattr(chaining, "BATCH_SIZE", 2)
    contest, _ = open_contest()
    cast_many(contest, ["Oui"] * 5)
    assert chaining.chain_ballots(contest_id=contest.pk) == 5
    contest.refresh_from_db()
    assert [r[0] for r in chained_rows(contest)] == [1, 2, 3, 4, 5] and contest.ballot_count == 5


def test_one_chaining_run_is_queued_however_many_votes_arrive(monkeypatch):
    from voting import tasks

    queued = []
    monkeypatch.setattr(tasks.chain_ballots, "apply_async", lambda args, countdown: queued.append(args[0]))
    contest, _ = open_contest()
    chaining.request_chaining(contest.pk)
    chaining.request_chaining(contest.pk)
    assert queued == [contest.pk]
    chaining.chain_ballots(contest_id=contest.pk)  # the run starts: the next vote queues the next run
    chaining.request_chaining(contest.pk)
    assert queued == [contest.pk, contest.pk]


def test_a_process_asks_the_cache_again_only_when_the_queued_run_may_have_started(monkeypatch):
    from types import SimpleNamespace

    from voting import tasks

    queued, asked = [], []
    monkeypatch.setattr(tasks.chain_ballots, "apply_async", lambda args, countdown: queued.append(args[0]))
    add = chaining.cache.add
    monkeypatch.setattr(chaining.cache, "add", lambda *a, **kw: asked.append(a[0]) or add(*a, **kw))
    clock = SimpleNamespace(now=1_000_000.0)
    monkeypatch.setattr(chaining, "time", SimpleNamespace(time=lambda: clock.now))
    contest, _ = open_contest()

    for _ in range(5):  # a busy vote: five ballots within the run's delay
        chaining.request_chaining(contest.pk)
    assert queued == [contest.pk] and len(asked) == 1

    clock.now += chaining.CHAIN_DELAY - chaining._MARGIN / 2  # the run may start any moment: not counted on
    chaining.request_chaining(contest.pk)
    assert len(asked) == 2 and queued == [contest.pk]  # its marker is still there: no second run


def test_a_run_queued_by_another_process_is_remembered_until_it_starts(monkeypatch):
    import time

    from voting import tasks

    queued, asked = [], []
    monkeypatch.setattr(tasks.chain_ballots, "apply_async", lambda args, countdown: queued.append(args[0]))
    contest, _ = open_contest()
    chaining.cache.set(chaining._queued_key(contest.pk), time.time() + 60.0)  # another web process's run
    get = chaining.cache.get
    monkeypatch.setattr(chaining.cache, "get", lambda *a, **kw: asked.append(a[0]) or get(*a, **kw))
    chaining.request_chaining(contest.pk)
    chaining.request_chaining(contest.pk)
    assert queued == [] and len(asked) == 1


def test_the_beat_sweep_appends_ballots_whose_run_was_lost():
    contest, _ = open_contest()
    other, _ = open_contest(title="Autre")
    cast_many(contest, ["Oui", "Non"])
    cast_many(other, ["Oui"], prefix="w")
    assert chaining.chain_waiting_ballots() == {contest.pk: 2, other.pk: 1}
    assert not Ballot.objects.filter(position__isnull=True).exists()


def test_the_box_closes_only_after_the_vote_and_then_holds_every_ballot():
    contest, _ = open_contest()
    cast_many(contest, ["Oui", "Non", "Oui"])
    with pytest.raises(NotReady):
        chaining.close_box(contest=contest)
    assert Contest.objects.get(pk=contest.pk).box_closed_at is None

    close(contest)
    closed = chaining.close_box(contest=contest)
    assert closed.box_closed_at is not None and closed.ballot_count == 3
    assert chaining.waiting_ballots(contest) == 0
    assert chaining.close_box(contest=contest).box_closed_at == closed.box_closed_at  # idempotent
    assert AuditEvent.objects.filter(contest=contest, action="box_closed").count() == 1


def test_no_ballot_enters_a_closed_box_even_with_a_time_from_before_the_close():
    contest, _ = open_contest()
    ids = option_ids(contest)
    opened_at = contest.opens_at
    close(contest)
    chaining.close_box(contest=contest)
    # A request that started before the close and waited on the lock carries an earlier "now".
    with pytest.raises(VoteNotOpen):
        vote(contest, make_user("late"), [ids["Oui"]], now=opened_at)
    assert Ballot.objects.filter(contest=contest).count() == 0
    assert Participation.objects.filter(contest=contest).count() == 0


def test_the_first_decryption_task_closes_the_box_so_waiting_ballots_are_counted():
    contest, secrets = open_contest()
    cast_many(contest, ["Oui", "Oui", "Non", None])  # no chaining run: all four waiting
    close(contest)
    task = counting.decryption_task(trustee=contest.trustees.get(index=1))
    closed = Contest.objects.get(pk=contest.pk)
    assert closed.box_closed_at is not None and closed.ballot_count == 4 and chaining.waiting_ballots(closed) == 0
    assert task["encrypted_sums"] == closed.encrypted_sums  # the trustee decrypts the final totals
    decrypt(contest, secrets)
    result = counting.count_contest(contest=Contest.objects.get(pk=contest.pk))
    ids = option_ids(contest)
    assert result.online_counts == {str(ids["Oui"]): 2, str(ids["Non"]): 1} and result.online_blank == 1
    assert result.online_ballots == 4


def test_a_box_reopened_behind_the_engines_back_is_not_counted():
    contest, secrets = open_contest()
    cast_many(contest, ["Oui"])
    close(contest)
    decrypt(contest, secrets)
    Contest.objects.filter(pk=contest.pk).update(box_closed_at=None)
    with pytest.raises(VotingError):
        counting.count_contest(contest=Contest.objects.get(pk=contest.pk))
    assert not Result.objects.filter(contest=contest).exists()


def test_a_ballot_waiting_for_the_chain_is_found_by_the_public_check(client):
    contest, _ = open_contest()
    [tracker] = cast_many(contest, ["Oui"])
    url = reverse("voting:check_receipt", args=[contest.pk])
    with translation.override("en"):
        waiting = client.get(url, {"tracker": tracker}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        chaining.chain_ballots(contest_id=contest.pk)
        chained = client.get(url, {"tracker": tracker}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This receipt is in the ballot box." in waiting and "within a minute" in waiting
    assert "This receipt is in the ballot box." in chained and "within a minute" not in chained
