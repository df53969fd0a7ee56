"""Local consultations on the ballot engine: sealed at publication, territory and minimum age, several questions."""

from datetime import date

import pytest
from django.utils import timezone

from councils.votes import consultations, eligibility
from voting.exceptions import InvalidChoice, NotEligible, RollMatchFailed, VoteNotOpen
from voting.models import AuditEvent, Ballot, Contest, Participation
from voting.phases import Phase, contest_phase
from voting.services import counting

from ..accounts.factories import make_resident
from ..voting.factories import make_user
from .election_factories import (
    count_and_proclaim, encrypted, make_consultation, make_town, open_consultation, play_ceremonies,
)

pytestmark = pytest.mark.django_db
TWO_QUESTIONS = (
    ("Faut-il un marché le dimanche ?", "Oui\nNon"),
    ("Quels services ?", "Jeux\nAtelier\nGrainothèque"),
)


@pytest.fixture
def town():
    return make_town()


def resident(email, council=None, birth_year=None):
    return make_resident(email, council=council, birth_year=birth_year)


def options(contest):
    return {option.label: option.pk for option in contest.options.all()}


def encrypt_all(choices: dict) -> dict:
    """What the voter's device sends for each question: its choice (option ids, none for blank), encrypted."""
    return {contest: encrypted(contest, option_ids) for contest, option_ids in choices.items()}


def test_publishing_seals_one_contest_per_question_with_its_answers(town):
    page = make_consultation(town, questions=TWO_QUESTIONS + (("Combien ?", "Un\nDeux\nTrois"),))
    page.questions.filter(question="Combien ?").update(max_choices=2)  # after publication: no effect on the sealed contests

    first, second, third = page.contests()
    assert all(contest.is_frozen and not contest.is_sealed for contest in (first, second, third))
    play_ceremonies((first, second, third))  # sealed once their trustees have made the key
    first, second, third = page.contests()
    assert all(contest.is_sealed for contest in (first, second, third))
    assert (first.question, first.rule, first.allow_blank) == ("Faut-il un marché le dimanche ?", Contest.Rule.SINGLE, True)
    assert [o.label for o in second.options.all()] == ["Jeux", "Atelier", "Grainothèque"]
    assert first.eligibility == Contest.Eligibility.RESIDENTS and first.polling_stations == []
    assert first.title == "Consultation sur le marché (1/3)"
    assert AuditEvent.objects.filter(contest=first, action="seal").exists()
    assert AuditEvent.objects.filter(contest=first, action="consultation_published").exists()


def test_a_question_with_several_answers_to_tick_is_an_approval_vote(town):
    page = make_consultation(town, publish=False)
    page.questions.update(max_choices=2, answers="Un\nDeux\nTrois")
    page.refresh_from_db()
    page.save_revision().publish()

    contest = page.contests()[0]
    assert (contest.rule, contest.max_choices) == (Contest.Rule.APPROVAL, 2)


def test_a_roll_consultation_on_some_councils_is_restricted_to_their_polling_stations(town):
    page = make_consultation(town, eligibility=Contest.Eligibility.ROLL, councils=[town["pres"]])
    contest = page.contests()[0]
    assert contest.roll == town["roll"] and contest.polling_stations == ["003"]


def test_a_whole_town_roll_consultation_opens_the_whole_roll(town):
    contest = make_consultation(town, eligibility=Contest.Eligibility.ROLL).contests()[0]
    assert contest.polling_stations == []


def test_residents_of_the_territory_vote_on_every_question_at_once(town):
    page, _secrets = open_consultation(town, questions=TWO_QUESTIONS, councils=[town["pres"]])
    voter = resident("lea@example.org", council=town["pres"])
    market, services = page.contests()

    trackers, refused = consultations.cast(
        consultation=page, user=voter,
        ballots=encrypt_all({market: [options(market)["Oui"]], services: []}),  # a blank vote on the second
    )

    assert refused == [] and set(trackers) == {market, services}
    assert Ballot.objects.filter(tracker__in=trackers.values()).count() == 2
    status = consultations.voter_status(page, voter)
    assert status["to_answer"] == [] and len(status["answered"]) == 2


def test_a_second_vote_is_refused_per_question_and_the_rest_still_counts(town):
    page, _secrets = open_consultation(town, questions=TWO_QUESTIONS)
    voter = resident("lea@example.org")
    market, services = page.contests()
    consultations.cast(consultation=page, user=voter, ballots=encrypt_all({market: [options(market)["Oui"]]}))

    trackers, refused = consultations.cast(
        consultation=page, user=voter, ballots=encrypt_all({market: [options(market)["Non"]], services: [options(services)["Jeux"]]}),
    )

    assert list(trackers) == [services] and len(refused) == 1
    assert Participation.objects.filter(contest=market).count() == 1


def test_a_resident_of_another_council_cannot_vote_and_nothing_is_cast(town):
    page, _secrets = open_consultation(town, councils=[town["pres"]])
    outsider = resident("omar@example.org", council=town["centre"])
    nowhere = resident("nina@example.org")
    contest = page.contests()[0]

    for person in (outsider, nowhere):
        with pytest.raises(NotEligible):
            consultations.cast(consultation=page, user=person, ballots=encrypt_all({contest: [options(contest)["Oui"]]}))
        assert consultations.voter_status(page, person)["refusal"]
    assert Participation.objects.count() == 0 and Ballot.objects.count() == 0


@pytest.mark.parametrize(("birth_year", "allowed"), [(None, False), ("too young", False), ("just old enough", True)])
def test_the_minimum_age_of_residents_comes_from_their_year_of_birth(town, birth_year, allowed):
    page, _secrets = open_consultation(town, min_age=16)
    closing_year = page.schedule()["closes_at"].year
    year = {None: None, "too young": closing_year - 15, "just old enough": closing_year - 16}[birth_year]
    voter = resident("jeune@example.org", birth_year=year)
    contest = page.contests()[0]

    if allowed:
        consultations.cast(consultation=page, user=voter, ballots=encrypt_all({contest: [options(contest)["Oui"]]}))
        assert Participation.objects.count() == 1
    else:
        with pytest.raises(NotEligible):
            consultations.cast(consultation=page, user=voter, ballots=encrypt_all({contest: [options(contest)["Oui"]]}))
        assert Participation.objects.count() == 0


def test_the_minimum_age_of_roll_voters_comes_from_the_rolls_birth_date(town):
    page, _secrets = open_consultation(town, eligibility=Contest.Eligibility.ROLL, councils=[town["pres"]], min_age=18)
    contest = page.contests()[0]
    lea, paul = make_user("lea"), make_user("paul")  # Léa Petit was born in 2011, Paul Martin in 2001

    with pytest.raises(NotEligible):
        consultations.prove_roll(consultation=page, user=lea, family_name="Petit", birth_date=date(2011, 9, 1), place="3")
    with pytest.raises(NotEligible):
        consultations.cast(consultation=page, user=lea, ballots=encrypt_all({contest: [options(contest)["Oui"]]}))
    consultations.prove_roll(consultation=page, user=paul, family_name="Martin", birth_date=date(2001, 5, 1), place="3")
    consultations.cast(consultation=page, user=paul, ballots=encrypt_all({contest: [options(contest)["Non"]]}))

    assert Participation.objects.filter(contest=contest).count() == 1


def test_a_roll_voter_of_another_council_is_not_found(town):
    page, _secrets = open_consultation(town, eligibility=Contest.Eligibility.ROLL, councils=[town["pres"]])

    with pytest.raises(RollMatchFailed):
        consultations.prove_roll(
            consultation=page, user=make_user("marie"), family_name="Dupont", birth_date=date(1980, 7, 14), place="1"
        )


def test_votes_on_a_foreign_contest_or_outside_the_dates_are_refused(town):
    page, _secrets = open_consultation(town)
    other = make_consultation(town, slug="autre", title="Autre")
    play_ceremonies(other.contests())  # sealed, but not open yet
    voter = resident("lea@example.org")

    with pytest.raises(InvalidChoice):
        consultations.cast(consultation=page, user=voter, ballots=encrypt_all({other.contests()[0]: []}))
    with pytest.raises(VoteNotOpen):
        consultations.cast(consultation=other, user=voter, ballots=encrypt_all({other.contests()[0]: []}))


def test_turnout_per_council_counts_voters_once_whatever_the_questions(town):
    page, secrets = open_consultation(town, questions=TWO_QUESTIONS)
    market, services = page.contests()
    for email, council in [("a@example.org", town["centre"]), ("b@example.org", town["centre"]), ("c@example.org", town["pres"])]:
        consultations.cast(consultation=page, user=resident(email, council=council),
                           ballots=encrypt_all({market: [options(market)["Oui"]], services: []}))

    rows = {row["council"].name: row for row in consultations.council_turnout(page)}

    assert (rows["Centre"]["voters"], rows["Centre"]["population_percent"]) == (2, 0.2)
    assert (rows["Les Prés"]["voters"], rows["Les Prés"]["population_percent"]) == (1, 0.2)


def test_age_on_counts_completed_years():
    assert eligibility.age_on(date(2011, 9, 1), date(2027, 8, 31)) == 15
    assert eligibility.age_on(date(2011, 9, 1), date(2027, 9, 1)) == 16


def test_results_are_proclaimed_per_question_and_the_phase_says_so(town):
    page, secrets = open_consultation(town)
    contest = page.contests()[0]
    consultations.cast(consultation=page, user=resident("a@example.org"), ballots=encrypt_all({contest: [options(contest)["Oui"]]}))
    Contest.objects.filter(pk=contest.pk).update(closes_at=timezone.now())
    count_and_proclaim(contest, secrets, proclaim=False)
    assert page.phase() is Phase.COUNTED

    counting.proclaim(contest=contest, actor=make_user("greffe"))
    assert contest_phase(contest) is Phase.PROCLAIMED and page.phase() is Phase.PROCLAIMED



def test_the_consultation_of_a_sealed_contest_is_looked_up_once(town, django_assert_num_queries):
    from councils.votes.hooks import consultation_rules

    from ..voting.factories import open_contest

    engine_only, _ = open_contest()
    page, _secrets = open_consultation(town, councils=[town["pres"]])
    question = page.contests()[0]
    outsider = resident("omar@example.org", council=town["centre"])
    assert consultation_rules(engine_only, outsider) is None
    assert consultation_rules(question, outsider)

    with django_assert_num_queries(0):  # asked on every vote: no query once known
        assert consultation_rules(engine_only, outsider) is None
    assert consultation_rules(question, outsider)  # still a consultation's: its rules still apply
