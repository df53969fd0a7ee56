"""An accredited helper makes an offer of help with a resident: the resident's code, "made with help", the log, refusals."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AccreditedHelper, AssistanceEvent, AssistedRequest
from volunteering.models import Offer

from ..accounts.factories import make_resident
from .factories import make_mission

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission(association):
    return make_mission(association)


@pytest.fixture
def resident():
    return make_resident("odette@example.org", display_name="Odette")


@pytest.fixture
def helper(client):
    user = make_resident("ambassadrice@example.org", display_name="Ambassadrice")
    AccreditedHelper.objects.create(user=user, role=AccreditedHelper.Role.AMBASSADOR)
    client.force_login(user)
    return user


def prepare(client, mission, **changes):
    data = {"message": "Je peux tenir le stand.", "resident_email": "odette@example.org", "attested": "on", **changes}
    return client.post(reverse("volunteering:assisted_offer", args=[mission.pk]),
                       {key: value for key, value in data.items() if value is not None})


def test_a_helper_makes_an_offer_the_resident_confirms_with_their_code(client, mission, resident, helper, representative):
    response = prepare(client, mission)
    assert response.status_code == 302 and not Offer.objects.exists()
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    assert mail.outbox[-1].to == ["odette@example.org"]
    response = client.post(response["Location"], {"code": code})
    offer = Offer.objects.get()
    assert response.status_code == 302
    assert offer.volunteer == resident and offer.assisted_by == helper and offer.message == "Je peux tenir le stand."
    assert list(AssistanceEvent.objects.order_by("pk").values_list("event", "action", "object_id")) == [
        ("prepared", "volunteering.offer", ""), ("confirmed", "volunteering.offer", str(offer.pk))]
    client.force_login(representative)
    page = client.get(reverse("volunteering:association", args=[mission.association.pk])).content.decode()
    assert "badge text-bg-light border" in page  # the association sees it was made with help


def test_without_the_residents_code_or_attestation_nothing_is_offered(client, mission, resident, helper):
    assert prepare(client, mission, attested=None).status_code == 400
    assert not AssistedRequest.objects.exists() and not mail.outbox
    confirm_url = prepare(client, mission)["Location"]
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    assert client.post(confirm_url, {"code": "000000" if code != "000000" else "111111"}).status_code == 400
    assert client.post(confirm_url, {"code": "12"}).status_code == 400
    assert not Offer.objects.exists()


def test_a_non_accredited_user_gets_403_and_nothing_changes(client, mission, resident):
    client.force_login(make_resident("curieux@example.org"))
    assert prepare(client, mission).status_code == 403
    assert client.post(reverse("volunteering:confirm_assisted_offer", args=[1]), {"code": "123456"}).status_code == 403
    assert not AssistedRequest.objects.exists() and not Offer.objects.exists() and not mail.outbox


def test_the_mission_page_links_helpers_to_the_assisted_form(client, mission, helper):
    from volunteering.services import mission_url

    from ..home.utils import make_home
    from .factories import make_index

    make_index(make_home())
    assisted = reverse("volunteering:assisted_offer", args=[mission.pk])
    assert assisted in client.get(mission_url(mission)).content.decode()
    client.force_login(make_resident("autre@example.org"))
    assert assisted not in client.get(mission_url(mission)).content.decode()
