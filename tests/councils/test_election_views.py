"""The election page as residents use it: candidates, applying, finding one's own ballot, voting, the results."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase

from councils.models import Candidate, ConsultationIndexPage, ConsultationPage, ElectionPage
from voting.models import Ballot, Participation
from voting.voter import encrypt_choice

from ..accounts.factories import make_resident
from ..home.utils import make_image
from .election_factories import close_now, count_and_proclaim, make_election, make_town, open_election

pytestmark = pytest.mark.django_db
ROLL_CARD = {"roll-family_name": "Dupont", "roll-birth_date": "1980-07-14", "roll-place": "001"}


@pytest.fixture
def town():
    return make_town()


class PageTreeTests(WagtailPageTestCase):
    def test_elections_and_consultations_live_in_the_votes_section(self):
        self.assertAllowedParentPageTypes(ElectionPage, {ConsultationIndexPage})
        self.assertAllowedParentPageTypes(ConsultationPage, {ConsultationIndexPage})
        self.assertAllowedSubpageTypes(ConsultationIndexPage, {ElectionPage, ConsultationPage})
        self.assertAllowedSubpageTypes(ElectionPage, set())


def test_the_page_shows_the_approved_candidates_of_each_council(client, town):
    election, _secrets = open_election(town)
    Candidate.objects.create(election=election, council=town["pres"], name="Refusé", statement="-",
                             status=Candidate.Status.REJECTED)

    html = client.get(election.url).content.decode()

    for name in ["Alice Morel", "Bruno Roy", "Chloé Faure", "Denis Blanc", "Emma Noël"]:
        assert name in html
    assert "Refusé" not in html
    assert 'href="/compte/login/?next=' in html  # voting needs an account


def test_a_resident_applies_with_a_photo_and_cannot_apply_twice(client, town):
    election = make_election(town)
    resident = make_resident("alice@example.org")
    client.force_login(resident)
    image = make_image()
    image.file.open()
    photo = SimpleUploadedFile("alice.png", image.file.read(), content_type="image/png")
    data = {"council": town["centre"].pk, "name": "Alice Morel", "statement": "Des bancs.", "consent": "on"}

    assert client.get(f"{election.url}candidature/").status_code == 200
    response = client.post(f"{election.url}candidature/", {**data, "photo": photo})
    assert response.status_code == 302 and response["Location"].endswith("#candidature")
    again = client.post(f"{election.url}candidature/", {**data, "council": town["pres"].pk})

    assert again.status_code == 200 and again.context["refusal"]
    candidate = Candidate.objects.get()
    assert (candidate.user, candidate.council, candidate.status) == (resident, town["centre"], "pending")
    assert candidate.photo is not None
    assert "Alice Morel" not in client.get(election.url).content.decode().split('id="candidats"')[1].split(
        'id="candidature"')[0]  # not listed before approval


def test_applying_needs_an_account_consent_and_a_real_video_link(client, town):
    election = make_election(town)
    url = f"{election.url}candidature/"
    assert client.get(url)["Location"].startswith("/compte/login/")

    client.force_login(make_resident("bob@example.org"))
    response = client.post(url, {"council": town["centre"].pk, "name": "Bob", "statement": "Moi.",
                                 "video_url": "https://example.org/film"})

    assert set(response.context["form"].errors) == {"consent", "video_url"}
    assert not Candidate.objects.exists()


def test_a_voter_proves_they_are_on_the_roll_and_sees_only_their_councils_ballot(client, town):
    election, _secrets = open_election(town)
    client.force_login(make_resident("marie@example.org"))
    centre = election.ballots.get(council=town["centre"]).contest
    pres = election.ballots.get(council=town["pres"]).contest

    response = client.post(f"{election.url}inscription/", ROLL_CARD)
    assert response["Location"].endswith("#vote")
    html = client.get(election.url).content.decode()

    assert f'id="vote-{centre.pk}"' in html and f'id="vote-{pres.pk}"' not in html
    assert f'action="{reverse("voting:cast", args=[centre.pk])}"' in html  # the encrypted ballot goes straight to casting


def test_a_wrong_voter_card_is_refused_with_a_message(client, town):
    election, _secrets = open_election(town)
    client.force_login(make_resident("marie@example.org"))

    response = client.post(f"{election.url}inscription/", {**ROLL_CARD, "roll-birth_date": "1981-07-14"}, follow=True)

    assert response.context["messages"] and "find-my-ballot" in response.content.decode()


def test_a_resident_voting_in_another_councils_ballot_is_refused(client, town):
    election, _secrets = open_election(town)
    client.force_login(make_resident("marie@example.org"))
    client.post(f"{election.url}inscription/", ROLL_CARD)
    pres = election.ballots.get(council=town["pres"]).contest
    denis = pres.options.get(label="Denis Blanc")

    ballot = encrypt_choice(pres.manifest, pres.manifest_hash, pres.public_key, [denis.pk])[0]

    response = client.post(reverse("voting:cast", args=[pres.pk]), {"ballot": ballot.to_json(), "next": election.url})

    assert response.status_code == 302 and not Participation.objects.exists() and not Ballot.objects.exists()


def test_the_whole_journey_through_the_engine_ends_with_a_receipt(client, town):
    election, _secrets = open_election(town)
    client.force_login(make_resident("marie@example.org"))
    client.post(f"{election.url}inscription/", ROLL_CARD)
    centre = election.ballots.get(council=town["centre"]).contest
    alice = centre.options.get(label="Alice Morel")

    ballot = encrypt_choice(centre.manifest, centre.manifest_hash, centre.public_key, [alice.pk])[0]

    cast = client.post(reverse("voting:cast", args=[centre.pk]),
                       {"ballot": ballot.to_json(), "tracker": ballot.hash, "next": election.url})

    assert cast.status_code == 302 and reverse("voting:receipt", args=[centre.pk, ballot.hash]) in cast["Location"]
    assert list(Ballot.objects.filter(contest=centre).values_list("tracker", flat=True)) == [ballot.hash]


def test_results_appear_per_council_only_once_proclaimed(client, town):
    election, secrets = open_election(town)
    close_now(election.contests())
    centre, pres = (election.ballots.get(council=town[key]).contest for key in ("centre", "pres"))
    count_and_proclaim(centre, secrets, proclaim=False)

    sealed = client.get(f"{election.url}resultats/").content.decode()
    assert 'id="council-result-' not in sealed and "Centre" in sealed

    count_and_proclaim(pres, secrets)
    from voting.services import counting

    counting.proclaim(contest=centre, actor=None, now=centre.proclaims_at + timedelta(minutes=1))
    html = client.get(f"{election.url}resultats/").content.decode()
    assert f'id="council-result-{town["centre"].pk}"' in html and 'id="turnout"' in html
    assert reverse("voting:record", args=[centre.pk]) in html
    assert f"{election.url}resultats/" in client.get(election.url).content.decode()


def test_candidates_come_a_page_at_a_time_with_every_councils_count(client):
    """135 candidates on one page is too long for a phone: 24 a page, each council's count and first page listed."""
    import re

    town = make_town()
    election = make_election(town)
    Candidate.objects.bulk_create(
        Candidate(election=election, council=town["centre" if number < 20 else "pres"], name=f"Candidat {number:02d}",
                  statement="Je me présente.", status=Candidate.Status.APPROVED)
        for number in range(30)
    )
    Candidate.objects.create(election=election, council=town["pres"], name="Pas encore validé", statement="…")
    first, second = (client.get(election.url + query).content.decode() for query in ("", "?page=2"))
    beyond = client.get(election.url + "?page=9").content.decode()

    def names(html):
        return re.findall(r"Candidat (\d\d)</a>", html)

    assert names(first) == [f"{n:02d}" for n in range(24)]  # the Centre's 20 (its council first), then 4 of Les Prés
    assert names(second) == [f"{n:02d}" for n in range(24, 30)] == names(beyond)
    assert "Pas encore validé" not in first + second
    assert "20 candidats" in first and "10 candidats" in first  # every council's count, on every page
    assert f'href="?page=1#council-{town["centre"].pk}"' in second  # where each council starts
    assert f'href="?page=1#council-{town["pres"].pk}"' in second  # Les Prés starts on page 1 (after the Centre)
    assert 'aria-current="page"><span class="visually-hidden">Page </span>2' in second
