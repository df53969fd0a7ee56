"""Who may do what: the predicates behind every service, each at its boundary."""

from datetime import timedelta

import pytest
from django.utils import timezone

from volunteering import rules
from volunteering.models import Association, Offer
from volunteering.rules import AgeCheck

from ..accounts.factories import make_resident
from .factories import make_association, make_mission, make_offer

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def test_only_representatives_of_an_approved_association_act_for_it():
    association = make_association("Entente sportive", status=Association.Status.PENDING)
    representative = association.representatives.get().user
    outsider = make_resident("outsider@example.org")
    assert rules.is_representative_of(representative, association)
    assert not rules.is_representative_of(outsider, association)
    assert not rules.can_act_for(representative, association)  # not approved yet
    association.status = Association.Status.APPROVED
    assert rules.can_act_for(representative, association) and not rules.can_act_for(outsider, association)


def test_a_one_off_mission_stops_taking_offers_when_it_starts_a_recurring_one_when_it_ends():
    association = make_association("Entente sportive")
    one_off = make_mission(association, now=NOW)
    recurring = make_mission(association, "Chaque samedi", schedule="Tous les samedis", now=NOW,
                             duration=timedelta(days=30))
    assert not rules.stopped_taking_offers(one_off, one_off.starts_at - timedelta(microseconds=1))
    assert rules.stopped_taking_offers(one_off, one_off.starts_at)
    assert not rules.stopped_taking_offers(recurring, recurring.starts_at + timedelta(days=10))
    assert rules.stopped_taking_offers(recurring, recurring.ends_at)


@pytest.mark.parametrize("minimum_age, birth_year, expected", [
    (0, None, AgeCheck.OK),
    (18, None, AgeCheck.CONFIRM),
    (18, NOW.year - 17, AgeCheck.TOO_YOUNG),
    (18, NOW.year - 18, AgeCheck.CONFIRM),  # 18 this year: before or after the birthday?
    (18, NOW.year - 19, AgeCheck.OK),
])
def test_the_minimum_age_from_the_year_of_birth(minimum_age, birth_year, expected):
    mission = make_mission(make_association("Entente sportive"), minimum_age=minimum_age, now=NOW)
    assert rules.age_check(mission, birth_year, NOW) is expected


def test_the_contact_is_visible_only_once_accepted_and_withdrawal_only_for_the_volunteer():
    mission = make_mission(make_association("Entente sportive"), now=NOW)
    volunteer = make_resident("amina@example.org")
    offer = make_offer(mission, volunteer)
    assert not rules.may_see_contact(offer)
    assert rules.can_withdraw(volunteer, offer) and not rules.can_withdraw(make_resident("x@example.org"), offer)
    offer.status = Offer.Status.ACCEPTED
    assert rules.may_see_contact(offer) and rules.can_withdraw(volunteer, offer)
    offer.status = Offer.Status.DECLINED
    assert not rules.may_see_contact(offer) and not rules.can_withdraw(volunteer, offer)


def test_a_full_mission():
    mission = make_mission(make_association("Entente sportive"), volunteers_needed=2, now=NOW)
    assert not rules.is_full(mission, 1) and rules.is_full(mission, 2)


def test_who_can_offer_help():
    association = make_association("Entente sportive")
    mission = make_mission(association, minimum_age=18, volunteers_needed=1, now=NOW)
    resident = make_resident("amina@example.org")
    old = NOW.year - 30

    def can(user, accepted=0, birth_year=old, now=NOW):
        return rules.can_offer(user, mission, accepted_count=accepted, birth_year=birth_year, now=now)

    assert can(resident) and can(resident, birth_year=None)  # unknown age: they will confirm it
    assert not can(resident, birth_year=NOW.year - 10)
    assert not can(resident, accepted=1) and not can(resident, now=mission.starts_at)
    assert not can(association.representatives.get().user)
    assert not can(make_resident("new@example.org", verified=False))
    offer = make_offer(mission, resident)
    assert not can(resident)
    offer.status = Offer.Status.WITHDRAWN
    offer.save()
    assert can(resident)
