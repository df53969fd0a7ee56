"""Casting: encrypted ballots verified on arrival, eligibility, one vote, audits, receipts, the chain, the sums."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from voting import crypto
from voting.crypto.group import scalar_to_hex
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext

from voting.exceptions import (
    AlreadyVoted, AuditedBallotCast, EmailNotConfirmed, InvalidBallot, InvalidChoice, NotEligible, VoteNotOpen,
)
from voting.models import AuditedBallot, Ballot, Contest, Participation, Voter
from voting.phases import Phase, contest_phase
from voting.services.casting import (
    audit_ballot, audited_labels, cast_ballot, contest_parameters, find_receipt, sealed_contest,
)
from voting.services.chaining import chain_ballots
from voting.services.eligibility import can_vote
from voting.voter import encrypt_choice

from .factories import close, make_contest, make_user, open_contest, option_ids, sealed, vote

pytestmark = pytest.mark.django_db


def cast_vote(*, contest, user, option_ids):
    """The resident's device encrypts, the server casts (the devices' refusals are ValueError)."""
    return vote(contest, user, option_ids)


def encrypted(contest, labels):
    ids = option_ids(contest)
    return encrypt_choice(contest.manifest, contest.manifest_hash, contest.public_key, [ids[label] for label in labels])


def box_state(contest):
    contest.refresh_from_db()
    return (Ballot.objects.count(), Participation.objects.count(), contest.ballot_count, contest.head_hash)


def test_a_vote_lands_in_the_box_with_a_receipt_and_extends_the_chain(django_capture_on_commit_callbacks):
    contest, _ = open_contest()
    resident = make_user("amina")
    genesis = contest.head_hash

    with django_capture_on_commit_callbacks(execute=False) as queued:
        tracker = cast_vote(contest=contest, user=resident, option_ids=[option_ids(contest)["Oui"]])

    ballot = Ballot.objects.get()
    assert ballot.tracker == tracker and ballot.position is None  # in the box, not yet chained
    assert find_receipt(contest=contest, tracker=tracker) == ballot
    assert len(queued) == 1
    queued[0]()  # after the commit: the chaining run (inline, as Celery runs eagerly here)
    contest.refresh_from_db()
    ballot.refresh_from_db()
    assert ballot.position == 1 and contest.ballot_count == 1
    assert ballot.entry_hash == contest.head_hash == crypto.entry_hash(genesis, tracker)
    assert crypto.Ballot.from_json(ballot.payload).hash == tracker
    assert Participation.objects.get().channel == Participation.Channel.ONLINE
    assert find_receipt(contest=contest, tracker=tracker.upper()) == ballot
    assert find_receipt(contest=contest, tracker="0" * 64) is None
    assert not can_vote(contest=contest, user=resident)


def test_a_second_vote_is_refused_and_changes_nothing():
    contest, _ = open_contest()
    resident = make_user("amina")
    ids = option_ids(contest)
    cast_vote(contest=contest, user=resident, option_ids=[ids["Oui"]])
    before = box_state(contest)
    with pytest.raises(AlreadyVoted):
        cast_vote(contest=contest, user=resident, option_ids=[ids["Non"]])
    assert box_state(contest) == before


def test_a_copy_of_a_ballot_already_in_the_box_is_refused_and_changes_nothing():
    from django.utils.translation import gettext

    from voting.manifest import ballot_shape, choices_vector
    from voting.models import Voter
    from voting.services.casting import append_ballot
    from voting.services.eligibility import voter_for

    contest, _ = open_contest()
    shape = ballot_shape(contest.manifest)
    ballot = crypto.encrypt_ballot(contest_parameters(contest), choices_vector(shape, {0}))
    first, copier = make_user("amina"), make_user("copier")
    append_ballot(contest=contest, voter=voter_for(contest=contest, user=first), ballot=ballot)
    before = box_state(contest)

    with pytest.raises(InvalidChoice) as refusal:
        append_ballot(contest=contest, voter=voter_for(contest=contest, user=copier), ballot=ballot)
    assert refusal.value.message == gettext("This ballot is already in the box.")
    assert box_state(contest) == before and not Voter.objects.filter(user=copier).exists()


def test_no_vote_before_opening_or_after_closing():
    upcoming, _ = sealed(make_contest(opens_in=timedelta(days=1)))
    with pytest.raises(VoteNotOpen):
        cast_vote(contest=upcoming, user=make_user("early"), option_ids=[option_ids(upcoming)["Oui"]])
    contest, _ = open_contest()
    close(contest)
    with pytest.raises(VoteNotOpen):
        cast_vote(contest=contest, user=make_user("late"), option_ids=[option_ids(contest)["Oui"]])
    assert Ballot.objects.count() == 0


def test_a_ballot_whose_proofs_fail_or_made_for_another_contest_is_refused_and_writes_nothing():
    contest, _ = open_contest()
    other, _ = open_contest()
    resident = make_user("amina")
    for_other = encrypted(other, ["Oui"])[0].to_json()
    honest = encrypted(contest, ["Oui"])[0]
    tampered = honest.to_dict()
    tampered["ciphertexts"][0], tampered["ciphertexts"][1] = tampered["ciphertexts"][1], tampered["ciphertexts"][0]
    lying = crypto.Ballot(honest.ciphertexts, honest.choice_proofs[::-1], honest.sum_proof).to_json()
    for payload in (for_other, crypto.Ballot.from_dict(tampered).to_json(), lying, honest.to_json().replace(",", ", "),
                    "{}", "not json", honest.to_json() + " " * 10, "x" * 1_000_000):
        with pytest.raises(InvalidBallot):
            cast_ballot(contest=contest, user=resident, payload=payload)
    with pytest.raises(InvalidBallot):  # the device's tracker must be the server's
        cast_ballot(contest=contest, user=resident, payload=honest.to_json(), tracker="0" * 64)
    assert Ballot.objects.count() == 0 and Participation.objects.count() == 0
    assert cast_ballot(contest=contest, user=resident, payload=honest.to_json(), tracker=honest.hash) == honest.hash


def test_the_device_refuses_foreign_ids_and_broken_rules():
    contest, _ = open_contest()
    other, _ = open_contest(options=("Rouge", "Vert"))
    for forged in ([999_999], [option_ids(other)["Rouge"]], [option_ids(contest)["Oui"], option_ids(contest)["Non"]]):
        with pytest.raises(ValueError):
            cast_vote(contest=contest, user=make_user(f"u{forged[0]}{len(forged)}"), option_ids=forged)
    assert Ballot.objects.count() == 0 and Participation.objects.count() == 0


def test_an_audited_ballot_is_published_and_can_never_be_cast():
    contest, _ = open_contest(options=("Oui", "Non"))
    resident = make_user("amina")
    ballot, choices, nonces = encrypted(contest, ["Non"])
    reveal = [scalar_to_hex(n) for n in nonces]
    with pytest.raises(InvalidBallot):  # a device showing "Non" but having encrypted "Oui" is caught
        audit_ballot(contest=contest, user=resident, payload=ballot.to_json(), choices=[1, 0, 0], nonces=reveal)
    with pytest.raises(InvalidBallot):
        audit_ballot(contest=contest, user=resident, payload=ballot.to_json(), choices=choices, nonces=reveal[::-1])
    assert not AuditedBallot.objects.exists()
    audited = audit_ballot(contest=contest, user=resident, payload=ballot.to_json(), choices=choices, nonces=reveal)
    assert audited.tracker == ballot.hash and audited_labels(contest, audited) == ["Non"]
    assert audit_ballot(contest=contest, user=resident, payload=ballot.to_json(), choices=choices, nonces=reveal) == audited
    with pytest.raises(AuditedBallotCast):  # its content is public: casting it would reveal the vote
        cast_ballot(contest=contest, user=resident, payload=ballot.to_json())
    assert Participation.objects.count() == 0
    cast_ballot(contest=contest, user=resident, payload=encrypted(contest, ["Non"])[0].to_json())  # afresh: fine


def test_only_voters_audit_and_only_a_few_times():
    from voting.services import casting

    contest, _ = open_contest()
    ballot, choices, nonces = encrypted(contest, ["Oui"])
    reveal = [scalar_to_hex(n) for n in nonces]
    with pytest.raises(NotEligible):
        audit_ballot(contest=contest, user=make_user("unconfirmed", verified=False), payload=ballot.to_json(),
                     choices=choices, nonces=reveal)
    resident = make_user("curious")
    for _ in range(casting.MAX_AUDITS):
        ballot, choices, nonces = encrypted(contest, ["Oui"])
        audit_ballot(contest=contest, user=resident, payload=ballot.to_json(), choices=choices,
                     nonces=[scalar_to_hex(n) for n in nonces])
    from voting.exceptions import TooManyAttempts

    with pytest.raises(TooManyAttempts):
        audit_ballot(contest=contest, user=resident, payload=ballot.to_json(), choices=choices,
                     nonces=[scalar_to_hex(n) for n in nonces])
    assert AuditedBallot.objects.count() == casting.MAX_AUDITS


def test_no_audit_outside_the_vote():
    contest, _ = open_contest()
    resident = make_user("amina")
    ballot, choices, nonces = encrypted(contest, ["Oui"])
    close(contest)
    with pytest.raises(VoteNotOpen):
        audit_ballot(contest=contest, user=resident, payload=ballot.to_json(), choices=choices, nonces=[scalar_to_hex(n) for n in nonces])


def test_approval_limit_and_blank_rules():
    contest, _ = open_contest(rule=Contest.Rule.APPROVAL, max_choices=2, options=("A", "B", "C"))
    ids = option_ids(contest)
    with pytest.raises(ValueError):
        cast_vote(contest=contest, user=make_user("greedy"), option_ids=[ids["A"], ids["B"], ids["C"]])
    cast_vote(contest=contest, user=make_user("two"), option_ids=[ids["A"], ids["C"]])
    cast_vote(contest=contest, user=make_user("blank"), option_ids=[])
    no_blank, _ = open_contest(allow_blank=False)
    with pytest.raises(ValueError):
        cast_vote(contest=no_blank, user=make_user("blank2"), option_ids=[])
    # A device that ignores the limit cannot prove its ballot: the server refuses it, nothing written.
    greedy = crypto.encrypt_ballot(replace(contest_parameters(contest), max_choices=3), [1, 1, 1, 0])
    with pytest.raises(InvalidBallot):
        cast_ballot(contest=contest, user=make_user("greedy2"), payload=greedy.to_json())
    assert Participation.objects.filter(contest=contest).count() == 2


def test_knapsack_selection_must_fit_the_envelope_and_each_ballot_proves_it():
    contest, _ = open_contest(
        rule=Contest.Rule.KNAPSACK, envelope=20_000, options=(("Bancs", 8_000), ("Jardin", 12_000), ("Piste", 15_000))
    )
    ids = option_ids(contest)
    with pytest.raises(ValueError, match="27000"):
        cast_vote(contest=contest, user=make_user("big"), option_ids=[ids["Jardin"], ids["Piste"]])
    # A device that skips the check cannot prove the ballot: the server refuses it.
    over = crypto.encrypt_ballot(replace(contest_parameters(contest), envelope=40_000), [0, 1, 1, 0])
    with pytest.raises(InvalidBallot):
        cast_ballot(contest=contest, user=make_user("bigger"), payload=over.to_json())
    cast_vote(contest=contest, user=make_user("fits"), option_ids=[ids["Bancs"], ids["Jardin"]])
    assert Participation.objects.count() == 1


def test_roll_contests_need_the_roll_proof_first():
    from .factories import make_ready_roll

    contest, _ = open_contest(roll=make_ready_roll())
    with pytest.raises(NotEligible):
        cast_vote(contest=contest, user=make_user("stranger"), option_ids=[option_ids(contest)["Oui"]])


def test_running_sums_equal_the_sum_of_the_stored_ballots():
    contest, _ = open_contest(rule=Contest.Rule.APPROVAL, max_choices=2, options=("A", "B", "C"))
    ids = option_ids(contest)
    for number, choice in enumerate([["A"], ["B", "C"], [], ["A", "C"]]):
        cast_vote(contest=contest, user=make_user(f"v{number}"), option_ids=[ids[label] for label in choice])
        if number == 1:
            assert chain_ballots(contest_id=contest.pk) == 2  # two batches: the sums carry over
    assert chain_ballots(contest_id=contest.pk) == 2
    contest.refresh_from_db()
    ballots = [crypto.Ballot.from_json(b.payload) for b in Ballot.objects.order_by("position")]
    sums = crypto.sum_ballots(ballots, 4)
    assert [c.to_dict() for c in sums] == contest.encrypted_sums
    assert timezone.now() < contest.closes_at


def test_resident_votes_need_a_confirmed_email():
    contest, _ = open_contest()
    with pytest.raises(EmailNotConfirmed):
        cast_vote(contest=contest, user=make_user("unconfirmed", verified=False), option_ids=[option_ids(contest)["Oui"]])
    assert Ballot.objects.count() == Participation.objects.count() == Voter.objects.count() == 0


def test_the_confirmed_email_is_checked_by_the_statement_that_writes_the_vote():
    """Casting leaves the e-mail check to the box's statement: an address unconfirmed after the device
    encrypted is still refused, and a vote costs no query of its own for it."""
    contest, _ = open_contest()
    resident = make_user("amina")
    payload = encrypted(contest, ["Oui"])[0].to_json()
    EmailAddress.objects.filter(user=resident).update(verified=False)
    with pytest.raises(EmailNotConfirmed):
        cast_ballot(contest=contest, user=resident, payload=payload)
    assert Ballot.objects.count() == Participation.objects.count() == Voter.objects.count() == 0

    EmailAddress.objects.filter(user=resident).update(verified=True)
    with CaptureQueriesContext(connection) as queries:
        cast_ballot(contest=contest, user=resident, payload=payload)
    assert Ballot.objects.count() == Participation.objects.count() == 1
    email_reads = [q["sql"] for q in queries if "account_emailaddress" in q["sql"]]
    assert len(email_reads) == 1 and "INSERT INTO voting_ballot" in email_reads[0]


def test_a_resident_whose_identity_franceconnect_certified_votes_without_an_email():
    from accounts.identity import store_certified_identity

    contest, _ = open_contest()
    resident = make_user("fc-resident", verified=False)
    payload = encrypted(contest, ["Oui"])[0].to_json()
    with pytest.raises(EmailNotConfirmed):
        cast_ballot(contest=contest, user=resident, payload=payload)
    store_certified_identity(user=resident, provider="FranceConnect", claims={
        "sub": "fc-123", "family_name": "MARTIN", "given_name": "Marie", "birthdate": "1980-05-17"})
    cast_ballot(contest=contest, user=resident, payload=payload)
    assert Ballot.objects.count() == Participation.objects.count() == 1


def test_casting_reads_a_sealed_contest_again_before_saying_it_is_not_open():
    """A process casts into its copy of a sealed contest for a few seconds; dates an officer moves
    still count at once: the box's statement refuses after a close, and a copy saying "not yet
    open" is read again."""
    contest, _ = open_contest()
    Contest.objects.filter(pk=contest.pk).update(opens_at=timezone.now() + timedelta(hours=1))
    assert contest_phase(sealed_contest(contest.pk), timezone.now()) is Phase.SCHEDULED  # the copy
    Contest.objects.filter(pk=contest.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
    copy = sealed_contest(contest.pk)
    assert contest_phase(copy, timezone.now()) is Phase.OPEN
    cast_ballot(contest=copy, user=make_user("amina"), payload=encrypted(contest, ["Oui"])[0].to_json())

    Contest.objects.filter(pk=contest.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert sealed_contest(contest.pk) is copy  # still the copy, which says open
    with pytest.raises(VoteNotOpen):
        cast_ballot(contest=copy, user=make_user("bruno"), payload=encrypted(contest, ["Non"])[0].to_json())
    assert Ballot.objects.count() == Participation.objects.count() == 1

    with pytest.raises(Contest.DoesNotExist):
        sealed_contest(make_contest().pk)  # not sealed: nothing to cast into
