"""Ids forged in forms and addresses (unknown, negative, not numbers, rows of another kind or of another vote):
refused, nothing written."""

import pytest
from django.test import Client

from budget.models import Idea

from ..budget.factories import make_budget, make_idea
from ..councils.factories import CouncilFactory
from ..voting.factories import open_contest
from .endpoints import FORMS, user_of

pytestmark = pytest.mark.django_db

FORGED = ["999999", "-1", "0", "abc", "1 OR 1=1", "1.5", "", "[1]"]


def foreign_ids(town, key: str) -> list[str]:
    """Real ids that do not belong here: an option of another vote; a council the election does not elect."""
    if key.endswith("choice"):
        other_contest, _shares = open_contest(title="Autre vote")
        return [str(other_contest.options.first().pk)]
    return [str(CouncilFactory(name="Hors élection", stations=["9"]).pk)]


# Values that are legitimate choices in some forms: no council (“the whole town”), no answer (a blank vote
# where several answers may be ticked).
LEGITIMATE = {"idea submission": {""}, "idea edit": {""}, "profile": {""}, "consultation confirm": {""},
              "consultation cast": {""}, "association registration": {""}, "mission post": {""}}


@pytest.mark.parametrize("endpoint", [f for f in FORMS if f.id_fields], ids=str)
def test_forged_ids_in_forms_are_refused(town, nothing_changed, endpoint):
    client = Client(raise_request_exception=True)
    client.force_login(user_of(town, endpoint))
    url, data = endpoint.url(town), endpoint.data(town)
    keys = endpoint.fields_named(data, endpoint.id_fields)
    forged = {key: [v for v in FORGED if v not in LEGITIMATE.get(endpoint.name, set())] for key in keys}
    if endpoint.name == "candidacy" or any(key.endswith("choice") for key in keys):
        # Ideas and profiles may name any council; an application only one the election elects.
        forged = {key: values + foreign_ids(town, key) for key, values in forged.items()}
    with nothing_changed():
        for key, values in forged.items():
            for value in values:
                response = client.post(url, {**data, key: value})
                assert response.status_code in (200, 302, 400), (key, value, response.status_code)


@pytest.mark.parametrize("path", [
    "/vote/999999/", "/vote/999999/verifier/", "/vote/0/record.json", "/vote/garant/999999/",
    "/vote/garant/999999/tache.json", "/vote/garant/999999/reponse/",
])
def test_unknown_contests_and_trustees_are_not_found(town, path):
    client = Client()
    client.force_login(town.other)
    response = client.post(path) if path.endswith("/reponse/") else client.get(path)
    assert response.status_code == 404


def test_an_unsealed_contest_is_not_found(town):
    from ..voting.factories import make_contest

    draft = make_contest(title="Brouillon")
    assert Client().get(f"/vote/{draft.pk}/").status_code == 404


def test_an_idea_of_another_budget_is_not_found_under_this_one(town, nothing_changed):
    other_budget = make_budget(town.home, slug="budget-2028")
    stranger = make_idea(other_budget, author=town.author, title="Ailleurs")
    client = Client()
    client.force_login(town.author)
    url = town.budget.url + f"idees/{stranger.pk}/modifier/"
    with nothing_changed():
        shown = client.get(town.budget.url + f"idees/{stranger.pk}/")
        edited = client.post(url, {"title": "Piraté", "description": "x", "category": "other", "cost": "1"})
    assert shown.status_code == edited.status_code == 404
    assert Idea.objects.get(pk=stranger.pk).title == "Ailleurs"
