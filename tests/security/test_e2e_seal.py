"""End-to-end encryption's seals: what a trustee's device or a voter's device signed or proved for one vote,
one ceremony, one ballot, cannot be replayed into another or altered on the way. Each is refused and
nothing is written."""

import copy
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from voting.crypto import group
from voting.exceptions import InvalidAnswer, InvalidBallot
from voting.models import Ballot, Contest, Participation, Trustee
from voting.services import ceremony, counting
from voting.services.casting import cast_ballot
from voting.simulation import DEMO_PASSPHRASE, run_key_ceremony
from voting.trustee import steps
from voting.trustee.keyfile import open_key_file
from voting.voter import encrypt_choice

from ..voting.factories import close, make_contest, make_user, open_contest, option_ids, vote

pytestmark = pytest.mark.django_db


def twin_contests():
    """Two votes whose first trustee is the same person, both in their key ceremony."""
    first, second = make_contest(title="Vote A"), make_contest(title="Vote B")
    shared = first.trustees.order_by("pk").first().user
    Trustee.objects.filter(pk=second.trustees.order_by("pk").first().pk).update(user=shared)
    return ceremony.start_key_ceremony(contest=first), ceremony.start_key_ceremony(contest=second), shared


def trustee(contest, index=1) -> Trustee:
    return Trustee.objects.select_related("contest").get(contest=contest, index=index)


def certificates(contest) -> dict:
    """Every trustee of ``contest`` makes their keys; their secrets by index."""
    secrets = {}
    for member in contest.trustees.order_by("index"):
        sealed, answer = steps.new_keys(ceremony.ceremony_task(trustee=member), DEMO_PASSPHRASE, iterations=1_000)
        secrets[member.index] = open_key_file(sealed, DEMO_PASSPHRASE)
        ceremony.submit_ceremony_answer(trustee=member, user=member.user, answer=answer)
    return secrets


def refused_everywhere(target: Trustee, user, answer: dict) -> None:
    """The answer as replayed, then with its header rewritten for the target: refused by the service both times."""
    rewritten = {**answer, "ceremony": target.contest.ceremony_hash, "trustee": target.index}
    for attempt in (answer, rewritten):
        with pytest.raises(InvalidAnswer):
            ceremony.submit_ceremony_answer(trustee=target, user=user, answer=attempt)


# --- Trustees' answers ------------------------------------------------------------------------------------


def test_a_certificate_replayed_into_another_contest_is_refused_and_changes_nothing(nothing_changed):
    first, second, shared = twin_contests()
    mine = trustee(first)
    _sealed, answer = steps.new_keys(ceremony.ceremony_task(trustee=mine), DEMO_PASSPHRASE, iterations=1_000)
    ceremony.submit_ceremony_answer(trustee=mine, user=shared, answer=answer)
    target = trustee(second)
    client = Client(raise_request_exception=True)
    client.force_login(shared)
    with nothing_changed():
        response = client.post(reverse("voting:trustee_answer", args=[target.pk]), json.dumps(answer),
                               content_type="application/json")
        refused_everywhere(target, shared, answer)
    assert response.status_code == 400 and "error" in response.json()
    assert trustee(second).certificate is None and trustee(first).certificate == answer["certificate"]


def test_a_polynomial_replayed_into_another_contest_is_refused_and_changes_nothing(nothing_changed):
    first, second, shared = twin_contests()
    secrets = certificates(first)
    certificates(second)
    task = ceremony.ceremony_task(trustee=trustee(first))
    assert task["step"] == "polynomial"
    answer = steps.answer(task, secrets[1])
    with nothing_changed():
        refused_everywhere(trustee(second), shared, answer)
    assert trustee(second).polynomial is None
    ceremony.submit_ceremony_answer(trustee=trustee(first), user=shared, answer=answer)  # where it belongs: taken


def test_an_answer_of_an_earlier_ceremony_is_refused_after_a_restart(nothing_changed):
    contest = ceremony.start_key_ceremony(contest=make_contest(title="Recommencé"))
    mine = trustee(contest)
    _sealed, old = steps.new_keys(ceremony.ceremony_task(trustee=mine), DEMO_PASSPHRASE, iterations=1_000)
    ceremony.submit_ceremony_answer(trustee=mine, user=mine.user, answer=old)
    contest = ceremony.restart_key_ceremony(contest=contest, actor=make_user("greffe"))
    assert old["ceremony"] != contest.ceremony_hash
    with nothing_changed():
        refused_everywhere(trustee(contest), mine.user, old)
    assert trustee(contest).certificate is None
    mine = trustee(contest)
    _sealed, fresh = steps.new_keys(ceremony.ceremony_task(trustee=mine), DEMO_PASSPHRASE, iterations=1_000)
    assert ceremony.submit_ceremony_answer(trustee=mine, user=mine.user, answer=fresh) == "certificate"


def test_a_decryption_replayed_into_another_contest_is_refused_and_changes_nothing(nothing_changed):
    first, second, shared = twin_contests()
    secrets = {contest.pk: run_key_ceremony(contest) for contest in (first, second)}
    Contest.objects.filter(pk__in=[first.pk, second.pk]).update(opens_at=timezone.now() - timedelta(minutes=1))
    for contest in (first, second):
        contest.refresh_from_db()
        vote(contest, make_user(f"votant-{contest.pk}"), [option_ids(contest)["Oui"]])
        close(contest)
    answer = steps.answer(counting.decryption_task(trustee=trustee(first)), secrets[first.pk][1])
    target_task = counting.decryption_task(trustee=trustee(second))  # closes the second box: it waits for decryptions
    rewritten = {**answer, "ceremony": target_task["ceremony"]}
    with nothing_changed():
        for attempt in (answer, rewritten):
            with pytest.raises(InvalidAnswer):
                counting.submit_partial_decryption(trustee=trustee(second), user=shared, answer=attempt)
    assert trustee(second).partial_decryption is None
    counting.submit_partial_decryption(trustee=trustee(second), user=shared,
                                       answer=steps.answer(target_task, secrets[second.pk][1]))


# --- Voters' ballots ----------------------------------------------------------------------------------------


def encrypted(contest, label="Oui"):
    return encrypt_choice(contest.manifest, contest.manifest_hash, contest.public_key, [option_ids(contest)[label]])[0]


def test_a_ballot_encrypted_for_one_contest_is_refused_in_another_and_nothing_is_written(nothing_changed):
    first, _secrets = open_contest(title="Vote A")
    second, _secrets = open_contest(title="Vote B")
    resident = make_user("marie")
    ballot = encrypted(first)
    client = Client(raise_request_exception=True)
    client.force_login(resident)
    with nothing_changed():
        with pytest.raises(InvalidBallot):
            cast_ballot(contest=second, user=resident, payload=ballot.to_json())
        response = client.post(reverse("voting:cast", args=[second.pk]),
                               {"ballot": ballot.to_json(), "tracker": ballot.hash})
    assert response.status_code == 302 and "/recu/" not in response["Location"]
    assert not Participation.objects.exists() and not Ballot.objects.exists()
    # Nothing was spent: the same resident still votes in both, each with a ballot made for it.
    cast_ballot(contest=first, user=resident, payload=ballot.to_json())
    cast_ballot(contest=second, user=resident, payload=encrypted(second).to_json())
    assert Participation.objects.filter(voter__user=resident).count() == 2


def altered(ballot, where: str) -> str:
    """The ballot's canonical JSON with one proof changed: a response (or challenge) moved by one."""
    data = copy.deepcopy(ballot.to_dict())
    if where == "choice proof":
        branch = data["choice_proofs"][0][0]
    elif where == "sum proof":
        branch = data["sum_proof"][0]
    else:  # the challenge of the last slot's second branch
        branch = data["choice_proofs"][-1][1]
    key = "challenge" if where == "challenge" else "response"
    branch[key] = group.scalar_to_hex((group.scalar_from_hex(branch[key]) + 1) % group.ORDER)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


@pytest.mark.parametrize("where", ["choice proof", "sum proof", "challenge"])
def test_a_ballot_whose_proof_was_altered_is_refused_and_nothing_is_written(nothing_changed, where):
    contest, _secrets = open_contest(title="Vote")
    resident = make_user("marie")
    ballot = encrypted(contest)
    forged = altered(ballot, where)
    assert forged != ballot.to_json()
    client = Client(raise_request_exception=True)
    client.force_login(resident)
    with nothing_changed():
        with pytest.raises(InvalidBallot):
            cast_ballot(contest=contest, user=resident, payload=forged)
        response = client.post(reverse("voting:cast", args=[contest.pk]), {"ballot": forged})
    assert response.status_code == 302 and "/recu/" not in response["Location"]
    assert not Participation.objects.exists() and not Ballot.objects.exists()
    assert cast_ballot(contest=contest, user=resident, payload=ballot.to_json()) == ballot.hash
