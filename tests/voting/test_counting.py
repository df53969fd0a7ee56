"""Counting: k of n trustees decrypt on their devices, nothing before the close, wrong decryptions refused."""

import json
from copy import deepcopy

import pytest

from voting.crypto.group import GENERATOR
from voting.exceptions import InvalidAnswer, NotReady, VotingError
from voting.models import Ballot, Contest, Result, Trustee
from voting.phases import Phase, contest_phase
from voting.services import counting, paper
from voting.services.roll import prove_roll_membership
from voting.trustee import steps

from .factories import close, decrypt, make_ready_roll, make_user, open_contest, option_ids
from .factories import vote as vote_as

pytestmark = pytest.mark.django_db


def vote(contest, choices):
    ids = option_ids(contest)
    for number, choice in enumerate(choices):
        vote_as(contest, make_user(f"c{contest.pk}v{number}"), [ids[c] for c in choice])


def trustees(contest):
    return list(Trustee.objects.filter(contest=contest).order_by("index"))


def device_answer(contest, secrets, index):
    """What trustee ``index``'s device uploads after the close."""
    trustee = Trustee.objects.get(contest=contest, index=index)
    return trustee, steps.answer(counting.decryption_task(trustee=trustee), secrets[index])


def test_k_of_n_trustees_count_the_votes_exactly_blank_included():
    contest, secrets = open_contest(options=("Oui", "Non"))
    vote(contest, [["Oui"], ["Non"], ["Oui"], [], ["Oui"]])
    close(contest)

    decrypt(contest, secrets, indices=[1])
    with pytest.raises(NotReady):  # one trustee is not enough: no count exists
        counting.count_contest(contest=contest)
    assert not Result.objects.exists()

    decrypt(contest, secrets, indices=[3])
    result = counting.count_contest(contest=contest)

    ids = option_ids(contest)
    assert result.online_counts == {str(ids["Oui"]): 3, str(ids["Non"]): 1}
    assert result.online_blank == 1 and result.online_ballots == 5
    assert contest_phase(contest) is Phase.COUNTED
    assert sorted(result.decryption["trustees"]) == [1, 3]


def test_nothing_is_decrypted_before_the_close():
    contest, secrets = open_contest()
    vote(contest, [["Oui"]])
    trustee = trustees(contest)[0]
    assert counting.decryption_task(trustee=trustee) is None and not counting.decryption_due(trustee)
    close(contest)
    trustee, answer = device_answer(contest, secrets, 1)
    # Reopened (the officer moved the close): a decryption made meanwhile is refused.
    Contest.objects.filter(pk=contest.pk).update(closes_at=contest.closes_at.replace(year=contest.closes_at.year + 1))
    with pytest.raises(NotReady):
        counting.submit_partial_decryption(trustee=trustee, user=trustee.user, answer=answer)
    assert Trustee.objects.exclude(partial_decryption=None).count() == 0


def test_the_decryption_task_closes_the_box_first_so_every_trustee_decrypts_the_final_totals():
    contest, secrets = open_contest()
    vote(contest, [["Oui"], ["Non"]])
    close(contest)
    assert Contest.objects.get(pk=contest.pk).box_closed_at is None
    task = counting.decryption_task(trustee=trustees(contest)[0])
    contest.refresh_from_db()
    assert contest.box_closed_at is not None and contest.ballot_count == 2
    assert task["encrypted_sums"] == contest.encrypted_sums and task["manifest_hash"] == contest.manifest_hash


@pytest.mark.parametrize("tamper", ["other_trustee", "forged_factor", "other_contest", "wrong_step", "garbage"])
def test_a_wrong_decryption_is_refused_and_nothing_is_stored(tamper):
    contest, secrets = open_contest()
    vote(contest, [["Oui"]])
    close(contest)
    trustee, answer = device_answer(contest, secrets, 1)
    if tamper == "other_trustee":  # trustee 2's decryption, uploaded as trustee 1's
        answer = device_answer(contest, secrets, 2)[1]
    elif tamper == "forged_factor":
        answer = deepcopy(answer)
        answer["partial_decryption"]["factors"][0] = GENERATOR.to_hex()
    elif tamper == "other_contest":
        other, other_secrets = open_contest()
        vote(other, [["Non"]])
        close(other)
        answer = device_answer(other, other_secrets, 1)[1]
    elif tamper == "wrong_step":
        answer = dict(answer, step="check")
    elif tamper == "garbage":
        answer = dict(answer, partial_decryption={"trustee": 1, "factors": "x", "proofs": []})
    with pytest.raises(InvalidAnswer):
        counting.submit_partial_decryption(trustee=trustee, user=trustee.user, answer=answer)
    assert Trustee.objects.get(pk=trustee.pk).partial_decryption is None


def test_only_the_trustee_can_decrypt_and_only_once():
    contest, secrets = open_contest()
    close(contest)
    trustee, answer = device_answer(contest, secrets, 1)
    with pytest.raises(VotingError):
        counting.submit_partial_decryption(trustee=trustee, user=make_user("intruder"), answer=answer)
    counting.submit_partial_decryption(trustee=trustee, user=trustee.user, answer=answer)
    with pytest.raises(NotReady):
        counting.submit_partial_decryption(trustee=trustee, user=trustee.user, answer=answer)


def test_a_device_refuses_totals_encrypted_to_another_key():
    contest, secrets = open_contest()
    other, _ = open_contest()
    close(contest)
    task = counting.decryption_task(trustee=trustees(contest)[0])
    task["public_key"] = other.public_key  # a server that would have the trustee decrypt something else
    with pytest.raises(steps.TaskError, match="not encrypted to the key of this ceremony"):
        steps.answer(task, secrets[1])


def test_a_tampered_box_is_not_counted():
    contest, secrets = open_contest()
    vote(contest, [["Oui"], ["Non"]])
    close(contest)
    decrypt(contest, secrets)
    Ballot.objects.filter(position=1).update(tracker="f" * 64)
    with pytest.raises(VotingError):
        counting.count_contest(contest=contest)
    assert not Result.objects.exists()


def test_proclamation_waits_for_its_time_unless_an_officer_proclaims():
    contest, secrets = open_contest()
    vote(contest, [["Oui"]])
    close(contest)
    decrypt(contest, secrets)
    counting.count_contest(contest=contest)
    with pytest.raises(NotReady):
        counting.proclaim(contest=contest)  # the scheduler, too early
    result = counting.proclaim(contest=contest, actor=make_user("officer"))
    assert result.proclaimed_at is not None and contest_phase(contest) is Phase.PROCLAIMED


def test_paper_voters_and_results_merge_with_online_votes():
    roll = make_ready_roll()
    contest, secrets = open_contest(roll=roll)
    ids = option_ids(contest)
    from datetime import date

    online = make_user("marie")
    prove_roll_membership(contest=contest, user=online, family_name="Dupont", birth_date=date(1980, 7, 14), place="001")
    vote_as(contest, online, [ids["Oui"]])
    close(contest)
    officer = make_user("officer")

    marie, jean = (e for e in paper.station_entries(contest, "001"))
    assert (marie.family_name, marie.voted_channel) == ("Dupont", "online")
    from voting.exceptions import AlreadyVoted, InvalidChoice

    with pytest.raises(AlreadyVoted):
        paper.record_paper_voter(contest=contest, roll_entry=marie, actor=officer)
    paper.record_paper_voter(contest=contest, roll_entry=jean, actor=officer)
    with pytest.raises(InvalidChoice):  # station 001 has 2 voters, one voted online
        paper.record_paper_result(contest=contest, station="001", counts={ids["Non"]: 2}, blank=0, invalid=0, actor=officer)
    paper.record_paper_result(contest=contest, station="001", counts={ids["Non"]: 1}, blank=0, invalid=0, actor=officer)

    decrypt(contest, secrets, indices=[2, 3])
    counting.count_contest(contest=contest)
    merged = counting.merged_results(contest)
    assert merged["online"]["counts"] == {str(ids["Oui"]): 1, str(ids["Non"]): 0}
    assert merged["paper"]["counts"] == {str(ids["Oui"]): 0, str(ids["Non"]): 1}
    assert merged["total"]["counts"] == {str(ids["Oui"]): 1, str(ids["Non"]): 1}
    figures = counting.turnout(contest)
    assert figures == {"online": 1, "paper": 1, "total": 2, "electorate": 3, "rate": pytest.approx(2 / 3), "percent": 66.7}
    assert Contest.objects.get(pk=contest.pk).ballot_count == 1


def test_beat_task_proclaims_only_counted_contests_whose_time_has_come():
    from datetime import timedelta

    from django.utils import timezone

    from voting.tasks import proclaim_due_contests

    due, due_secrets = open_contest()
    later, later_secrets = open_contest()
    for contest, secrets in ((due, due_secrets), (later, later_secrets)):
        vote(contest, [["Oui"]])
        close(contest)
        decrypt(contest, secrets)
        counting.count_contest(contest=contest)
    Contest.objects.filter(pk=due.pk).update(proclaims_at=timezone.now() - timedelta(minutes=1))
    Contest.objects.filter(pk=later.pk).update(proclaims_at=timezone.now() + timedelta(hours=1))

    assert proclaim_due_contests() == [due.pk]
    assert contest_phase(Contest.objects.get(pk=due.pk)) is Phase.PROCLAIMED
    assert contest_phase(Contest.objects.get(pk=later.pk)) is Phase.COUNTED


def test_paper_entries_only_between_the_online_close_and_the_proclamation():
    from voting.exceptions import NotReady

    contest, secrets = open_contest(roll=make_ready_roll())
    officer = make_user("officer")
    entry = next(paper.station_entries(contest, "001"))
    with pytest.raises(NotReady):  # online vote still open
        paper.record_paper_voter(contest=contest, roll_entry=entry, actor=officer)
    close(contest)
    decrypt(contest, secrets)
    counting.count_contest(contest=contest)
    counting.proclaim(contest=contest, actor=officer)
    with pytest.raises(NotReady):  # the proclaimed result cannot change any more
        paper.record_paper_result(contest=contest, station="001", counts={}, blank=1, invalid=0, actor=officer)


def test_decryptions_made_with_objects_loaded_before_the_votes_still_count_every_vote():
    contest, secrets = open_contest()
    stale_trustees = list(contest.trustees.select_related("contest").order_by("index"))  # predate the votes
    vote(contest, [["Oui"], ["Oui"], ["Non"]])
    close(contest)
    for trustee in stale_trustees[:2]:
        answer = steps.answer(counting.decryption_task(trustee=trustee), secrets[trustee.index])
        counting.submit_partial_decryption(trustee=trustee, user=trustee.user, answer=json.loads(json.dumps(answer)))
    result = counting.count_contest(contest=contest)
    assert sorted(result.online_counts.values()) == [1, 2]
