"""Council elections on the ballot engine: applications, ballots per council, sealing, the voter's own ballot."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.conf import settings
from django.utils import timezone, translation

from councils.models import Candidate, ElectionBallot
from councils.votes import elections
from voting.exceptions import ContestFrozen, NotEligible, NotReady, RollMatchFailed, VoteNotOpen, VotingError
from voting.models import AuditEvent, Contest, Option, Voter
from voting.phases import Phase, contest_phase
from voting.services.roll import prove_roll_membership

from ..home.utils import make_image
from ..voting.factories import make_user, vote
from .factories import CouncilFactory
from .election_factories import candidate, make_election, make_town, open_election, play_ceremonies

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return make_town()


def png():
    image = make_image()
    image.file.open()
    return SimpleUploadedFile("portrait.png", image.file.read(), content_type="image/png")


def test_publishing_an_election_prepares_one_plurality_contest_per_council_on_its_polling_stations(town):
    election = make_election(town, seats=(3, 2))

    ballots = {ballot.council: ballot.contest for ballot in election.ballot_rows()}
    centre, pres = ballots[town["centre"]], ballots[town["pres"]]
    assert centre.rule == pres.rule == Contest.Rule.PLURALITY
    assert (centre.seats, pres.seats) == (3, 2)
    assert centre.eligibility == Contest.Eligibility.ROLL and centre.roll == town["roll"]
    # Stations as the roll spells them ("001"), never empty (that would open the whole roll).
    assert centre.polling_stations == ["001", "002"] and pres.polling_stations == ["003"]
    assert centre.trustees.count() == 3 and centre.threshold == 2
    assert not centre.is_frozen  # its key ceremony starts only when the officers seal the ballots
    assert AuditEvent.objects.filter(contest=centre, action="election_ballot_created").exists()


def test_a_resident_applies_once_for_one_council_with_a_photo(town):
    election = make_election(town)
    resident = make_user("alice")

    applied = elections.apply(
        election=election, user=resident, council=town["centre"], name=" Alice Morel ",
        statement="Des bancs partout.", photo=png(), video_url="https://youtu.be/dQw4w9WgXcQ",
    )

    assert applied.status == Candidate.Status.PENDING and applied.name == "Alice Morel"
    assert applied.photo.title == "Alice Morel" and applied.embed_url.startswith("https://www.youtube-nocookie.com/")
    assert not Option.objects.filter(contest__in=election.contests()).exists()  # not on a ballot before approval


@pytest.mark.parametrize("second_council", ["centre", "pres"])
def test_applying_twice_or_for_a_second_council_is_refused_and_nothing_is_saved(town, second_council):
    election = make_election(town)
    resident = make_user("alice")
    elections.apply(election=election, user=resident, council=town["centre"], name="Alice", statement="Un.")

    with pytest.raises(elections.AlreadyApplied) as refused:
        elections.apply(election=election, user=resident, council=town[second_council], name="Alice", statement="Deux.")

    assert refused.value.message == elections.AlreadyApplied.default_message
    assert Candidate.objects.count() == 1


def test_applications_close_at_their_deadline_and_for_councils_not_elected(town):
    election = make_election(town)
    other = CouncilFactory(name="Ailleurs", stations=["9"])

    with pytest.raises(elections.ApplicationsClosed):
        elections.apply(election=election, user=make_user("late"), council=town["centre"], name="Late",
                        statement="Trop tard.", now=election.applications_close_at + timedelta(seconds=1))
    with pytest.raises(VotingError):
        elections.apply(election=election, user=make_user("lost"), council=other, name="Lost", statement="Ailleurs.")
    assert not Candidate.objects.exists()


def test_approving_puts_the_candidate_on_their_council_ballot_and_logs_who_did_it(town):
    election = make_election(town)
    officer = make_user("greffe")
    alice = candidate(election, town["centre"], "Alice", status=Candidate.Status.PENDING)
    bruno = candidate(election, town["centre"], "Bruno", status=Candidate.Status.PENDING)

    elections.review(candidate=alice, actor=officer, approve=True)
    elections.review(candidate=bruno, actor=officer, approve=False, note="Pas inscrit sur la liste.")

    centre = ElectionBallot.objects.get(election=election, council=town["centre"]).contest
    assert list(centre.options.values_list("label", "reference")) == [("Alice", str(alice.pk))]
    assert not ElectionBallot.objects.get(election=election, council=town["pres"]).contest.options.exists()
    events = AuditEvent.objects.filter(contest=centre, actor=officer).values_list("action", flat=True)
    assert set(events) == {"candidate_approved", "candidate_rejected"}
    bruno.refresh_from_db()
    assert bruno.status == Candidate.Status.REJECTED and bruno.review_note == "Pas inscrit sur la liste."


def test_sealing_waits_for_every_application_to_be_reviewed(town):
    election = make_election(town)
    candidate(election, town["centre"], "Alice")
    candidate(election, town["pres"], "Denis", status=Candidate.Status.PENDING)

    with pytest.raises(NotReady, match="1"):
        elections.seal_ballots(election=election, actor=make_user("greffe"))
    assert not any(contest.is_frozen for contest in election.contests())


def test_sealing_is_all_or_nothing_and_names_the_council_without_candidate(town):
    election = make_election(town)
    candidate(election, town["centre"], "Alice")

    with pytest.raises(NotReady) as refused:
        elections.seal_ballots(election=election, actor=make_user("greffe"))

    assert "Les Prés" in str(refused.value.message) and "Centre" not in str(refused.value.message)
    assert not any(contest.is_frozen for contest in election.contests())


def test_sealed_ballots_freeze_the_candidates(town):
    election, _secrets = open_election(town)
    late = candidate(election, town["pres"], "Tardif", status=Candidate.Status.PENDING)

    with pytest.raises(ContestFrozen):
        elections.review(candidate=late, actor=make_user("greffe"), approve=True)
    assert [o.label for o in election.ballots.get(council=town["pres"]).contest.options.all()] == [
        "Denis Blanc", "Emma Noël",
    ]
    assert {contest_phase(contest) for contest in election.contests()} == {Phase.OPEN}


def test_a_voter_gets_only_their_own_councils_ballot(town):
    election, _secrets = open_election(town)
    marie, paul = make_user("marie"), make_user("paul")

    assert elections.ballot_of(election=election, user=marie) is None
    ballot = elections.find_my_ballot(
        election=election, user=marie, family_name="DUPONT", birth_date=date(1980, 7, 14), place="1"
    )
    assert ballot.council == town["centre"]
    # Found from a postcode too, and tried against the council of that postcode first.
    assert elections.find_my_ballot(
        election=election, user=paul, family_name="martin", birth_date=date(2001, 5, 1), place="49100"
    ).council == town["pres"]
    assert elections.ballot_of(election=election, user=marie).council == town["centre"]
    assert Voter.objects.filter(user=marie).count() == 1


def test_a_resident_cannot_vote_in_another_councils_ballot(town):
    election, _secrets = open_election(town)
    paul = make_user("paul")
    elections.find_my_ballot(election=election, user=paul, family_name="Martin", birth_date=date(2001, 5, 1), place="003")
    centre = election.ballots.get(council=town["centre"]).contest
    alice = centre.options.get(label="Alice Morel")

    with pytest.raises(NotEligible):
        vote(centre, paul, [alice.pk])
    with pytest.raises(RollMatchFailed):  # proving against the other council's ballot finds no such voter there
        prove_roll_membership(contest=centre, user=paul, family_name="Martin", birth_date=date(2001, 5, 1), place="003")
    centre.refresh_from_db()
    assert centre.ballot_count == 0


def test_someone_not_on_the_roll_gets_a_clear_refusal(town):
    election, _secrets = open_election(town)

    with pytest.raises(RollMatchFailed) as refused:
        elections.find_my_ballot(
            election=election, user=make_user("x"), family_name="Inconnu", birth_date=date(1990, 1, 1), place="1"
        )
    assert refused.value.message == RollMatchFailed.default_message


def test_the_roll_cannot_be_checked_before_the_vote_opens(town):
    election = make_election(town)
    candidate(election, town["centre"], "Alice")
    candidate(election, town["pres"], "Denis")
    play_ceremonies(elections.seal_ballots(election=election, actor=make_user("greffe")))

    with pytest.raises(VoteNotOpen):
        elections.find_my_ballot(
            election=election, user=make_user("marie"), family_name="Dupont", birth_date=date(1980, 7, 14), place="1"
        )


def test_sealing_mails_each_trustee_once_with_the_link_to_their_key_ceremony(
    town, mailoutbox, django_capture_on_commit_callbacks
):
    election = make_election(town)
    candidate(election, town["centre"], "Alice")
    candidate(election, town["pres"], "Denis")

    with django_capture_on_commit_callbacks(execute=True):
        frozen = elections.seal_ballots(election=election, actor=make_user("greffe"))

    assert {contest.is_frozen and not contest.is_sealed for contest in frozen} == {True}
    assert len(mailoutbox) == 3  # three trustees, two ballots each, one message each
    assert all("/vote/garant/" in message.body and len(message.to) == 1 for message in mailoutbox)
    with translation.override(settings.LANGUAGE_CODE):  # sent in the site's language, as the task runs
        subject = translation.gettext("Your part of the key ceremony is waiting for you")
    assert {message.subject for message in mailoutbox} == {subject}
    assert all(contest.title in message.body for contest in frozen for message in mailoutbox)


def test_dates_shown_are_the_contests_once_sealed(town):
    election, _secrets = open_election(town)
    contest = election.contests()[0]
    assert election.schedule()["opens_at"] == contest.opens_at < timezone.now() < election.opens_at
