"""Replayed requests: the same vote, answers, trustee's answer or application posted again count once."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from councils.models import Candidate
from voting.models import Ballot, Participation
from voting.services import ceremony
from voting.simulation import DEMO_PASSPHRASE
from voting.trustee import steps
from voting.voter import encrypt_choice

from ..voting.factories import make_contest

pytestmark = pytest.mark.django_db


def voter(town) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(town.other)
    return client


def encrypted(contest, position: int) -> dict:
    """What the voter's device posts for the option at ``position``: the encrypted ballot and its tracker."""
    option = contest.options.order_by("position")[position]
    ballot = encrypt_choice(contest.manifest, contest.manifest_hash, contest.public_key, [option.pk])[0]
    return {"ballot": ballot.to_json(), "tracker": ballot.hash}


def test_a_replayed_cast_request_records_one_ballot(town, nothing_changed):
    client = voter(town)
    contest = town.contest
    posted = encrypted(contest, 0)
    first = client.post(f"/vote/{contest.pk}/voter/", posted)
    assert first.status_code == 302 and "/recu/" in first["Location"]
    assert Ballot.objects.filter(contest=contest).count() == 1

    with nothing_changed():
        # The same request again, and another choice encrypted afresh.
        again = client.post(f"/vote/{contest.pk}/voter/", posted, follow=True)
        changed_mind = client.post(f"/vote/{contest.pk}/voter/", encrypted(contest, 1), follow=True)
    assert again.status_code == changed_mind.status_code == 200
    assert "déjà voté" in again.content.decode() and "déjà voté" in changed_mind.content.decode()
    assert Participation.objects.filter(contest=contest).count() == 1


def test_a_replayed_consultation_cast_records_one_ballot_per_question(town, nothing_changed):
    client = voter(town)
    page = town.consultation
    contest = page.contests()[0]
    # What the page posts: each question's ballot encrypted on the device, never the answer in clear.
    data = {"ballots": json.dumps({str(contest.pk): encrypted(contest, 0)["ballot"]})}
    assert client.post(page.url + "voter/", data).status_code == 302
    with nothing_changed():
        replay = client.post(page.url + "voter/", data, follow=True)
    assert replay.status_code == 200
    assert Ballot.objects.filter(contest=contest).count() == 1


def test_a_replayed_trustee_answer_is_refused_and_changes_nothing(town, nothing_changed):
    contest = ceremony.start_key_ceremony(contest=make_contest(title="À sceller"))
    trustee = contest.trustees.order_by("index").first()
    client = Client(raise_request_exception=True)
    client.force_login(trustee.user)
    task = client.get(reverse("voting:trustee_task", args=[trustee.pk])).json()
    _key_file, answer = steps.new_keys(task, DEMO_PASSPHRASE, iterations=1_000)
    url = reverse("voting:trustee_answer", args=[trustee.pk])
    first = client.post(url, json.dumps(answer), content_type="application/json")
    assert first.status_code == 200 and "message" in first.json()
    trustee.refresh_from_db()
    assert trustee.certificate == answer["certificate"]
    with nothing_changed():
        second = client.post(url, json.dumps(answer), content_type="application/json")
    assert second.status_code == 400 and "error" in second.json()


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
