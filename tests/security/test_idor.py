"""One resident's data and actions stay theirs: another resident, or another trustee, gets a refusal
(404 where the row's very existence is private) and nothing changes."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from budget.models import Idea

from ..volunteering.factories import make_association, make_index, make_mission, make_offer, mission_data

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


def test_a_resident_s_data_download_holds_only_their_own_data(town):
    town.idea  # noqa: B018  (the author's idea exists)
    export = as_user(town.other).get("/compte/profil/mes-donnees.json")
    assert export.status_code == 200
    text = json.dumps(export.json(), ensure_ascii=False)
    assert "voisin@example.org" in text
    assert "auteur@example.org" not in text and town.idea.title not in text


def test_deleting_one_s_account_needs_one_s_own_password(town, nothing_changed):
    client = as_user(town.other)
    town.author.set_password("le-mot-de-passe-de-l-autrice")
    town.author.save()
    with nothing_changed():
        response = client.post("/compte/profil/supprimer/", {"password": "le-mot-de-passe-de-l-autrice"})
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()


def test_the_profile_form_changes_only_its_owner(town):
    """Extra fields naming another account are ignored: only the logged-in resident's profile changes."""
    response = as_user(town.other).post("/compte/profil/", {"display_name": "Voisin B", "birth_year": "1980",
                                                          "user": town.author.pk})
    assert response.status_code == 302
    town.author.profile.refresh_from_db()
    town.other.profile.refresh_from_db()
    assert town.author.profile.display_name == "Autrice" and town.other.profile.display_name == "Voisin B"


def test_another_resident_cannot_edit_an_idea(town, nothing_changed):
    client = as_user(town.other)
    url = town.budget.url + f"idees/{town.idea.pk}/modifier/"
    with nothing_changed():
        shown = client.get(url)
        posted = client.post(url, {"title": "Piraté", "description": "x", "category": "other", "cost": "1"})
    assert shown.status_code == posted.status_code == 302
    assert posted["Location"] == town.budget.idea_url(town.idea)
    assert Idea.objects.get(pk=town.idea.pk).title == town.idea.title


def test_a_trustee_cannot_see_fetch_or_answer_another_trustee_s_task(town, nothing_changed):
    from voting.services import ceremony
    from voting.simulation import DEMO_PASSPHRASE
    from voting.trustee import steps

    from ..voting.factories import make_contest

    contest = ceremony.start_key_ceremony(contest=make_contest(title="En cérémonie"))
    mine, theirs = list(contest.trustees.order_by("index"))[:2]
    # Even holding a valid answer made for the other trustee's task, an intruder cannot post it as theirs.
    _sealed_key_file, answer = steps.new_keys(ceremony.ceremony_task(trustee=theirs), DEMO_PASSPHRASE, iterations=1_000)
    for intruder in (mine.user, town.other):
        client = as_user(intruder)
        with nothing_changed():
            page = client.get(reverse("voting:trustee_page", args=[theirs.pk]))
            task = client.get(reverse("voting:trustee_task", args=[theirs.pk]))
            posted = client.post(reverse("voting:trustee_answer", args=[theirs.pk]), json.dumps(answer),
                                 content_type="application/json")
        assert page.status_code == task.status_code == posted.status_code == 404
    listed = as_user(mine.user).get("/vote/garant/").context["trusteeships"]
    assert [trustee.pk for trustee, *_rest in listed] == [mine.pk]


def test_a_receipt_page_names_no_voter(town):
    from voting.voter import encrypt_choice

    client = as_user(town.other)
    contest = town.contest
    ballot = encrypt_choice(contest.manifest, contest.manifest_hash, contest.public_key,
                            [contest.options.order_by("position").first().pk])[0]
    cast = client.post(f"/vote/{contest.pk}/voter/", {"ballot": ballot.to_json(), "tracker": ballot.hash})
    receipt_url = cast["Location"]
    assert ballot.hash in receipt_url
    html = Client().get(receipt_url).content.decode()  # anyone holding the receipt, not logged in
    assert "voisin@example.org" not in html and "Voisin" not in html


# --- Volunteering: associations' workspaces and offers -----------------------------------------------------


@pytest.fixture
def volunteering(town):
    make_index(town.home)
    association = make_association("Entente sportive")
    mission = make_mission(association)
    offer = make_offer(mission, town.author)
    return association, mission, offer


def test_a_resident_cannot_enter_another_association_s_workspace(town, nothing_changed, volunteering):
    association, mission, _offer = volunteering
    client = as_user(town.other)
    data = {key: ("" if value is None else value.strftime("%Y-%m-%dT%H:%M") if hasattr(value, "strftime") else value)
            for key, value in mission_data().items()}
    with nothing_changed():
        answers = [
            client.get(f"/mon-benevolat/associations/{association.pk}/").status_code,
            client.get(f"/mon-benevolat/associations/{association.pk}/modifier/").status_code,
            client.post(f"/mon-benevolat/associations/{association.pk}/modifier/", {"name": "Piratée"}).status_code,
            client.post(f"/mon-benevolat/associations/{association.pk}/missions/nouvelle/", data).status_code,
            client.post(f"/mon-benevolat/associations/{association.pk}/representants/",
                        {"email": "voisin@example.org"}).status_code,
            client.get(f"/mon-benevolat/missions/{mission.pk}/modifier/").status_code,
            client.post(f"/mon-benevolat/missions/{mission.pk}/modifier/", data).status_code,
        ]
    assert answers == [404] * len(answers)


def test_a_resident_cannot_answer_or_withdraw_another_s_offer(town, nothing_changed, volunteering):
    _association, _mission, offer = volunteering
    client = as_user(town.other)
    with nothing_changed():
        answers = [client.post(f"/mon-benevolat/offres/{offer.pk}/{action}/").status_code
                   for action in ("accepter", "refuser", "retirer")]
    assert all(status in (302, 403, 404) for status in answers)


# --- Candidates' campaign kits ------------------------------------------------------------------------------


def test_another_resident_cannot_open_a_candidate_s_kit(town):
    from councils.models import Candidate

    candidate = Candidate.objects.create(election=town.election, council=town.town["centre"], user=town.author,
                                         name="Autrice", statement="Je me présente.", status=Candidate.Status.APPROVED)
    kit = town.election.url + f"candidats/{candidate.pk}/kit/"
    intruder = as_user(town.other)
    assert intruder.get(kit).status_code == 403
    assert intruder.get(kit + "zip/").status_code == 403
    assert intruder.get(kit + "flyer/").status_code == 403
    anonymous = Client().get(kit + "zip/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/compte/login/")
