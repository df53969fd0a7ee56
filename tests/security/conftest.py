"""The hostile-input suite's town: one of every object residents can reach, and a snapshot of the database.

Every test of this folder attacks an endpoint, then asserts the status code
and ``nothing_changed``: the rows of every model residents' input could reach
are the same, field by field, before and after.
"""

from functools import cached_property

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client

from budget.phases import Phase
from councils import roles

from ..accounts.factories import make_resident
from ..budget.factories import make_budget, make_idea
from ..councils.election_factories import make_election, make_town, open_consultation
from ..councils.factories import make_council_index, make_council_page
from ..volunteering.factories import make_association, make_index, make_mission
from ..voting.factories import make_user, open_contest

WATCHED_MODELS = [
    "auth.User", "auth.Group", "account.EmailAddress", "accounts.Profile",
    "budget.Idea", "budget.IdeaRevision", "budget.FinalistVote", "wagtailimages.Image", "wagtaildocs.Document",
    "councils.Council", "councils.Candidate", "councils.ElectionBallot", "councils.ConsultationBallot",
    "voting.Contest", "voting.Option", "voting.Voter", "voting.Participation", "voting.Ballot", "voting.Trustee",
    "voting.AuditedBallot", "voting.VoterRoll", "voting.RollEntry", "voting.Result", "voting.PaperResult",
    "voting.AuditEvent", "wagtailcore.Page", "wagtailcore.Revision",
    "volunteering.Association", "volunteering.Representative", "volunteering.Mission", "volunteering.Offer",
]
# Fields a request may legitimately touch without changing anything a resident or officer sees.
VOLATILE_FIELDS = {"last_login"}


def snapshot() -> dict:
    """Every row of the watched models, as plain values."""
    state = {}
    for label in WATCHED_MODELS:
        model = apps.get_model(label)
        rows = model._base_manager.order_by("pk").values()
        state[label] = [{k: v for k, v in row.items() if k not in VOLATILE_FIELDS} for row in rows]
    return state


@pytest.fixture
def nothing_changed():
    """``with nothing_changed(): attack()`` fails if any watched row was added, removed or changed."""
    from contextlib import contextmanager

    @contextmanager
    def guard():
        before = snapshot()
        yield
        after = snapshot()
        changed = {label for label in WATCHED_MODELS if before[label] != after[label]}
        assert not changed, f"rows changed in {sorted(changed)}"

    return guard


class Town:
    """A town where ideas are open, applications to the election are open, a consultation and a vote are open.

    Each part is built on first use: a test pays only for what it attacks.
    """

    @cached_property
    def town(self) -> dict:
        return make_town()

    @property
    def home(self):
        return self.town["home"]

    @cached_property
    def budget(self):
        return make_budget(self.home, phase=Phase.IDEAS)

    @cached_property
    def author(self):
        return make_resident("auteur@example.org", display_name="Autrice")

    @cached_property
    def other(self):
        return make_resident("voisin@example.org", display_name="Voisin")

    @cached_property
    def idea(self):
        return make_idea(self.budget, author=self.author)

    @cached_property
    def council_page(self):
        return make_council_page(make_council_index(self.home), self.town["centre"])

    @cached_property
    def election(self):
        return make_election(self.town)

    @cached_property
    def consultation(self):
        return open_consultation(self.town)[0]

    @cached_property
    def contest(self):
        return open_contest()[0]

    @cached_property
    def trustee(self):
        return self.contest.trustees.order_by("index").first()

    @cached_property
    def missions(self):
        return make_index(self.home)

    @cached_property
    def association(self):
        """An approved association the author represents."""
        return make_association("Entente sportive", representative=self.author)

    @cached_property
    def mission(self):
        self.missions  # noqa: B018  (published under the volunteering index)
        return make_mission(self.association)

    def mission_url(self, mission=None) -> str:
        mission = mission or self.mission
        return self.missions.url + f"missions/{mission.pk}-{mission.slug}/"


@pytest.fixture
def town() -> Town:
    return Town()


def staff(username: str, role: str):
    """A staff member holding one role (Communications, Steering committee, Election officers, Moderators)."""
    user = make_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def logged_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


ROLES = roles
