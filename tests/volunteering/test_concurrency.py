"""Capacity and duplicates hold under concurrent requests, proven on PostgreSQL (SQLite serialises writers anyway)."""

import pytest
from django.db import connection

from volunteering import services
from volunteering.exceptions import DuplicateOffer, MissionFull
from volunteering.models import Offer

from ..accounts.factories import make_resident
from ..voting.test_concurrency import run_concurrently
from .factories import make_association, make_mission, make_offer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"),
]


def test_two_representatives_accepting_the_last_place_at_once_accept_one_offer(migrated_data):
    association = make_association("Entente sportive")
    second = make_resident("second@asso.example")
    association.representatives.create(user=second)
    first = association.representatives.exclude(user=second).get().user
    mission = make_mission(association, volunteers_needed=1)
    offers = [make_offer(mission, make_resident(f"v{number}@example.org")) for number in range(2)]

    outcomes = run_concurrently(
        lambda index: services.accept_offer(offer=offers[index], by=(first, second)[index]), 2)

    assert sum(isinstance(outcome, Offer) for outcome in outcomes) == 1, outcomes
    assert sum(isinstance(outcome, MissionFull) for outcome in outcomes) == 1, outcomes
    assert Offer.objects.filter(mission=mission, status=Offer.Status.ACCEPTED).count() == 1


def test_a_double_submitted_offer_is_recorded_once(migrated_data):
    mission = make_mission(make_association("Entente sportive"))
    volunteer = make_resident("impatiente@example.org")

    outcomes = run_concurrently(lambda index: services.offer_help(mission=mission, volunteer=volunteer), 3)

    assert sum(isinstance(outcome, Offer) for outcome in outcomes) == 1, outcomes
    assert all(isinstance(outcome, DuplicateOffer) for outcome in outcomes if not isinstance(outcome, Offer)), outcomes
    assert Offer.objects.filter(mission=mission).count() == 1
