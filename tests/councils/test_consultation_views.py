"""The consultation page as residents use it: every question in one ballot, a confirmation, receipts,
refusals explained, results shown only once proclaimed."""

from datetime import date

import pytest
from django.urls import reverse

from voting.models import Ballot, Contest, Participation
from voting.services import counting

from ..accounts.factories import make_resident
from ..voting.factories import make_user
from .election_factories import close_now, count_and_proclaim, make_town, open_consultation

pytestmark = pytest.mark.django_db
QUESTIONS = (("Un marché le dimanche ?", "Oui\nNon"), ("Quels services ?", "Jeux\nAtelier\nGrainothèque"))


@pytest.fixture
def town():
    return make_town()


def answers(page, **labels) -> dict:
    """POST data choosing, per question number, an answer label (or "blank")."""
    data = {}
    for number, contest in enumerate(page.contests(), start=1):
        label = labels.get(f"q{number}", "blank")
        value = "blank" if label == "blank" else str(contest.options.get(label=label).pk)
        data[f"q{contest.pk}-choice"] = value
    return data


def test_a_resident_answers_every_question_confirms_and_gets_a_receipt_per_question(client, town):
    page, _shares = open_consultation(town, questions=QUESTIONS)
    client.force_login(make_resident("lea@example.org"))
    assert 'id="consultation-ballot"' in client.get(page.url).content.decode()
    second = page.contests()[1]
    data = {**answers(page, q1="Oui"), f"q{second.pk}-choice": [str(second.options.get(label="Jeux").pk)]}

    confirm = client.post(f"{page.url}confirmer/", data)
    cast = client.post(f"{page.url}voter/", data)
    receipts = client.get(cast["Location"])

    assert confirm.status_code == 200 and "Oui" in confirm.content.decode() and "Jeux" in confirm.content.decode()
    assert cast.status_code == 302 and cast["Location"].startswith(f"{page.url}recus/?r=")
    html = receipts.content.decode()
    for ballot in Ballot.objects.all():
        assert ballot.tracker in html
    assert Ballot.objects.count() == 2
    assert 'id="consultation-ballot"' not in client.get(page.url).content.decode()


def test_a_resident_outside_the_territory_sees_why_and_cannot_vote(client, town):
    page, _shares = open_consultation(town, councils=[town["pres"]])
    client.force_login(make_resident("omar@example.org", council=town["centre"]))

    html = client.get(page.url).content.decode()
    response = client.post(f"{page.url}voter/", answers(page, q1="Oui"))

    assert 'id="vote-refusal"' in html and 'id="consultation-ballot"' not in html
    assert response.status_code == 302 and not Participation.objects.exists()


def test_the_page_posts_its_ballot_to_its_own_routes_which_check_territory_and_age(client, town):
    """Not to the engine's generic cast view, which knows nothing of councils or ages."""
    page, _shares = open_consultation(town, councils=[town["pres"]])
    html = client.get(page.url).content.decode()
    contest = page.contests()[0]
    assert reverse("voting:cast", args=[contest.pk]) not in html


def test_roll_voters_prove_membership_then_vote(client, town):
    page, _shares = open_consultation(town, eligibility=Contest.Eligibility.ROLL, councils=[town["pres"]])
    client.force_login(make_user("paul"))

    client.post(f"{page.url}inscription/", {"roll-family_name": "martin", "roll-birth_date": "2001-05-01", "roll-place": "3"})
    client.post(f"{page.url}voter/", answers(page, q1="Non"))

    assert Participation.objects.filter(voter__roll_entry__birth_date=date(2001, 5, 1)).count() == 1


def test_a_bad_choice_is_refused_with_a_message_and_nothing_cast(client, town):
    page, _shares = open_consultation(town)
    client.force_login(make_resident("lea@example.org"))
    contest = page.contests()[0]

    response = client.post(f"{page.url}voter/", {f"q{contest.pk}-choice": "999999"}, follow=True)

    assert list(response.context["messages"]) and not Ballot.objects.exists()


def test_results_appear_only_at_the_proclamation(client, town):
    page, shares = open_consultation(town)
    client.force_login(make_resident("lea@example.org"))
    client.post(f"{page.url}voter/", answers(page, q1="Oui"))
    contest = page.contests()[0]
    close_now([contest])
    count_and_proclaim(contest, shares, proclaim=False)

    sealed = client.get(page.url).content.decode()
    assert "results-table" not in sealed and "results-sealed" in sealed

    counting.proclaim(contest=contest, actor=make_user("greffe"))
    html = client.get(page.url).content.decode()
    assert "results-table" in html and 'id="council-turnout"' in html
    assert reverse("voting:record", args=[contest.pk]) in html


def test_the_engines_own_views_apply_the_consultations_territory_too(client, town):
    """Posting straight to /vote/<id>/voter/ must not skip the territory rule."""
    page, _shares = open_consultation(town, councils=[town["pres"]])
    contest = page.contests()[0]
    client.force_login(make_resident("outsider@example.org", council=town["centre"]))
    oui = str(contest.options.get(label="Oui").pk)

    response = client.post(reverse("voting:cast", args=[contest.pk]), {"choice": oui}, follow=True)

    assert not Participation.objects.exists() and not Ballot.objects.exists()
    assert town["pres"].name in response.content.decode()
    status_page = client.get(reverse("voting:contest", args=[contest.pk])).content.decode()
    assert 'name="choice"' not in status_page
