"""An accredited helper proposes an idea with a resident: the resident's code, "made with help", the log, refusals."""

import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import AccreditedHelper, AssistanceEvent, AssistedRequest
from budget.models import Idea
from budget.phases import Phase

from ..accounts.factories import make_resident
from ..home.utils import make_home
from .factories import IDEA_DATA, make_budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget():
    return make_budget(make_home(), phase=Phase.IDEAS)


@pytest.fixture
def resident():
    return make_resident("odette@example.org", display_name="Odette")


@pytest.fixture
def helper(client):
    user = make_resident("guichet@example.org", display_name="Guichet")
    AccreditedHelper.objects.create(user=user, role=AccreditedHelper.Role.DESK)
    client.force_login(user)
    return user


def prepare(client, budget, **changes):
    data = {key: ("" if value is None else value) for key, value in
            {**IDEA_DATA, "resident_email": "odette@example.org", "attested": "on", **changes}.items()}
    return client.post(budget.url + "idees/proposer-avec-aide/", data)


def sent_code() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def test_a_helper_submits_an_idea_the_resident_confirms_with_their_code(client, budget, resident, helper):
    response = prepare(client, budget)
    assert response.status_code == 302 and not Idea.objects.exists()
    assert mail.outbox[-1].to == ["odette@example.org"] and "Un jardin partagé" in mail.outbox[-1].body
    response = client.post(response["Location"], {"code": sent_code()})
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == budget.idea_url(idea)
    assert idea.author == resident and idea.assisted_by == helper and idea.title == "Un jardin partagé"
    with translation.override("fr"):
        badge = gettext("made with help")
    assert badge in client.get(budget.idea_url(idea)).content.decode()
    assert list(AssistanceEvent.objects.order_by("pk").values_list("event", "helper", "resident", "action")) == [
        ("prepared", helper.pk, resident.pk, "budget.idea"), ("confirmed", helper.pk, resident.pk, "budget.idea")]
    # The code works once.
    client.post(response["Location"].replace(f"idees/{idea.pk}/", f"idees/proposer-avec-aide/{AssistedRequest.objects.get().pk}/"),
                {"code": "000000"})
    assert Idea.objects.count() == 1


def test_without_the_residents_confirmation_nothing_is_submitted(client, budget, resident, helper):
    response = prepare(client, budget, attested=None)  # no attestation: no code sent either
    assert response.status_code == 400 and not AssistedRequest.objects.exists() and not mail.outbox
    response = prepare(client, budget)
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    confirm_url = response["Location"]
    for _ in range(5):
        assert client.post(confirm_url, {"code": wrong}).status_code == 400
    assert client.post(confirm_url, {"code": code}).status_code == 400  # five wrong tries: the request is over
    assert not Idea.objects.exists()
    assert AssistanceEvent.objects.filter(event="refused").count() == 6


def test_a_resident_without_an_account_gets_a_clear_refusal(client, budget, helper):
    response = prepare(client, budget, resident_email="personne@example.org")
    assert response.status_code == 400 and not AssistedRequest.objects.exists() and not Idea.objects.exists()


def test_a_non_accredited_user_gets_403_and_nothing_changes(client, budget, resident):
    someone = make_resident("curieux@example.org")
    client.force_login(someone)
    assert prepare(client, budget).status_code == 403
    AccreditedHelper.objects.create(user=someone, role=AccreditedHelper.Role.AMBASSADOR, active=False)
    assert prepare(client, budget).status_code == 403
    assert client.post(budget.url + "idees/proposer-avec-aide/1/", {"code": "123456"}).status_code == 403
    assert not AssistedRequest.objects.exists() and not Idea.objects.exists() and not mail.outbox


def test_another_helper_cannot_use_a_request(client, budget, resident, helper):
    confirm_url = prepare(client, budget)["Location"]
    code = sent_code()
    other = make_resident("ambassadeur@example.org")
    AccreditedHelper.objects.create(user=other, role=AccreditedHelper.Role.AMBASSADOR)
    client.force_login(other)
    assert client.post(confirm_url, {"code": code}).status_code == 400
    assert not Idea.objects.exists()


def test_the_submission_block_links_helpers_to_the_assisted_form(client, budget, helper):
    assert "idees/proposer-avec-aide/" in client.get(budget.url).content.decode()
    client.force_login(make_resident("autre@example.org"))
    assert "idees/proposer-avec-aide/" not in client.get(budget.url).content.decode()
