"""The consultation page as residents use it: every question in one ballot encrypted on the device, receipts,
refusals explained, results shown only once proclaimed."""

import json
from datetime import date

import pytest
from django.urls import reverse

from voting.models import Ballot, Contest, Participation
from voting.services import counting
from voting.voter import encrypt_choice

from ..accounts.factories import make_resident
from ..voting.factories import make_user
from .election_factories import close_now, count_and_proclaim, make_town, open_consultation

pytestmark = pytest.mark.django_db
QUESTIONS = (("Un marché le dimanche ?", "Oui\nNon"), ("Quels services ?", "Jeux\nAtelier\nGrainothèque"))


@pytest.fixture
def town():
    return make_town()


def answers(page, **labels) -> dict:
    """POST data as the page's device sends it: per question number, an answer label (or "blank") or a list
    of labels, each question's ballot encrypted with its tracker; never a choice in clear."""
    ballots, trackers = {}, {}
    for number, contest in enumerate(page.contests(), start=1):
        chosen = labels.get(f"q{number}", "blank")
        chosen = [] if chosen == "blank" else [chosen] if isinstance(chosen, str) else chosen
        ids = [contest.options.get(label=label).pk for label in chosen]
        ballot, _choices, _nonces = encrypt_choice(contest.manifest, contest.manifest_hash, contest.public_key, ids)
        ballots[str(contest.pk)], trackers[str(contest.pk)] = ballot.to_json(), ballot.hash
    return {"ballots": json.dumps(ballots), "trackers": json.dumps(trackers)}


def test_a_resident_answers_every_question_and_gets_a_receipt_per_question(client, town):
    page, _secrets = open_consultation(town, questions=QUESTIONS)
    client.force_login(make_resident("lea@example.org"))
    html = client.get(page.url).content.decode()
    assert 'id="consultation-ballot"' in html and html.count("data-ballot-question") == 2
    data = answers(page, q1="Oui", q2=["Jeux"])

    cast = client.post(f"{page.url}voter/", data)
    receipts = client.get(cast["Location"])

    assert cast.status_code == 302 and cast["Location"].startswith(f"{page.url}recus/?r=")
    html = receipts.content.decode()
    assert sorted(Ballot.objects.values_list("tracker", flat=True)) == sorted(json.loads(data["trackers"]).values())
    for ballot in Ballot.objects.all():
        assert ballot.tracker in html
    assert 'id="consultation-ballot"' not in client.get(page.url).content.decode()


def test_answers_in_clear_are_never_read_and_nothing_is_recorded(client, town):
    page, _secrets = open_consultation(town)
    client.force_login(make_resident("lea@example.org"))
    contest = page.contests()[0]
    clear = {f"q{contest.pk}-choice": str(contest.options.get(label="Oui").pk)}

    cast = client.post(f"{page.url}voter/", clear, follow=True)
    old_confirmation = client.post(f"{page.url}confirmer/", clear)  # the confirmation step is gone

    assert not Ballot.objects.exists() and not Participation.objects.exists()
    assert "JavaScript" in cast.content.decode() and old_confirmation.status_code == 404


def test_a_ballot_unlike_the_one_the_device_showed_or_for_another_vote_is_refused(client, town):
    page, _secrets = open_consultation(town)
    other, _other_secrets = open_consultation(town, slug="autre", title="Une autre consultation")
    client.force_login(make_resident("lea@example.org"))
    data = answers(page, q1="Oui")
    wrong_tracker = {**data, "trackers": json.dumps({k: "a" * 64 for k in json.loads(data["trackers"])})}

    for posted in (wrong_tracker, answers(other, q1="Non"), {"ballots": "not json"}):
        response = client.post(f"{page.url}voter/", posted, follow=True)
        assert list(response.context["messages"])
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_a_resident_outside_the_territory_sees_why_and_cannot_vote(client, town):
    page, _secrets = open_consultation(town, councils=[town["pres"]])
    client.force_login(make_resident("omar@example.org", council=town["centre"]))

    html = client.get(page.url).content.decode()
    response = client.post(f"{page.url}voter/", answers(page, q1="Oui"))

    assert 'id="vote-refusal"' in html and 'id="consultation-ballot"' not in html
    assert response.status_code == 302 and not Participation.objects.exists()


def test_the_page_posts_its_ballot_to_its_own_routes_which_check_territory_and_age(client, town):
    """Not to the engine's generic cast view, which knows nothing of councils or ages."""
    page, _secrets = open_consultation(town, councils=[town["pres"]])
    html = client.get(page.url).content.decode()
    contest = page.contests()[0]
    assert reverse("voting:cast", args=[contest.pk]) not in html


def test_roll_voters_prove_membership_then_vote(client, town):
    page, _secrets = open_consultation(town, eligibility=Contest.Eligibility.ROLL, councils=[town["pres"]])
    client.force_login(make_user("paul"))

    client.post(f"{page.url}inscription/", {"roll-family_name": "martin", "roll-birth_date": "2001-05-01", "roll-place": "3"})
    client.post(f"{page.url}voter/", answers(page, q1="Non"))

    assert Participation.objects.filter(voter__roll_entry__birth_date=date(2001, 5, 1)).count() == 1


def test_a_forged_ballot_is_refused_with_a_message_and_nothing_cast(client, town):
    page, _secrets = open_consultation(town)
    client.force_login(make_resident("lea@example.org"))
    contest = page.contests()[0]

    ballot = json.loads(json.loads(answers(page, q1="Oui")["ballots"])[str(contest.pk)])
    ballot["sum_proof"][0]["response"] = ballot["sum_proof"][0]["challenge"]  # a proof that no longer holds
    forged = {str(contest.pk): json.dumps(ballot, sort_keys=True, separators=(",", ":"))}

    response = client.post(f"{page.url}voter/", {"ballots": json.dumps(forged)}, follow=True)

    assert list(response.context["messages"]) and not Ballot.objects.exists()


def test_results_appear_only_at_the_proclamation(client, town):
    page, secrets = open_consultation(town)
    client.force_login(make_resident("lea@example.org"))
    client.post(f"{page.url}voter/", answers(page, q1="Oui"))
    contest = page.contests()[0]
    close_now([contest])
    count_and_proclaim(contest, secrets, proclaim=False)

    sealed = client.get(page.url).content.decode()
    assert "results-table" not in sealed and "results-sealed" in sealed

    counting.proclaim(contest=contest, actor=make_user("greffe"))
    html = client.get(page.url).content.decode()
    assert "results-table" in html and 'id="council-turnout"' in html
    assert reverse("voting:record", args=[contest.pk]) in html


def test_the_engines_own_views_apply_the_consultations_territory_too(client, town):
    """Posting straight to /vote/<id>/voter/ must not skip the territory rule."""
    page, _secrets = open_consultation(town, councils=[town["pres"]])
    contest = page.contests()[0]
    client.force_login(make_resident("outsider@example.org", council=town["centre"]))

    payload = json.loads(answers(page, q1="Oui")["ballots"])[str(contest.pk)]

    response = client.post(reverse("voting:cast", args=[contest.pk]), {"ballot": payload}, follow=True)

    assert not Participation.objects.exists() and not Ballot.objects.exists()
    assert town["pres"].name in response.content.decode()
    status_page = client.get(reverse("voting:contest", args=[contest.pk])).content.decode()
    assert "data-ballot-question" not in status_page
