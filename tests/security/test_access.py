"""Officers' and committees' admin views refuse residents, anonymous visitors and staff of another role.

The admin URLs are read from the URL configuration (every admin view of our
apps, of the apps that land later too), so a new admin view is tested
without a line added here; only a new staff area needs its "wrong role" in
``WRONG_ROLE``.
"""

from collections import defaultdict

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from councils import roles
from councils.models import Candidate

from ..accounts.factories import make_resident
from .conftest import staff

pytestmark = pytest.mark.django_db

OUR_APPS = ("budget", "councils", "voting", "volunteering", "accounts", "home")

# For each admin area (URL namespace prefix), a staff role that has no business there.
WRONG_ROLE = {
    "voting_": roles.MODERATORS,
    "councils_votes": roles.MODERATORS,
    "councils_candidates": roles.MODERATORS,
    "councils_kit_templates": roles.MODERATORS,
    "budget_": roles.ELECTION_OFFICERS,
    "volunteering_": roles.ELECTION_OFFICERS,
    "accounts_": roles.ELECTION_OFFICERS,
    "wagtailsnippets_councils_council": roles.MODERATORS,
    "wagtailsnippets_volunteering_": roles.ELECTION_OFFICERS,
}


def admin_routes() -> dict[str, list[str]]:
    """``{namespace: [route, ...]}`` for every admin view of our apps (snippets of our models included)."""
    found = defaultdict(set)

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                view = getattr(pattern.callback, "view_class", pattern.callback)
                ours = view.__module__.split(".")[0] in OUR_APPS or any(f"/{app}/" in route for app in OUR_APPS)
                if route.startswith("admin/") and ours and namespace:
                    found[namespace].add(route)

    walk(get_resolver().url_patterns, "", None)
    return {namespace: sorted(routes) for namespace, routes in sorted(found.items())}


ROUTES = admin_routes()


def address(route: str, values: dict) -> str:
    path = route
    for name, kind in (("pk", "int"), ("pk", "str"), ("entry_pk", "int"), ("station", "str"), ("run_pk", "int"),
                       ("number", "int")):
        path = path.replace(f"<{kind}:{name}>", str(values.get(name, 1)))
    return "/" + path


def values_for(namespace: str, town) -> dict:
    """Real rows where a view needs one, so a refusal is the permission's doing, not a missing row."""
    if namespace.startswith("voting_contests"):
        return {"pk": town.contest.pk, "station": "1", "entry_pk": 1}
    if namespace.startswith("councils_candidates"):
        return {"pk": Candidate.objects.create(election=town.election, council=town.town["centre"], name="X",
                                               statement="x").pk}
    if namespace.startswith("councils_votes") or namespace.startswith("councils_kit"):
        return {"pk": town.election.pk}
    if namespace.startswith("budget_ideas"):
        return {"pk": town.idea.pk}
    if namespace.startswith("budget_editions"):
        return {"pk": town.budget.pk}
    if namespace.startswith("wagtailsnippets_councils"):
        return {"pk": town.town["centre"].pk}
    return {}


def wrong_role(namespace: str) -> str | None:
    return next((role for prefix, role in WRONG_ROLE.items() if namespace.startswith(prefix)), None)


def test_every_admin_area_of_our_apps_has_a_wrong_role_to_try():
    staff_areas = [ns for ns in ROUTES if not ns.startswith("wagtailsnippetchoosers_")]
    assert staff_areas, "no admin view found: the URL walk is broken"
    assert [ns for ns in staff_areas if wrong_role(ns) is None] == []


def attack(client, namespace, town, nothing_changed) -> list[tuple[str, str, int]]:
    answers = []
    values = values_for(namespace, town)
    with nothing_changed():
        for route in ROUTES[namespace]:
            path = address(route, values)
            answers.append(("GET", path, client.get(path).status_code))
            answers.append(("POST", path, client.post(path, {"decision": "approve", "action": "seal"}).status_code))
    return answers


# One test per kind of visitor, every admin area in it: the town is built once, and a failure lists
# each (method, address, status) let through.


def test_anonymous_visitors_are_sent_to_the_login(town, nothing_changed):
    client = Client()
    answers = [answer for namespace in ROUTES for answer in attack(client, namespace, town, nothing_changed)]
    assert [a for a in answers if a[2] != 302] == []


def test_residents_are_refused(town, nothing_changed):
    client = Client()
    client.force_login(make_resident("curieux@example.org", display_name="Curieux"))
    answers = [answer for namespace in ROUTES for answer in attack(client, namespace, town, nothing_changed)]
    assert [a for a in answers if a[2] not in (302, 403)] == []


@pytest.mark.parametrize("role", sorted(set(WRONG_ROLE.values())), ids=str)
def test_staff_of_another_role_are_refused(town, nothing_changed, role):
    client = Client()
    client.force_login(staff("autre-role", role))
    answers = [answer for namespace in ROUTES if wrong_role(namespace) == role
               for answer in attack(client, namespace, town, nothing_changed)]
    assert answers
    assert [a for a in answers if a[2] not in (302, 403, 404, 405)] == []


def test_the_control_an_election_officer_reaches_the_contests(town):
    """The refusals above are the roles' doing: the right role gets in."""
    client = Client()
    client.force_login(staff("officier", roles.ELECTION_OFFICERS))
    assert client.get("/admin/votes/contests/").status_code == 200
    assert client.get(f"/admin/votes/contests/manage/{town.contest.pk}/").status_code == 200


def test_residents_cannot_reach_the_django_admin_or_the_wagtail_dashboard(town):
    client = Client()
    client.force_login(make_resident("curieux@example.org", display_name="Curieux"))
    assert client.get("/admin/").status_code == 302
    assert client.get("/django-admin/").status_code == 404
