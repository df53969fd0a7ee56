"""Replayed requests: the same vote, answers, share or application posted again count once."""

import pytest
from django.test import Client

from councils.models import Candidate
from voting.models import Ballot, Participation, TrusteeShare

from voting.services import setup

from ..voting.factories import make_contest

pytestmark = pytest.mark.django_db


def voter(town) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(town.other)
    return client


def test_a_replayed_cast_request_records_one_ballot(town, nothing_changed):
    client = voter(town)
    contest = town.contest
    option = str(contest.options.order_by("position").first().pk)
    confirm = client.post(f"/vote/{contest.pk}/confirmer/", {"choice": option})
    assert confirm.status_code == 200
    first = client.post(f"/vote/{contest.pk}/voter/", {"choice": option})
    assert first.status_code == 302 and "/recu/" in first["Location"]
    assert Ballot.objects.filter(contest=contest).count() == 1

    with nothing_changed():
        # The same request again, the confirmation page's form re-posted, and another choice.
        again = client.post(f"/vote/{contest.pk}/voter/", {"choice": option}, follow=True)
        reconfirmed = client.post(f"/vote/{contest.pk}/confirmer/", {"choice": option})
        other = str(contest.options.order_by("position").last().pk)
        changed_mind = client.post(f"/vote/{contest.pk}/voter/", {"choice": other}, follow=True)
    assert again.status_code == changed_mind.status_code == 200
    assert "déjà voté" in again.content.decode()
    assert reconfirmed.status_code in (200, 302)
    assert Participation.objects.filter(contest=contest).count() == 1


def test_a_replayed_consultation_cast_records_one_ballot_per_question(town, nothing_changed):
    client = voter(town)
    page = town.consultation
    contest = page.contests()[0]
    data = {f"q{contest.pk}-choice": str(contest.options.order_by("position").first().pk)}
    assert client.post(page.url + "voter/", data).status_code == 302
    with nothing_changed():
        replay = client.post(page.url + "voter/", data, follow=True)
    assert replay.status_code == 200
    assert Ballot.objects.filter(contest=contest).count() == 1


def test_a_key_share_is_handed_out_once(town, nothing_changed):
    contest = setup.seal_contest(contest=make_contest(title="À sceller"))
    trustee = contest.trustees.order_by("index").first()
    client = Client(raise_request_exception=True)
    client.force_login(trustee.user)
    first = client.post(f"/vote/garant/{trustee.pk}/cle/")
    assert first.status_code == 200 and first["Content-Type"] == "application/json"
    with nothing_changed():
        second = client.post(f"/vote/garant/{trustee.pk}/cle/", follow=True)
    assert second.status_code == 200 and second["Content-Type"].startswith("text/html")
    assert not TrusteeShare.objects.filter(trustee=trustee).exists()  # deleted at the first download


def test_a_replayed_application_records_one_candidate(town, nothing_changed):
    client = voter(town)
    url = town.election.url + "candidature/"
    data = {"council": str(town.town["centre"].pk), "name": "Jean Dupont", "statement": "Je me présente.",
            "video_url": "", "consent": "on"}
    assert client.post(url, data).status_code == 302
    with nothing_changed():
        replay = client.post(url, data)
    assert replay.status_code == 200
    assert Candidate.objects.filter(election=town.election, user=town.other).count() == 1
