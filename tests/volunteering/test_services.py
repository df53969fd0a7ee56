"""The volunteering rules, without HTTP: every refusal leaves the database and the outbox as they were."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image as PILImage
from wagtail.images import get_image_model

from councils import roles
from volunteering import services
from volunteering.exceptions import (
    AlreadyAnswered,
    AlreadyReviewed,
    DuplicateOffer,
    InvalidData,
    MissionClosed,
    MissionFull,
    NotAllowed,
    NotEligible,
    TooYoung,
)
from volunteering.models import Association, Mission, Offer, Representative

from ..accounts.factories import make_resident
from ..councils.factories import CouncilFactory
from ..voting.factories import make_user
from .factories import make_association, make_mission, make_offer, make_skill, mission_data

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, the source language (e-mails are still rendered in French)."""
    with translation.override("en"):
        yield


def png(size=(64, 64), name="logo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "#336699").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def association_data(**overrides) -> dict:
    data = {"name": "Les Jardiniers", "description": "Un jardin partagé.", "contact_email": "jardin@asso.example",
            "contact_phone": "", "website": "", "council": None}
    data.update(overrides)
    return data


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """``with send_now():`` runs the on-commit e-mail tasks when the block ends (Celery is eager in tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def moderator():
    user = make_user("moderatrice")
    user.email = "moderatrice@ville.example"
    user.save()
    user.groups.add(Group.objects.get(name=roles.MODERATORS))
    return user


@pytest.fixture
def mission(association):
    return make_mission(association, volunteers_needed=2, now=NOW)


@pytest.fixture
def amina():
    return make_resident("amina@example.org", display_name="Amina")


# --- Associations -------------------------------------------------------------------------------

def test_a_resident_registers_an_association_and_becomes_its_representative(amina, moderator, send_now):
    with send_now():
        association = services.register_association(user=amina, data=association_data(), logo=png())
    assert association.status == Association.Status.PENDING
    assert list(association.representatives.values_list("user", flat=True)) == [amina.pk]
    assert association.logo is not None and association.logo.file
    assert [message.to for message in mail.outbox] == [["moderatrice@ville.example"]]
    assert "Les Jardiniers" in mail.outbox[0].subject


def test_an_unconfirmed_account_cannot_register_an_association():
    unconfirmed = make_resident("nouveau@example.org", verified=False)
    with pytest.raises(NotEligible):
        services.register_association(user=unconfirmed, data=association_data())
    assert not Association.objects.exists()


def test_a_second_association_with_the_same_name_is_refused(amina, association):
    with pytest.raises(InvalidData) as error:
        services.register_association(user=amina, data=association_data(name="entente SPORTIVE"))
    assert "already registered" in str(error.value.errors["name"])
    assert Association.objects.count() == 1 and not Representative.objects.filter(user=amina).exists()


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("logo.png", b"not an image at all", content_type="image/png"), "not a photo"),
    (SimpleUploadedFile("logo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/gif"), "not a photo"),
])
def test_a_logo_that_is_not_a_photo_is_refused_and_nothing_is_stored(amina, upload, message):
    with pytest.raises(InvalidData) as error:
        services.register_association(user=amina, data=association_data(), logo=upload)
    assert message in str(error.value.errors["logo"])
    assert not Association.objects.exists() and not get_image_model().objects.exists()


def test_an_oversized_logo_and_a_decompression_bomb_are_refused(amina, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 100
    with pytest.raises(InvalidData) as error:
        services.register_association(user=amina, data=association_data(), logo=png())
    assert "at most" in str(error.value.errors["logo"])
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 1000  # a 64x64 image "has too many pixels" under this limit
    with pytest.raises(InvalidData) as error:
        services.register_association(user=amina, data=association_data(), logo=png())
    assert "too many pixels" in str(error.value.errors["logo"])
    assert not Association.objects.exists() and not get_image_model().objects.exists()


def test_a_moderator_approves_once_and_the_representatives_are_told(moderator, send_now):
    pending = make_association("Les Jardiniers", status=Association.Status.PENDING)
    with send_now():
        services.approve_association(association=pending, moderator=moderator, now=NOW)
    pending.refresh_from_db()
    assert pending.status == Association.Status.APPROVED and pending.reviewed_by == moderator
    assert mail.outbox[-1].to == ["les-jardiniers@asso.example"] and "validée" in mail.outbox[-1].subject  # e-mails go out in the site language
    with send_now(), pytest.raises(AlreadyReviewed):
        services.refuse_association(association=pending, moderator=moderator, reason="Doublon")
    pending.refresh_from_db()
    assert pending.status == Association.Status.APPROVED and len(mail.outbox) == 1


def test_refusing_needs_a_reason_and_a_moderator(moderator, amina, send_now):
    pending = make_association("Les Jardiniers", status=Association.Status.PENDING)
    with pytest.raises(InvalidData):
        services.refuse_association(association=pending, moderator=moderator, reason="  ")
    with pytest.raises(NotAllowed):
        services.approve_association(association=pending, moderator=amina)
    pending.refresh_from_db()
    assert pending.status == Association.Status.PENDING and mail.outbox == []
    with send_now():
        services.refuse_association(association=pending, moderator=moderator, reason="Pas une association locale.")
    assert "Pas une association locale." in mail.outbox[-1].body


def test_a_representative_adds_an_existing_confirmed_account(association, representative, amina, send_now):
    with send_now():
        services.add_representative(association=association, by=representative, email="AMINA@example.org")
    assert association.representatives.filter(user=amina).exists()
    assert mail.outbox[-1].to == ["amina@example.org"]
    with pytest.raises(InvalidData) as error:
        services.add_representative(association=association, by=representative, email="amina@example.org")
    assert "already represents" in str(error.value.errors["email"])
    with pytest.raises(InvalidData) as error:
        services.add_representative(association=association, by=representative, email="personne@example.org")
    assert "No confirmed account" in str(error.value.errors["email"])
    assert association.representatives.count() == 2


def test_only_a_representative_adds_representatives(association, amina):
    outsider = make_resident("outsider@example.org")
    with pytest.raises(NotAllowed):
        services.add_representative(association=association, by=outsider, email="amina@example.org")
    assert not association.representatives.filter(user=amina).exists()


# --- Missions -----------------------------------------------------------------------------------

def test_a_representative_of_an_approved_association_posts_a_mission(association, representative):
    first_aid = make_skill()
    mission = services.post_mission(association=association, by=representative, data=mission_data(NOW),
                                    skills=[first_aid], now=NOW)
    assert mission.association == association and list(mission.skills.all()) == [first_aid]
    assert mission.slug == "ravitaillement" and mission.created_by == representative


def test_the_mission_takes_the_association_s_council_unless_another_is_given():
    council, other = CouncilFactory(), CouncilFactory()
    association = make_association("Coup de pouce", council=council)
    representative = association.representatives.get().user
    first = services.post_mission(association=association, by=representative, data=mission_data(NOW), now=NOW)
    second = services.post_mission(association=association, by=representative, data=mission_data(NOW, council=other), now=NOW)
    assert (first.council, second.council) == (council, other)


@pytest.mark.parametrize("status", [Association.Status.PENDING, Association.Status.REFUSED])
def test_an_association_not_approved_cannot_post(status):
    association = make_association("Les Jardiniers", status=status)
    with pytest.raises(NotAllowed):
        services.post_mission(association=association, by=association.representatives.get().user,
                              data=mission_data(NOW), now=NOW)
    assert not Mission.objects.exists()


def test_an_association_cannot_post_or_change_another_s_missions(association, mission):
    other = make_association("Coup de pouce")
    intruder = other.representatives.get().user
    with pytest.raises(NotAllowed):
        services.post_mission(association=association, by=intruder, data=mission_data(NOW), now=NOW)
    with pytest.raises(NotAllowed):
        services.update_mission(mission=mission, by=intruder, data=mission_data(NOW, title="Piraté"), now=NOW)
    mission.refresh_from_db()
    assert mission.title == "Signaleurs du semi-marathon" and Mission.objects.count() == 1


@pytest.mark.parametrize("overrides, field, message", [
    ({"ends_at": NOW + timedelta(days=4)}, "ends_at", "The end must be after the start."),
    ({"starts_at": NOW - timedelta(hours=1)}, "starts_at", "This date has passed"),
    ({"schedule": "Tous les samedis", "starts_at": NOW - timedelta(days=30), "ends_at": NOW - timedelta(days=1)},
     "ends_at", "already over"),
    ({"volunteers_needed": 0}, "volunteers_needed", "between 1 and 500"),
    ({"volunteers_needed": 501}, "volunteers_needed", "between 1 and 500"),
    ({"minimum_age": 120}, "minimum_age", "between 0"),
    ({"title": "  "}, "title", "title"),
    ({"place": ""}, "place", "where"),
])
def test_bad_mission_data_is_refused_with_a_clear_message(association, representative, overrides, field, message):
    with pytest.raises(InvalidData) as error:
        services.post_mission(association=association, by=representative, data=mission_data(NOW, **overrides), now=NOW)
    assert message in str(error.value.errors[field])
    assert not Mission.objects.exists()


def test_a_recurring_mission_already_under_way_may_be_posted(association, representative):
    data = mission_data(NOW, schedule="Tous les mercredis, 14 h – 16 h", starts_at=NOW - timedelta(days=7),
                        ends_at=NOW + timedelta(days=60))
    mission = services.post_mission(association=association, by=representative, data=data, now=NOW)
    assert mission.is_recurring and mission.offers_close_at == mission.ends_at


def test_a_mission_cannot_ask_for_fewer_volunteers_than_already_accepted(mission, representative):
    for number in range(2):
        make_offer(mission, make_resident(f"v{number}@example.org"), status=Offer.Status.ACCEPTED)
    data = mission_data(NOW, volunteers_needed=1)
    with pytest.raises(InvalidData) as error:
        services.update_mission(mission=mission, by=representative, data=data, now=NOW)
    assert "2 volunteers are already accepted" in str(error.value.errors["volunteers_needed"])
    mission.refresh_from_db()
    assert mission.volunteers_needed == 2


# --- Offers -------------------------------------------------------------------------------------

def test_a_resident_offers_help_and_the_association_is_told_without_their_contact(mission, amina, send_now):
    with send_now():
        offer = services.offer_help(mission=mission, volunteer=amina, message="Je connais le parcours.", now=NOW)
    assert offer.status == Offer.Status.PENDING and offer.message == "Je connais le parcours."
    assert [message.to for message in mail.outbox] == [["entente-sportive@asso.example"]]
    assert "Je connais le parcours." in mail.outbox[0].body
    assert "amina@example.org" not in mail.outbox[0].body and "Amina" not in mail.outbox[0].body


def test_a_duplicate_offer_is_refused_and_nothing_changes(mission, amina):
    first = services.offer_help(mission=mission, volunteer=amina, message="Premier message", now=NOW)
    with pytest.raises(DuplicateOffer, match="already offered"):
        services.offer_help(mission=mission, volunteer=amina, message="Second message", now=NOW)
    assert list(Offer.objects.values_list("pk", "message")) == [(first.pk, "Premier message")]


def test_a_withdrawn_offer_may_be_made_again(mission, amina):
    offer = services.offer_help(mission=mission, volunteer=amina, now=NOW)
    services.withdraw_offer(offer=offer, volunteer=amina, now=NOW)
    again = services.offer_help(mission=mission, volunteer=amina, message="Finalement, je peux.", now=NOW)
    assert again.pk == offer.pk and again.status == Offer.Status.PENDING and Offer.objects.count() == 1


def test_no_offer_on_a_full_mission(mission, amina):
    for number in range(2):
        make_offer(mission, make_resident(f"v{number}@example.org"), status=Offer.Status.ACCEPTED)
    with pytest.raises(MissionFull, match="all the volunteers it needs"):
        services.offer_help(mission=mission, volunteer=amina, now=NOW)
    assert not Offer.objects.filter(volunteer=amina).exists()


def test_no_offer_once_a_one_off_mission_has_started(mission, amina):
    with pytest.raises(MissionClosed, match="no longer takes offers"):
        services.offer_help(mission=mission, volunteer=amina, now=mission.starts_at)
    assert not Offer.objects.exists()
    services.offer_help(mission=mission, volunteer=amina, now=mission.starts_at - timedelta(seconds=1))


def test_a_recurring_mission_takes_offers_until_it_ends(association, amina):
    recurring = make_mission(association, "Aide aux devoirs", starts_in=-timedelta(days=7), duration=timedelta(days=60),
                             schedule="Tous les mercredis", now=NOW)
    services.offer_help(mission=recurring, volunteer=amina, now=NOW)
    latecomer = make_resident("late@example.org")
    with pytest.raises(MissionClosed):
        services.offer_help(mission=recurring, volunteer=latecomer, now=recurring.ends_at)
    assert Offer.objects.count() == 1


def test_no_offer_on_one_s_own_association_s_mission_or_an_unapproved_one(mission, representative):
    with pytest.raises(NotAllowed, match="You represent this association"):
        services.offer_help(mission=mission, volunteer=representative, now=NOW)
    Association.objects.filter(pk=mission.association_id).update(status=Association.Status.PENDING)
    with pytest.raises(NotAllowed, match="not published"):
        services.offer_help(mission=mission, volunteer=make_resident("x@example.org"), now=NOW)
    assert not Offer.objects.exists()


def test_an_unconfirmed_account_cannot_offer(mission):
    with pytest.raises(NotEligible):
        services.offer_help(mission=mission, volunteer=make_resident("new@example.org", verified=False), now=NOW)
    assert not Offer.objects.exists()


def test_minimum_age_against_the_birth_year(association):
    mission = make_mission(association, minimum_age=18, now=NOW)
    too_young = make_resident("jeune@example.org", birth_year=NOW.year - 16)
    with pytest.raises(TooYoung, match="from the age of 18"):
        services.offer_help(mission=mission, volunteer=too_young, age_confirmed=True, now=NOW)
    old_enough = make_resident("adulte@example.org", birth_year=NOW.year - 30)
    assert services.offer_help(mission=mission, volunteer=old_enough, now=NOW).age_confirmed is False
    assert list(Offer.objects.values_list("volunteer", flat=True)) == [old_enough.pk]


@pytest.mark.parametrize("birth_year", [None, NOW.year - 18])  # unknown, or the birthday this year decides
def test_when_the_profile_cannot_tell_the_resident_confirms_the_minimum_age(association, birth_year):
    mission = make_mission(association, minimum_age=18, now=NOW)
    resident = make_resident("someone@example.org", birth_year=birth_year)
    with pytest.raises(InvalidData) as error:
        services.offer_help(mission=mission, volunteer=resident, now=NOW)
    assert "Confirm that you are at least that old" in str(error.value.errors["age_confirmed"])
    assert not Offer.objects.exists()
    assert services.offer_help(mission=mission, volunteer=resident, age_confirmed=True, now=NOW).age_confirmed


def test_the_association_accepts_and_both_sides_are_told_with_the_contact(mission, representative, amina, send_now):
    offer = services.offer_help(mission=mission, volunteer=amina, now=NOW)
    with send_now():
        services.accept_offer(offer=offer, by=representative, now=NOW)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED and offer.answered_by == representative
    to_association, to_volunteer = sorted(mail.outbox, key=lambda message: message.to != ["entente-sportive@asso.example"])
    assert "amina@example.org" in to_association.body and "Amina" in to_association.body
    assert to_volunteer.to == ["amina@example.org"] and "acceptée" in to_volunteer.subject
    assert "contact@entente-sportive.example" in to_volunteer.body


def test_an_association_cannot_answer_another_s_offers(mission, amina):
    offer = make_offer(mission, amina)
    intruder = make_association("Coup de pouce").representatives.get().user
    for answer in (services.accept_offer, services.decline_offer):
        with pytest.raises(NotAllowed):
            answer(offer=offer, by=intruder, now=NOW)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING and offer.answered_by is None


def test_accepting_beyond_capacity_is_refused(mission, representative):
    offers = [make_offer(mission, make_resident(f"v{number}@example.org")) for number in range(3)]
    services.accept_offer(offer=offers[0], by=representative, now=NOW)
    services.accept_offer(offer=offers[1], by=representative, now=NOW)
    with pytest.raises(MissionFull):
        services.accept_offer(offer=offers[2], by=representative, now=NOW)
    assert Offer.objects.get(pk=offers[2].pk).status == Offer.Status.PENDING


def test_an_offer_is_answered_once(mission, representative, amina, send_now):
    offer = make_offer(mission, amina)
    with send_now():
        services.decline_offer(offer=offer, by=representative, now=NOW)
    assert {tuple(message.to) for message in mail.outbox} == {("amina@example.org",), ("entente-sportive@asso.example",)}
    with pytest.raises(AlreadyAnswered):
        services.accept_offer(offer=offer, by=representative, now=NOW)
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.DECLINED and len(mail.outbox) == 2


def test_no_acceptance_once_the_mission_is_over(mission, representative, amina):
    offer = make_offer(mission, amina)
    with pytest.raises(MissionClosed, match="over"):
        services.accept_offer(offer=offer, by=representative, now=mission.ends_at)
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.PENDING


def test_withdrawing_an_accepted_offer_frees_the_place_and_tells_the_association(mission, representative, amina, send_now):
    offer = make_offer(mission, amina, status=Offer.Status.ACCEPTED)
    with pytest.raises(NotAllowed):
        services.withdraw_offer(offer=offer, volunteer=representative, now=NOW)
    with send_now():
        services.withdraw_offer(offer=offer, volunteer=amina, now=NOW)
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.WITHDRAWN
    assert Mission.objects.with_accepted_count().get(pk=mission.pk).accepted_count == 0
    assert mail.outbox[-1].to == ["entente-sportive@asso.example"] and "retiré" in mail.outbox[-1].subject
    with pytest.raises(AlreadyAnswered):
        services.withdraw_offer(offer=offer, volunteer=amina, now=NOW)


def test_the_contact_is_given_only_for_an_accepted_offer(mission, amina):
    offer = make_offer(mission, amina)
    assert services.contact_of(offer) is None
    offer.status = Offer.Status.ACCEPTED
    assert services.contact_of(offer) == {"name": "Amina", "email": "amina@example.org"}


# --- Listing ------------------------------------------------------------------------------------

def test_the_listing_shows_published_missions_taking_offers_with_filters():
    tilleuls, port = CouncilFactory(name="Les Tilleuls"), CouncilFactory(name="Port")
    first_aid, garden = make_skill("Premiers secours"), make_skill("Jardinage")
    association = make_association("Entente sportive", council=port)
    soon = make_mission(association, "Demain", starts_in=timedelta(days=1), now=NOW, skills=[first_aid])
    later = make_mission(association, "Dans deux mois", starts_in=timedelta(days=60), now=NOW, council=tilleuls,
                         skills=[garden])
    make_mission(association, "Passée", starts_in=-timedelta(days=1), now=NOW)
    make_mission(make_association("Pas encore approuvée", status=Association.Status.PENDING), "Cachée", now=NOW)

    def titles(**filters):
        return [mission.title for mission in services.listed_missions(now=NOW, **filters)]

    assert titles() == ["Demain", "Dans deux mois"]
    assert titles(council=tilleuls) == ["Dans deux mois"]
    assert titles(skill=first_aid) == ["Demain"]
    assert titles(date_from=(NOW + timedelta(days=30)).date()) == ["Dans deux mois"]
    assert titles(date_to=(NOW + timedelta(days=2)).date()) == ["Demain"]
    assert titles(period=services.THIS_MONTH) == (["Demain"] if soon.starts_at.month == NOW.month else [])
    assert later.title not in titles(period=services.THIS_WEEK)


def test_this_week_runs_to_sunday_night():
    monday = timezone.make_aware(timezone.datetime(2027, 6, 14, 10, 0))
    association = make_association("Entente sportive")
    make_mission(association, "Dimanche", starts_in=timedelta(days=6, hours=8), now=monday)
    make_mission(association, "Lundi suivant", starts_in=timedelta(days=7, hours=1), now=monday)
    make_mission(association, "Fin juin", starts_in=timedelta(days=15), now=monday)
    week = [mission.title for mission in services.listed_missions(period=services.THIS_WEEK, now=monday)]
    month = [mission.title for mission in services.listed_missions(period=services.THIS_MONTH, now=monday)]
    assert week == ["Dimanche"] and month == ["Dimanche", "Lundi suivant", "Fin juin"]


# --- Privacy ------------------------------------------------------------------------------------

def test_offers_and_roles_join_the_resident_s_data_download(mission, amina):
    from accounts.privacy import export_personal_data

    make_offer(mission, amina, message="Disponible le matin")
    Representative.objects.create(association=make_association("Coup de pouce"), user=amina)
    data = export_personal_data(amina)
    assert [(offer["mission"], offer["message"]) for offer in data["volunteering_offers"]] == [
        ("Signaleurs du semi-marathon", "Disponible le matin")]
    assert [role["association"] for role in data["volunteering_roles"]] == ["Coup de pouce"]


def test_deleting_the_account_withdraws_pending_offers_and_anonymises(association, mission, amina):
    from accounts.privacy import erase_account

    pending = make_offer(mission, amina, message="Mon numéro : 06…")
    accepted = make_offer(make_mission(association, "Autre", now=NOW), amina, status=Offer.Status.ACCEPTED)
    Representative.objects.create(association=make_association("Coup de pouce"), user=amina)
    erase_account(amina)
    pending.refresh_from_db()
    accepted.refresh_from_db()
    assert (pending.status, pending.volunteer, pending.message) == (Offer.Status.WITHDRAWN, None, "")
    assert (accepted.status, accepted.volunteer, accepted.message) == (Offer.Status.ACCEPTED, None, "")


def test_each_recipient_gets_their_own_message_and_a_vanished_offer_sends_nothing(mission, representative, amina, send_now):
    from volunteering import tasks

    second = make_resident("second@asso.example")
    Representative.objects.create(association=mission.association, user=second)
    offer = make_offer(mission, amina)
    assert tasks.send_offer_emails(offer_id=offer.pk, event="offered") == 2
    assert sorted(message.to for message in mail.outbox) == [["entente-sportive@asso.example"], ["second@asso.example"]]
    offer.delete()
    assert tasks.send_offer_emails(offer_id=offer.pk, event="accepted") == 0 and len(mail.outbox) == 2
