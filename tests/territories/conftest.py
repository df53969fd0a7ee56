"""Two collectivities that joined the platform, each with its own site; staff of the first."""

import pytest
from django.contrib.auth import get_user_model

from territories.models import StaffGroup, Territory

from .factories import join, make_territories


class Platform:
    def __init__(self):
        self.places = make_territories()
        self.site_a = join(self.places["aubin"], "saint-aubin.localhost")
        self.site_b = join(self.places["brissac"], "brissac.localhost")
        self.a = Territory.objects.get(pk=self.places["aubin"].pk)
        self.b = Territory.objects.get(pk=self.places["brissac"].pk)

    @property
    def home_a(self):
        return self.site_a.root_page.specific

    @property
    def home_b(self):
        return self.site_b.root_page.specific

    def staff_of_a(self, *roles, username="agent-a"):
        """A member of A's groups for ``roles`` (every role if none)."""
        user = get_user_model().objects.create_user(username=username, email=f"{username}@example.org", password="x")
        for role in roles or StaffGroup.Role:
            user.groups.add(self.a.staff_groups.get(role=role).group)
        return user


@pytest.fixture
def platform(db):
    return Platform()


@pytest.fixture
def client_a(client, platform):
    """A client of A's whole staff (every role), on A's host name."""
    client.force_login(platform.staff_of_a())
    client.defaults["HTTP_HOST"] = "saint-aubin.localhost"
    return client
