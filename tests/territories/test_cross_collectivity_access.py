"""Town A's staff, whatever their role, never reach town B's records through any admin view or export.

The addresses are read from the URL configuration (every admin view of our apps, our snippets'
views and choosers, our staff pages and exports) and filled with town B's ids. Each is requested
(GET and POST) by A's staff of each role: the answer is a refusal (403), "not found" (404), a
method refusal (405) or a redirect (302), never a page with B's record; a listing or an empty form
(no id in the address) may answer 200 but must not name anything of B's; and the database is
unchanged. Platform administrators reach B's records.

A new admin area fails ``test_every_admin_area_is_classified`` until it says which of B's records its
addresses name (``RECORD_OF``) or why it is left out (``NOT_PER_COLLECTIVITY``); an address with a
parameter the table cannot fill fails until it is given a value (``fill``) or a reason (``UNBUILDABLE``).
"""

import re
from collections import defaultdict

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from territories.models import StaffGroup

from .collectivity import Collectivity

pytestmark = pytest.mark.django_db

OUR_APPS = ("accounts", "budget", "common", "councils", "home", "notices", "territories", "volunteering", "voting")
OUR_SNIPPETS = re.compile(r"^wagtailsnippet(s|choosers)_(%s)_" % "|".join(OUR_APPS))

# Which of B's records the addresses of each admin area name (an attribute of ``Collectivity``).
# A (prefix of the) route may override it: the election pages of the campaign kits' area, for instance.
RECORD_OF = {
    "voting_contests": "contest",
    "voting_rolls": "roll",
    "votes_audit": "audit_event",
    "councils_candidates": "candidate",
    "councils_votes": {"election/": "election", "consultation/": "consultation"},
    "councils_kit_templates": {"election/": "election", "": "kit_template"},
    "wagtailsnippets_councils_council": "council",
    "wagtailsnippetchoosers_councils_council": "council",
    "budget_ideas": "idea",
    "budget_editions": "budget",
    "volunteering_associations": "association",
    "volunteering_missions": "mission",
    "accounts_helpers": "helper",
    "accounts_assistance_log": "assistance_event",
    "notices_admin": None,  # no id in its addresses: a listing and a form
    "territories": "territory",
}
# Admin areas whose records belong to no collectivity, and why.
NOT_PER_COLLECTIVITY = {
    "wagtailsnippets_volunteering_skill": "skills are one list shared by the whole platform (missions' filters)",
    "wagtailsnippetchoosers_volunteering_skill": "skills are one list shared by the whole platform",
}
# Route parameters the table cannot fill with one of B's records, and why.
UNBUILDABLE = {
    "run_pk": "letter runs exist only once printed; the contest in the address (B's) is refused first",
    "number": "a letter file's number within a run; the contest in the address (B's) is refused first",
}


def admin_routes() -> dict[str, list[str]]:
    """``{area: [route, ...]}``: every admin address served by our apps (their views, snippets and choosers)."""
    found = defaultdict(set)

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                view = getattr(pattern.callback, "view_class", pattern.callback)
                module = view.__module__.split(".")[0]
                if not route.startswith("admin/"):
                    continue
                if module == "wagtail_modeladmin":  # the engine's audit log (wagtail-modeladmin)
                    found["votes_audit"].add(route)
                elif namespace and (module in OUR_APPS or OUR_SNIPPETS.match(namespace)):
                    found[namespace].add(route)

    walk(get_resolver().url_patterns, "", None)
    return {area: sorted(routes) for area, routes in sorted(found.items())}


ROUTES = admin_routes()
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def record_name(area: str, route: str) -> str | None:
    record = RECORD_OF[area]
    if isinstance(record, dict):
        return next((name for prefix, name in record.items() if f"/{prefix}" in route), None)
    return record


def fill(route: str, area: str, theirs: Collectivity, territory) -> str | None:
    """The address with B's ids, or None when a parameter is unbuildable (``UNBUILDABLE``)."""
    name = record_name(area, route)
    record = territory if name == "territory" else (getattr(theirs, name) if name else None)
    values = {"pk": record.pk if record else None, "instance_pk": record.pk if record else None,
              "station": theirs.stations[0], "entry_pk": theirs.roll.entries.first().pk}
    missing = []

    def value(match):
        parameter = match.group(1) or match.group(2)
        if values.get(parameter) is None:
            missing.append(parameter)
            return "0"
        return str(values[parameter])

    path = PARAMETER.sub(value, route).replace("^", "").replace("$", "")
    return None if missing else "/" + path


def parameters(route: str) -> set[str]:
    return {match.group(1) or match.group(2) for match in PARAMETER.finditer(route)}


def test_every_admin_area_is_classified():
    assert ROUTES, "no admin view found: the URL walk is broken"
    unclassified = [area for area in ROUTES if area not in RECORD_OF and area not in NOT_PER_COLLECTIVITY]
    assert unclassified == [], "say which of B's records these areas' addresses name, or why none"
    known = {"pk", "instance_pk", "station", "entry_pk", *UNBUILDABLE}
    unknown = {(area, route) for area, routes in ROUTES.items() for route in routes if parameters(route) - known}
    assert unknown == set(), "give these parameters a value in fill() or a reason in UNBUILDABLE"


def snapshot() -> dict:
    """Every row of the models staff act on, as plain values."""
    labels = ["councils.Council", "councils.Candidate", "councils.KitTemplate", "wagtailcore.Page",
              "wagtailcore.Revision", "voting.Contest", "voting.VoterRoll", "voting.RollEntry", "voting.Participation",
              "voting.PaperResult", "voting.AuditEvent", "voting.LetterRun", "voting.VotingCode", "budget.Idea",
              "budget.IdeaRevision", "volunteering.Association", "volunteering.Mission", "accounts.AccreditedHelper",
              "accounts.AssistanceEvent", "notices.StaffNotice", "notices.Notice", "territories.Territory",
              "wagtailcore.Site"]
    return {label: list(apps.get_model(label)._base_manager.order_by("pk").values()) for label in labels}


@pytest.fixture
def theirs(platform):
    return Collectivity(platform.site_b, platform.home_b, "Brissac", stations=("7", "8")).everything()


def staff_of_a(platform, role):
    roles = [role] if role else []
    return platform.staff_of_a(*roles, username=f"agent-a-{role or 'tout'}")


def requests(theirs, territory):
    """(method, address, is a listing) for every buildable address of every area of a collectivity."""
    for area, routes in ROUTES.items():
        if area in NOT_PER_COLLECTIVITY:
            continue
        for route in routes:
            path = fill(route, area, theirs, territory)
            if path is None:
                continue
            listing = not parameters(route)
            yield area, path, listing


@pytest.mark.parametrize("role", [*StaffGroup.Role, None], ids=lambda role: role or "every-role")
def test_a_collectivitys_staff_never_get_anothers_records(platform, theirs, role):
    client = Client(HTTP_HOST="saint-aubin.localhost")
    client.force_login(staff_of_a(platform, role))
    names = theirs.names()
    before = snapshot()
    let_through = []
    for area, path, listing in requests(theirs, platform.b):
        for method in ("get", "post"):
            data = {"decision": "approve", "action": "seal", "name": "Piraté", "title": "Piraté", "send": "1"}
            response = client.get(path) if method == "get" else client.post(path, data)
            status = response.status_code
            if status in (302, 403, 404, 405):
                continue
            shown = [name for name in names if name in response.content.decode(errors="replace")]
            if status != 200 or not listing or shown:
                let_through.append((method.upper(), path, status, shown))
    assert let_through == [], "\n".join(map(str, let_through))
    assert snapshot() == before, "another collectivity's records changed"


@pytest.mark.parametrize("route", [
    "/admin/snippets/councils/council/edit/{council}/", "/admin/snippets/councils/council/inspect/{council}/",
    "/admin/snippets/choose/councils/council/chosen/{council}/", "/admin/votes/candidates/edit/{candidate}/",
    "/admin/votes/candidates/review/{candidate}/", "/admin/votes/elections/election/{election}/",
    "/admin/votes/elections/consultation/{consultation}/", "/admin/votes/campaign-kits/edit/{kit_template}/",
    "/admin/votes/campaign-kits/election/{election}/kits/", "/admin/votes/contests/manage/{contest}/",
    "/admin/votes/rolls/edit/{roll}/", "/admin/budget/ideas/review/{idea}/", "/admin/helpers/edit/{helper}/",
    "/admin/helpers/log/inspect/{assistance_event}/", "/admin/volunteering/associations/edit/{association}/",
])
def test_platform_administrators_reach_every_collectivitys_records(platform, theirs, route):
    admin = get_user_model().objects.create_superuser("plateforme", "plateforme@example.org", "x")
    client = Client(HTTP_HOST="saint-aubin.localhost")
    client.force_login(admin)
    ids = {name: getattr(theirs, name).pk for name in re.findall(r"\{(\w+)\}", route)}
    assert client.get(route.format(**ids)).status_code == 200


def test_platform_administrators_see_every_collectivitys_notices_and_councils(platform, theirs):
    admin = get_user_model().objects.create_superuser("plateforme", "plateforme@example.org", "x")
    client = Client(HTTP_HOST="saint-aubin.localhost")
    client.force_login(admin)
    assert theirs.notice.notice.title in client.get("/admin/avis-aux-habitants/").content.decode()
    assert theirs.council.name in client.get("/admin/snippets/councils/council/").content.decode()
