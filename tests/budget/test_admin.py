"""The steering committee's and moderators' admin: queue, review, rewrite, hide, finalists, statistics; who may do what."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from budget.models import Idea, IdeaRevision
from budget.phases import Phase
from councils import roles
from voting.models import Contest

from ..accounts.factories import make_resident
from ..home.utils import make_home
from ..voting.factories import make_user, sealed
from .factories import make_budget, make_idea, move_to

pytestmark = pytest.mark.django_db


def staff(username: str, role: str):
    user = make_user(username)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def budget():
    return make_budget(make_home(), phase=Phase.REVIEW)


@pytest.fixture
def committee(client):
    member = staff("comite", roles.STEERING_COMMITTEE)
    client.force_login(member)
    return member


def test_the_roles_hold_their_budget_permissions():
    member = staff("comite", roles.STEERING_COMMITTEE)
    moderator = staff("moderatrice", roles.MODERATORS)
    for permission in ("budget.review_idea", "budget.select_finalists", "budget.change_idea", "budget.view_statistics"):
        assert member.has_perm(permission)
    assert moderator.has_perm("budget.hide_idea") and not moderator.has_perm("budget.review_idea")
    assert not member.has_perm("budget.hide_idea") and not member.has_perm("budget.delete_idea")


def test_the_queue_lists_ideas_with_review_buttons(client, budget, committee):
    idea = make_idea(budget, title="Des bancs")
    html = client.get(f"/admin/budget/ideas/?budget={budget.pk}").content.decode()
    assert "Des bancs" in html and f"/admin/budget/ideas/review/{idea.pk}/" in html
    assert "/admin/budget/ideas/new/" not in html and f"/admin/budget/ideas/hide/{idea.pk}/" not in html
    assert "/admin/budget/editions/" in client.get("/admin/").content.decode()


def test_the_committee_reviews_with_the_checklist_and_the_author_is_told(client, budget, committee, django_capture_on_commit_callbacks):
    author = make_resident("autrice@example.org", notify_idea_reviewed=True)
    idea = make_idea(budget, author=author)
    url = f"/admin/budget/ideas/review/{idea.pk}/"
    criteria = list(budget.criteria.all())
    page = client.get(url).content.decode()
    assert criteria[0].text in page and f"criterion_{criteria[0].pk}" in page

    response = client.post(url, {"eligible": "yes", f"criterion_{criteria[0].pk}": "on"})
    assert response.status_code == 200 and Idea.objects.get().status == Idea.Status.SUBMITTED  # one box unticked

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"eligible": "yes", **{f"criterion_{c.pk}": "on" for c in criteria}})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == Idea.Status.ELIGIBLE and idea.reviewed_by == committee
    assert mail.outbox[0].to == ["autrice@example.org"]


def test_the_committee_rewrites_with_the_authors_agreement(client, budget, committee):
    idea = make_idea(budget)
    url = f"/admin/budget/ideas/edit/{idea.pk}/"
    data = {"title": "Bancs et tables", "description": "Le long du canal.", "council": "", "location": "",
            "category": "public_space", "cost": "5000", "note": "Avec l'accord de l'auteur"}
    assert client.post(url, data).status_code == 200  # the box is not ticked
    assert Idea.objects.get().title != "Bancs et tables"
    response = client.post(url, {**data, "author_agreed": "on"})
    assert response.status_code == 302
    assert Idea.objects.get().title == "Bancs et tables"
    assert idea.revisions.last().kind == IdeaRevision.Kind.REWRITTEN


def test_moderators_hide_with_a_reason_but_cannot_review(client, budget):
    moderator = staff("moderatrice", roles.MODERATORS)
    client.force_login(moderator)
    idea = make_idea(budget)
    assert client.get(f"/admin/budget/ideas/review/{idea.pk}/").status_code != 200  # Wagtail: back to the dashboard
    assert client.post(f"/admin/budget/ideas/hide/{idea.pk}/", {"reason": ""}).status_code == 200
    assert client.post(f"/admin/budget/ideas/hide/{idea.pk}/", {"reason": "Propos injurieux"}).status_code == 302
    idea.refresh_from_db()
    assert idea.is_hidden and idea.hidden_by == moderator
    assert client.post(f"/admin/budget/ideas/restore/{idea.pk}/").status_code == 302
    assert not Idea.objects.get().is_hidden


def test_residents_and_the_committee_cannot_hide(client, budget, committee):
    idea = make_idea(budget)
    assert client.post(f"/admin/budget/ideas/hide/{idea.pk}/", {"reason": "x"}).url == "/admin/"  # permission denied
    client.force_login(make_resident("amina@example.org"))
    assert client.get(f"/admin/budget/ideas/review/{idea.pk}/").status_code == 302  # to the admin login
    assert client.get("/admin/budget/editions/").status_code == 302
    assert not Idea.objects.get().is_hidden


def test_the_committee_selects_finalists_and_the_vote_is_sealed(client, budget, committee):
    ideas = [make_idea(budget, title=f"Projet {n}", status=Idea.Status.ELIGIBLE) for n in range(3)]
    make_idea(budget, title="Refusée", status=Idea.Status.NOT_ELIGIBLE)
    url = f"/admin/budget/editions/finalists/{budget.pk}/"
    page = client.get(url).content.decode()
    assert "Projet 0" in page and "Refusée" not in page
    response = client.post(url, {"ideas": [ideas[0].pk, ideas[1].pk]})
    assert response.status_code == 302
    contest = Contest.objects.get()
    assert contest.is_frozen and contest.options.count() == 2  # its key ceremony waits for the trustees
    contest, _secrets = sealed(contest)
    assert contest.is_sealed
    assert "Sealed" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode() or contest.manifest_hash


def test_selection_refused_outside_the_review_shows_the_reason(client, budget, committee):
    ideas = [make_idea(budget, title=f"Projet {n}", status=Idea.Status.ELIGIBLE) for n in range(2)]
    move_to(budget, Phase.VOTE)
    response = client.post(f"/admin/budget/editions/finalists/{budget.pk}/", {"ideas": [i.pk for i in ideas]})
    assert response.status_code == 200 and not Contest.objects.exists()


def test_statistics_page_and_csv(client, budget, committee):
    make_idea(budget)
    assert client.get(f"/admin/budget/editions/statistics/{budget.pk}/").status_code == 200
    response = client.get(f"/admin/budget/editions/statistics/{budget.pk}/csv/")
    assert response["Content-Type"].startswith("text/csv")
    assert client.get("/admin/budget/editions/").status_code == 200
