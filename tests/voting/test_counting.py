"""Counting: k of n trustees, nothing before the close, wrong shares refused, paper merged."""

import json

import pytest

from voting.exceptions import InvalidShare, NotReady, VotingError
from voting.models import Ballot, Contest, Result, Trustee
from voting.phases import Phase, contest_phase
from voting.services import counting, paper
from voting.services.casting import cast_vote
from voting.services.roll import prove_roll_membership

from .factories import close, make_ready_roll, make_user, open_contest, option_ids, share_file

pytestmark = pytest.mark.django_db


def vote(contest, choices):
    ids = option_ids(contest)
    for number, choice in enumerate(choices):
        cast_vote(contest=contest, user=make_user(f"c{contest.pk}v{number}"), option_ids=[ids[c] for c in choice])


def trustees(contest):
    return list(Trustee.objects.filter(contest=contest).order_by("index"))


def test_k_of_n_trustees_count_the_votes_exactly_blank_included():
    contest, shares = open_contest(options=("Oui", "Non"))
    vote(contest, [["Oui"], ["Non"], ["Oui"], [], ["Oui"]])
    close(contest)
    first, _second, third = trustees(contest)

    counting.submit_share(trustee=first, user=first.user, share_document=share_file(shares[0]))
    with pytest.raises(NotReady):  # one share is not enough: no count exists
        counting.count_contest(contest=contest)
    assert not Result.objects.exists()

    counting.submit_share(trustee=third, user=third.user, share_document=share_file(shares[2]))
    result = counting.count_contest(contest=contest)

    ids = option_ids(contest)
    assert result.online_counts == {str(ids["Oui"]): 3, str(ids["Non"]): 1}
    assert result.online_blank == 1 and result.online_ballots == 5
    assert contest_phase(contest) is Phase.COUNTED
    assert sorted(result.decryption["trustees"]) == [1, 3]


def test_no_share_is_accepted_before_the_close():
    contest, shares = open_contest()
    vote(contest, [["Oui"]])
    trustee = trustees(contest)[0]
    with pytest.raises(NotReady):
        counting.submit_share(trustee=trustee, user=trustee.user, share_document=share_file(shares[0]))
    assert Trustee.objects.exclude(partial_decryption=None).count() == 0


@pytest.mark.parametrize("tamper", ["other_trustee", "forged_value", "garbage", "other_contest"])
def test_a_wrong_share_is_refused_without_saying_why(tamper):
    contest, shares = open_contest()
    other, other_shares = open_contest()
    close(contest)
    trustee = trustees(contest)[0]
    document = dict(shares[0])
    if tamper == "other_trustee":
        document = dict(shares[1])
    elif tamper == "forged_value":
        document["share"] = {**document["share"], "value": "%064x" % 12345}
    elif tamper == "other_contest":
        document = dict(other_shares[0])
    payload = b"not json" if tamper == "garbage" else json.dumps(document).encode()
    with pytest.raises(InvalidShare) as error:
        counting.submit_share(trustee=trustee, user=trustee.user, share_document=payload)
    assert "key" not in str(error.value).lower().replace("key share", "")  # the message reveals nothing
    assert Trustee.objects.get(pk=trustee.pk).partial_decryption is None


def test_only_the_trustee_can_bring_their_share():
    contest, shares = open_contest()
    close(contest)
    trustee = trustees(contest)[0]
    with pytest.raises(VotingError):
        counting.submit_share(trustee=trustee, user=make_user("intruder"), share_document=share_file(shares[0]))


def test_a_tampered_box_is_not_counted():
    contest, shares = open_contest()
    vote(contest, [["Oui"], ["Non"]])
    close(contest)
    for trustee, share in zip(trustees(contest)[:2], shares, strict=False):
        counting.submit_share(trustee=trustee, user=trustee.user, share_document=share_file(share))
    Ballot.objects.filter(position=1).update(tracker="f" * 64)
    with pytest.raises(VotingError):
        counting.count_contest(contest=contest)
    assert not Result.objects.exists()


def test_proclamation_waits_for_its_time_unless_an_officer_proclaims():
    contest, shares = open_contest()
    vote(contest, [["Oui"]])
    close(contest)
    for trustee, share in zip(trustees(contest)[:2], shares, strict=False):
        counting.submit_share(trustee=trustee, user=trustee.user, share_document=share_file(share))
    counting.count_contest(contest=contest)
    with pytest.raises(NotReady):
        counting.proclaim(contest=contest)  # the scheduler, too early
    result = counting.proclaim(contest=contest, actor=make_user("officer"))
    assert result.proclaimed_at is not None and contest_phase(contest) is Phase.PROCLAIMED


def test_paper_voters_and_results_merge_with_online_votes():
    roll = make_ready_roll()
    contest, shares = open_contest(roll=roll)
    ids = option_ids(contest)
    from datetime import date

    online = make_user("marie")
    prove_roll_membership(contest=contest, user=online, family_name="Dupont", birth_date=date(1980, 7, 14), place="001")
    cast_vote(contest=contest, user=online, option_ids=[ids["Oui"]])
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

    for trustee, share in zip(trustees(contest)[1:], shares[1:], strict=True):
        counting.submit_share(trustee=trustee, user=trustee.user, share_document=share_file(share))
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

    due, due_shares = open_contest()
    later, later_shares = open_contest()
    for contest, shares in ((due, due_shares), (later, later_shares)):
        vote(contest, [["Oui"]])
        close(contest)
        for trustee, share in zip(trustees(contest)[:2], shares, strict=False):
            counting.submit_share(trustee=trustee, user=trustee.user, share_document=share_file(share))
        counting.count_contest(contest=contest)
    Contest.objects.filter(pk=due.pk).update(proclaims_at=timezone.now() - timedelta(minutes=1))
    Contest.objects.filter(pk=later.pk).update(proclaims_at=timezone.now() + timedelta(hours=1))

    assert proclaim_due_contests() == [due.pk]
    assert contest_phase(Contest.objects.get(pk=due.pk)) is Phase.PROCLAIMED
    assert contest_phase(Contest.objects.get(pk=later.pk)) is Phase.COUNTED


def test_paper_entries_only_between_the_online_close_and_the_proclamation():
    from voting.exceptions import NotReady

    contest, shares = open_contest(roll=make_ready_roll())
    officer = make_user("officer")
    entry = next(paper.station_entries(contest, "001"))
    with pytest.raises(NotReady):  # online vote still open
        paper.record_paper_voter(contest=contest, roll_entry=entry, actor=officer)
    close(contest)
    for trustee, share in zip(trustees(contest)[:2], shares, strict=False):
        counting.submit_share(trustee=trustee, user=trustee.user, share_document=share_file(share))
    counting.count_contest(contest=contest)
    counting.proclaim(contest=contest, actor=officer)
    with pytest.raises(NotReady):  # the proclaimed result cannot change any more
        paper.record_paper_result(contest=contest, station="001", counts={}, blank=1, invalid=0, actor=officer)


def test_shares_brought_with_objects_loaded_before_the_votes_still_count_every_vote():
    contest, shares = open_contest()
    stale_trustees = list(contest.trustees.order_by("index"))  # their .contest predates the votes
    vote(contest, [["Oui"], ["Oui"], ["Non"]])
    close(contest)
    for trustee, share in zip(stale_trustees[:2], shares, strict=False):
        counting.submit_share(trustee=trustee, user=trustee.user, share_document=share_file(share))
    result = counting.count_contest(contest=contest)
    assert sorted(result.online_counts.values()) == [1, 2]
