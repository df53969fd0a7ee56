"""Guessing: logins lock after 5 failures (django-axes; residents' login and the admin's are covered in
tests/accounts/test_login_throttling.py), roll matching stops after 5 failures per account and contest,
and after MAX_ATTEMPTS_PER_SOURCE per contest from one address, however many accounts it uses."""

import pytest
from django.test import Client

from voting.models import Voter
from voting.services.roll_matching import MAX_ATTEMPTS, MAX_ATTEMPTS_PER_SOURCE

from ..accounts.factories import make_resident
from ..voting.factories import make_ready_roll, open_contest

pytestmark = pytest.mark.django_db

WRONG = {"family_name": "Inconnu", "birth_date": "1990-01-01", "place": "1"}
RIGHT = {"family_name": "Dupont", "birth_date": "1980-07-14", "place": "1"}


@pytest.fixture
def roll_contest():
    contest, _secrets = open_contest(roll=make_ready_roll(), title="Élection")
    return contest


def attempt(client, contest, details, **extra):
    data = {f"roll{contest.pk}-{name}": value for name, value in details.items()}
    return client.post(f"/vote/{contest.pk}/inscription/", data, follow=True, **extra)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_an_account_is_stopped_after_five_wrong_guesses_even_with_the_right_details_next(roll_contest):
    client = Client()
    client.force_login(make_resident("devin@example.org"))
    for _ in range(MAX_ATTEMPTS):
        attempt(client, roll_contest, WRONG)
    locked = attempt(client, roll_contest, RIGHT)
    assert locked.status_code == 200
    assert any("Trop de tentatives" in message for message in messages_of(locked))
    assert not Voter.objects.filter(contest=roll_contest, user__isnull=False).exists()


def test_one_address_with_many_accounts_is_stopped_too(roll_contest):
    """Five guesses per account, but one address: the roll cannot be enumerated by opening accounts."""
    guesses = 0
    account = 0
    locked = None
    while guesses < MAX_ATTEMPTS_PER_SOURCE:
        client = Client(REMOTE_ADDR="198.51.100.7")
        client.force_login(make_resident(f"devin{account}@example.org", display_name="Devin"))
        for _ in range(MAX_ATTEMPTS):
            if guesses == MAX_ATTEMPTS_PER_SOURCE:
                break
            attempt(client, roll_contest, WRONG)
            guesses += 1
        account += 1
    fresh = Client(REMOTE_ADDR="198.51.100.7")
    fresh.force_login(make_resident("encore@example.org", display_name="Encore"))
    locked = attempt(fresh, roll_contest, RIGHT)
    assert any("Trop de tentatives" in message for message in messages_of(locked))
    assert not Voter.objects.filter(contest=roll_contest, user__isnull=False).exists()
    # Someone else, elsewhere, is not affected.
    elsewhere = Client(REMOTE_ADDR="203.0.113.20")
    elsewhere.force_login(make_resident("marie@example.org", display_name="Marie"))
    assert any("électorale" in message for message in messages_of(attempt(elsewhere, roll_contest, RIGHT)))
    assert Voter.objects.filter(contest=roll_contest, user__email="marie@example.org").exists()


def test_behind_a_proxy_the_limit_follows_the_client_not_the_proxy(roll_contest, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for account in range(MAX_ATTEMPTS_PER_SOURCE // MAX_ATTEMPTS):
        client = Client(**proxy)
        client.force_login(make_resident(f"devin{account}@example.org", display_name="Devin"))
        for _ in range(MAX_ATTEMPTS):
            # The attacker writes its own X-Forwarded-For; our proxy appends the real address.
            attempt(client, roll_contest, WRONG, HTTP_X_FORWARDED_FOR=f"1.2.3.{account}, 198.51.100.7")
    honest = Client(**proxy)
    honest.force_login(make_resident("marie@example.org", display_name="Marie"))
    response = attempt(honest, roll_contest, RIGHT, HTTP_X_FORWARDED_FOR="203.0.113.20")
    assert Voter.objects.filter(contest=roll_contest, user__email="marie@example.org").exists(), messages_of(response)


def test_election_roll_proof_counts_against_the_address_too(town):
    """The election page tries each council's ballot; one address is stopped there as well."""
    url = town.election.url + "inscription/"
    from datetime import timedelta

    from django.utils import timezone

    from councils.votes import elections

    from ..councils.election_factories import candidate, open_now, play_ceremonies
    from ..voting.factories import make_user

    election = town.election
    type(election).objects.filter(pk=election.pk).update(applications_close_at=timezone.now() - timedelta(minutes=1))
    election.refresh_from_db()
    for council, name in [(town.town["centre"], "Alice"), (town.town["pres"], "Denis")]:
        candidate(election, council, name)
    sealed = elections.seal_ballots(election=election, actor=make_user("officier", is_staff=True))
    play_ceremonies(sealed)
    open_now(sealed)
    wrong = {"roll-family_name": "Inconnu", "roll-birth_date": "1990-01-01", "roll-place": "1"}
    for account in range(MAX_ATTEMPTS_PER_SOURCE // MAX_ATTEMPTS + 1):
        client = Client(REMOTE_ADDR="198.51.100.7")
        client.force_login(make_resident(f"devin{account}@example.org", display_name="Devin"))
        for _ in range(MAX_ATTEMPTS):
            client.post(url, wrong)
    client = Client(REMOTE_ADDR="198.51.100.7")
    client.force_login(make_resident("encore@example.org", display_name="Encore"))
    response = client.post(url, {"roll-family_name": "Dupont", "roll-birth_date": "1980-07-14", "roll-place": "1"},
                           follow=True)
    assert any("Trop de tentatives" in message for message in messages_of(response))
    assert not Voter.objects.filter(user__email="encore@example.org").exists()
