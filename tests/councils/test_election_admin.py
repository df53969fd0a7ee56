"""The officers' side of elections in the Wagtail admin: the page, candidates' review, sealing, paper-day links."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from councils import roles
from councils.models import Candidate, ElectionPage
from voting.models import AuditEvent

from ..voting.factories import make_user
from .election_factories import candidate, close_now, make_election, make_town, open_election
from .factories import CouncilFactory

pytestmark = pytest.mark.django_db


def staff(client, role: str):
    user = get_user_model().objects.create_user(username=role.lower().replace(" ", "-"), password="x")
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


def denied(response) -> bool:
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def when(days: float) -> str:
    return timezone.localtime(timezone.now() + timedelta(days=days)).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def town():
    return make_town()


def election_data(town, trustees, councils=None, **fields):
    councils = councils or [(town["centre"], 3), (town["pres"], 2)]
    data = {
        "title": "Élections 2027", "slug": "elections-2027", "applications_close_at": when(5), "opens_at": when(10),
        "closes_at": when(24), "proclaims_at": when(24.1), "roll": str(town["roll"].pk), "threshold": "2",
        "action-publish": "1",
        "council_seats-TOTAL_FORMS": str(len(councils)), "council_seats-INITIAL_FORMS": "0",
        "council_seats-MIN_NUM_FORMS": "1", "council_seats-MAX_NUM_FORMS": "1000",
        "trustees-TOTAL_FORMS": str(len(trustees)), "trustees-INITIAL_FORMS": "0",
        "trustees-MIN_NUM_FORMS": "1", "trustees-MAX_NUM_FORMS": "1000",
    }
    for number, (council, seats) in enumerate(councils):
        data.update({f"council_seats-{number}-council": str(council.pk), f"council_seats-{number}-seats": str(seats),
                     f"council_seats-{number}-ORDER": str(number + 1)})
    for number, user in enumerate(trustees):
        data.update({f"trustees-{number}-name": f"Garant {number}", f"trustees-{number}-user": user.email,
                     f"trustees-{number}-ORDER": str(number + 1)})
    data.update(fields)
    return data


def trustees():
    return [make_user(f"garant{number}", is_staff=True) for number in range(3)]


def test_an_election_officer_creates_an_election_and_its_council_ballots_are_prepared(client, town):
    staff(client, roles.ELECTION_OFFICERS)

    response = client.post(f"/admin/pages/add/councils/electionpage/{town['index'].pk}/", election_data(town, trustees()))

    assert response.status_code == 302
    election = ElectionPage.objects.get(slug="elections-2027")
    assert sorted((b.council.name, b.contest.seats) for b in election.ballot_rows()) == [("Centre", 3), ("Les Prés", 2)]


@pytest.mark.parametrize("case", ["same council twice", "council without polling station", "applications after opening"])
def test_bad_elections_are_refused_and_nothing_is_saved(client, town, case):
    staff(client, roles.ELECTION_OFFICERS)
    nowhere = CouncilFactory(name="Sans bureau")
    overrides = {
        "same council twice": {"councils": [(town["centre"], 3), (town["centre"], 2)]},
        "council without polling station": {"councils": [(nowhere, 3)]},
        "applications after opening": {"applications_close_at": when(11)},
    }[case]
    councils = overrides.pop("councils", None)

    response = client.post(
        f"/admin/pages/add/councils/electionpage/{town['index'].pk}/",
        election_data(town, trustees(), councils=councils, **overrides),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors or any(formset.errors for formset in form.formsets.values() if any(formset.errors))
    assert not ElectionPage.objects.exists()


def test_officers_review_applications_and_the_decision_is_logged(client, town):
    election = make_election(town)
    alice = candidate(election, town["centre"], "Alice", status=Candidate.Status.PENDING, user=make_user("alice"))
    officer = staff(client, roles.ELECTION_OFFICERS)

    listing = client.get("/admin/votes/candidates/")
    assert listing.status_code == 200 and f"/admin/votes/candidates/review/{alice.pk}/" in listing.content.decode()
    assert client.get(f"/admin/votes/candidates/review/{alice.pk}/").status_code == 200
    response = client.post(f"/admin/votes/candidates/review/{alice.pk}/", {"decision": "approve"})

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.status == Candidate.Status.APPROVED and alice.reviewed_by == officer
    contest = election.ballots.get(council=town["centre"]).contest
    assert contest.options.get().reference == str(alice.pk)
    assert AuditEvent.objects.filter(contest=contest, action="candidate_approved", actor=officer).exists()


def test_communications_and_residents_cannot_review_candidates_or_run_elections(client, town):
    election = make_election(town)
    alice = candidate(election, town["centre"], "Alice", status=Candidate.Status.PENDING)

    staff(client, roles.COMMUNICATIONS)
    assert denied(client.get("/admin/votes/candidates/"))
    assert denied(client.post(f"/admin/votes/candidates/review/{alice.pk}/", {"decision": "approve"}))
    assert denied(client.get(f"/admin/votes/elections/election/{election.pk}/"))
    assert denied(client.post(f"/admin/votes/elections/election/{election.pk}/seal/"))
    client.force_login(make_user("habitant"))
    assert client.get("/admin/votes/candidates/").status_code == 302
    alice.refresh_from_db()
    assert alice.status == Candidate.Status.PENDING


def test_the_manage_page_seals_every_ballot_once_applications_are_reviewed(client, town):
    election = make_election(town)
    candidate(election, town["centre"], "Alice")
    denis = candidate(election, town["pres"], "Denis", status=Candidate.Status.PENDING)
    officer = staff(client, roles.ELECTION_OFFICERS)
    manage = f"/admin/votes/elections/election/{election.pk}/"

    page = client.get(manage)
    assert page.status_code == 200 and "/seal/" in page.content.decode()
    client.post(f"{manage}seal/")
    assert not any(contest.is_frozen for contest in election.contests())  # Denis still waits: refused

    client.post(f"/admin/votes/candidates/review/{denis.pk}/", {"decision": "approve"})
    response = client.post(f"{manage}seal/", follow=True)

    # Sealing starts each ballot's key ceremony: frozen now, sealed once the trustees are done.
    assert all(contest.is_frozen for contest in election.contests())
    assert AuditEvent.objects.filter(action="ceremony_started", actor=officer).count() == 2
    assert "/seal/" not in response.content.decode()


def test_the_manage_page_links_each_council_to_its_ballot_and_its_paper_day(client, town):
    election, _shares = open_election(town)
    staff(client, roles.ELECTION_OFFICERS)
    close_now(election.contests())

    html = client.get(f"/admin/votes/elections/election/{election.pk}/").content.decode()

    for contest in election.contests():
        assert f"/admin/votes/contests/paper/{contest.pk}/" in html
        assert f"/admin/votes/contests/manage/{contest.pk}/" in html
    assert client.get(f"/admin/votes/contests/paper/{election.contests()[0].pk}/").status_code == 200


def test_a_candidate_of_a_sealed_ballot_cannot_be_edited(client, town):
    election, _shares = open_election(town)
    staff(client, roles.ELECTION_OFFICERS)
    alice = Candidate.objects.get(name="Alice Morel")

    response = client.post(f"/admin/votes/candidates/edit/{alice.pk}/", {"name": "Alice M."})

    assert response.status_code == 302
    assert Candidate.objects.get(pk=alice.pk).name == "Alice Morel"


def test_the_overview_and_the_page_editor_lead_to_the_manage_page(client, town):
    election = make_election(town)
    staff(client, roles.ELECTION_OFFICERS)

    overview = client.get("/admin/votes/elections/").content.decode()
    editor = client.get(f"/admin/pages/{election.pk}/edit/").content.decode()

    manage = f"/admin/votes/elections/election/{election.pk}/"
    assert manage in overview and manage in editor
