"""The places where votes open, results are proclaimed, calls for ideas open and missions are posted
reach the notification centre (and push), each resident by their council and preferences."""

from datetime import date, timedelta

import pytest
from django.test import TestCase
from wagtail.models import Site

from budget import tasks as budget_tasks
from budget.phases import Phase
from councils.votes import elections, notices
from notices.models import Notice, Notification, NotificationPreferences
from volunteering import services as volunteering

from ..accounts.factories import make_resident
from ..budget.factories import make_budget, move_to
from ..councils.election_factories import make_town, open_election
from ..home.utils import make_home
from ..voting.factories import vote
from ..volunteering.factories import make_association, make_index, mission_data

pytestmark = pytest.mark.django_db


def centre_of(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("notice__created_at").values_list("notice__topic", flat=True))


def test_a_vote_opening_reaches_the_residents_of_its_council_then_the_reminder_only_those_who_have_not_voted(
    push_service, phone_of,
):
    town = make_town()
    with TestCase.captureOnCommitCallbacks(execute=True):
        election, _secrets = open_election(town)
    voter = make_resident("voter@example.org", council=town["centre"])
    waiting = make_resident("waiting@example.org", council=town["centre"])
    elsewhere = make_resident("pres@example.org", council=town["pres"])
    voter_phone, waiting_phone = phone_of(voter), phone_of(waiting)
    NotificationPreferences.objects.update(more_than_daily=True)

    with TestCase.captureOnCommitCallbacks(execute=True):
        notices.send_due_notices()
    centre = election.ballots.get(council=town["centre"]).contest
    elections.find_my_ballot(election=election, user=voter, family_name="Dupont", birth_date=date(1980, 7, 14), place="1")
    vote(centre, voter, [])
    with TestCase.captureOnCommitCallbacks(execute=True):
        notices.send_due_notices(now=centre.closes_at - timedelta(days=2))

    assert centre_of(voter) == ["vote_opened"] and centre_of(waiting) == ["vote_opened"]
    assert centre_of(elsewhere) == ["vote_opened"]  # their own council's ballot
    assert Notice.objects.get(topic="vote_opened", notifications__user=waiting).title.endswith("Centre")
    assert [shown["tag"].split("-")[0] for shown in waiting_phone.shown] == ["vote_opened", "vote_reminder"]
    assert [shown["tag"].split("-")[0] for shown in voter_phone.shown] == ["vote_opened"]


def test_a_call_for_ideas_opening_reaches_everyone_who_wants_it():
    keen, quiet = make_resident("keen@example.org"), make_resident("quiet@example.org")
    NotificationPreferences.objects.create(user=quiet, ideas_opened=False)
    budget = make_budget(make_home(), phase=Phase.UPCOMING)
    move_to(budget, Phase.IDEAS)

    with TestCase.captureOnCommitCallbacks(execute=True):
        budget_tasks.announce_budget_phases()

    assert centre_of(keen) == ["ideas_opened"] and centre_of(quiet) == []
    assert Notice.objects.get().url == "/budget-2027/"


def test_a_mission_posted_in_a_council_reaches_its_residents():
    town = make_town()
    make_index(Site.objects.get(is_default_site=True).root_page.specific)
    association = make_association("Entente sportive")
    near = make_resident("near@example.org", council=town["centre"])
    far = make_resident("far@example.org", council=town["pres"])

    with TestCase.captureOnCommitCallbacks(execute=True):
        volunteering.post_mission(association=association, by=association.representatives.get().user,
                                  data=mission_data(council=town["centre"]))

    assert centre_of(near) == ["mission_published"] and centre_of(far) == []
    assert Notice.objects.get().url.startswith("/benevolat/missions/")
