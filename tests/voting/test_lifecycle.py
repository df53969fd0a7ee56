"""Sealing, key shares and phases: frozen rules, a key never whole, phases from dates."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from voting.exceptions import ContestFrozen, NotReady, VotingError
from voting.manifest import manifest_hash
from voting.models import AuditEvent, Contest, TrusteeShare
from voting.phases import Phase, contest_phase
from voting.services import setup

from .factories import make_contest, make_ready_roll, make_user, sealed

pytestmark = pytest.mark.django_db


def test_sealing_refuses_an_incomplete_contest_with_every_reason():
    contest = make_contest(options=(), trustees=0, roll=None)
    Contest.objects.filter(pk=contest.pk).update(eligibility=Contest.Eligibility.ROLL)
    contest.refresh_from_db()
    with translation.override("en"), pytest.raises(NotReady) as error:
        setup.seal_contest(contest=contest)
    message = str(error.value)
    assert "options" in message and "trustees" in message and "roll" in message
    assert not Contest.objects.get(pk=contest.pk).is_sealed


def test_sealing_freezes_a_manifest_whose_hash_is_published():
    contest = make_contest(roll=make_ready_roll(), rule=Contest.Rule.APPROVAL, max_choices=2, options=("A", "B", "C"))
    contest = setup.seal_contest(contest=contest)

    assert contest.is_sealed and contest.manifest_hash == manifest_hash(contest.manifest)
    assert [o["label"] for o in contest.manifest["options"]] == ["A", "B", "C"]
    assert contest.manifest["roll_hash"] == contest.roll.roll_hash
    assert contest.manifest["public_key"]["threshold"] == 2
    assert [t.index for t in contest.trustees.order_by("index")] == [1, 2, 3]
    assert AuditEvent.objects.filter(contest=contest, action="seal").exists()
    with pytest.raises(ContestFrozen):
        setup.seal_contest(contest=contest)
    with pytest.raises(ContestFrozen):
        setup.assert_editable(contest)


def test_each_trustee_downloads_their_share_once_then_none_remains():
    contest = setup.seal_contest(contest=make_contest())
    trustees = list(contest.trustees.order_by("index"))
    assert TrusteeShare.objects.filter(trustee__contest=contest).count() == 3

    with pytest.raises(VotingError):
        setup.download_share(trustee=trustees[0], user=trustees[1].user)  # someone else's share
    document = setup.download_share(trustee=trustees[0], user=trustees[0].user)
    assert document["trustee"] == 1 and document["manifest_hash"] == contest.manifest_hash
    with pytest.raises(VotingError):
        setup.download_share(trustee=trustees[0], user=trustees[0].user)  # only once

    for trustee in trustees[1:]:
        setup.download_share(trustee=trustee, user=trustee.user)
    assert not TrusteeShare.objects.exists()  # no share anywhere on the server
    # Nor the secret key: the contest holds only the public part.
    assert set(contest.public_key) == {"commitments", "trustees", "threshold"}


def test_phases_follow_dates_and_wait_for_every_share():
    now = timezone.now()
    contest = make_contest(opens_in=timedelta(hours=1), duration=timedelta(days=1))
    assert contest_phase(contest, now) is Phase.DRAFT
    contest = setup.seal_contest(contest=contest)
    later = contest.opens_at + timedelta(minutes=1)
    assert contest_phase(contest, later) is Phase.SCHEDULED  # shares still waiting on the server
    for trustee in contest.trustees.all():
        setup.download_share(trustee=trustee, user=trustee.user)
        contest.refresh_from_db()
        assert (contest.keys_delivered_at is None) == contest.trustees.filter(share_downloaded_at=None).exists()
    assert contest_phase(contest, now) is Phase.SCHEDULED
    assert contest_phase(contest, later) is Phase.OPEN
    assert contest_phase(contest, contest.closes_at) is Phase.CLOSED


def test_officer_opens_and_closes_by_hand_with_an_audit_trail():
    contest, _shares = sealed(make_contest(opens_in=timedelta(days=2)))
    officer = make_user("officer")
    setup.set_dates_by_hand(contest=contest, actor=officer, open_now=True)
    assert contest_phase(contest) is Phase.OPEN
    setup.set_dates_by_hand(contest=contest, actor=officer, close_now=True)
    assert contest_phase(contest) is Phase.CLOSED
    with pytest.raises(NotReady):
        setup.set_dates_by_hand(contest=contest, actor=officer, close_now=True)
    actions = list(AuditEvent.objects.filter(contest=contest).values_list("action", "actor__username"))
    assert ("open_by_hand", "officer") in actions and ("close_by_hand", "officer") in actions
