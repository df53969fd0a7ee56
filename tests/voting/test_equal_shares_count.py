"""Counting by equal shares from secret ballots: shuffle with proof, trustees decrypt, verifier recounts.

A small budget vote runs end to end through the services (voters' devices
encrypt, trustees' devices check the shuffle and decrypt); the published
record passes the standalone verifier, and each kind of tampering (shuffle,
decryption proof, profile, winners) fails the check meant to catch it.
"""

import copy
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from voting.crypto.group import GENERATOR
from voting.crypto.shuffle import reencrypt
from voting.crypto.elgamal import Ciphertext
from voting.crypto import ThresholdPublicKey
from voting.exceptions import InvalidAnswer
from voting.models import Contest, Mix, Trustee
from voting.rules.equal_shares import equal_shares
from voting.services import counting, mixing
from voting.services.record import build_record
from voting.trustee import steps
from voting.verify import verify_record

from .factories import close, decrypt, make_user, open_contest, option_ids
from .factories import vote as vote_as

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]
PROJECTS = [("Parc", 6_000), ("Bancs", 1_000), ("Piste", 5_000), ("Jardin", 3_000), ("Fontaine", 4_000)]
# A majority (5) loves Parc and Piste; a minority (3) wants Jardin: greedy would give the majority
# everything, equal shares funds the minority's project too.
BALLOTS = [["Parc", "Piste"]] * 5 + [["Jardin", "Bancs"]] * 3 + [[]]


def budget_contest(winners_rule="equal-shares"):
    return open_contest(rule=Contest.Rule.APPROVAL, max_choices=3, envelope=12_000, options=PROJECTS,
                        winners_rule=winners_rule)


def cast(contest, ballots):
    ids = option_ids(contest)
    for number, choice in enumerate(ballots):
        vote_as(contest, make_user(f"es{contest.pk}v{number}"), [ids[label] for label in choice])


def counted(ballots=BALLOTS, winners_rule="equal-shares"):
    contest, secrets = budget_contest(winners_rule)
    cast(contest, ballots)
    close(contest)
    decrypt(contest, secrets)
    counting.count_contest(contest=contest)
    counting.proclaim(contest=contest, actor=make_user(f"officer{contest.pk}"))
    contest.refresh_from_db()
    return contest, secrets


def test_a_small_vote_is_counted_by_equal_shares_and_the_record_verifies(tmp_path):
    contest, _ = counted()
    ids = option_ids(contest)
    result = contest.result
    # The profile is the ballots, shuffled: the same multiset, order not kept.
    expected = [sorted(ids[label] for label in ballot) for ballot in BALLOTS]
    assert Counter(tuple(sorted(b)) for b in result.approvals) == Counter(tuple(b) for b in expected)
    costs = {ids[label]: cost for label, cost in PROJECTS}
    direct = equal_shares(costs=costs, ballots=[b for b in expected if b], envelope=12_000)
    assert result.outcome["winners"] == list(direct.winners)
    assert ids["Jardin"] in result.outcome["winners"]  # the minority gets its share
    assert set(result.outcome["payments"]) >= {str(ids["Jardin"])}
    assert Mix.objects.get(contest=contest).proof is not None

    record = build_record(contest)
    assert record["format"] == "parvis-record/4" and record["equal_shares"]["outcome"] == result.outcome
    report = verify_record(json.loads(json.dumps(record)))
    assert report.ok, report.render()
    assert {report[name].status for name in ("shuffle", "shuffle_decryptions", "winners")} == {"passed"}

    path = tmp_path / "record.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "voting.verify", str(path), "--skip-proofs"], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Winners by equal shares" in done.stdout


@pytest.fixture(scope="module")
def published(django_db_blocker):
    """One counted contest's record, shared by the tampering tests (built in its own transaction)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            contest, _ = counted()
            record = json.loads(json.dumps(build_record(contest)))
            transaction.set_rollback(True)
    return record


def tampered(record, change):
    changed = copy.deepcopy(record)
    change(changed)
    return verify_record(changed, check_proofs=False)


def reencrypted_first(record):
    public = ThresholdPublicKey.from_dict(record["manifest"]["public_key"]).public_key
    first = Ciphertext.from_dict(record["equal_shares"]["shuffled"][0][0])
    # Same plaintext, fresh randomness: the proof no longer matches the published outputs.
    record["equal_shares"]["shuffled"][0][0] = reencrypt(public, first, 12345).to_dict()


def swap_first_two(record):
    shuffled = record["equal_shares"]["shuffled"]
    shuffled[0], shuffled[1] = shuffled[1], shuffled[0]


def wrong_decryption_proof(record):
    proof = record["equal_shares"]["partial_decryptions"][0]["proofs"][0]
    proof["response"] = proof["challenge"]


def wrong_factor(record):
    record["equal_shares"]["partial_decryptions"][1]["factors"][0] = GENERATOR.to_hex()


def changed_profile(record):
    approvals = record["equal_shares"]["approvals"]
    empty = next(i for i, ballot in enumerate(approvals) if not ballot)
    approvals[empty] = [record["manifest"]["options"][0]["id"]]


def changed_winners(record):
    record["equal_shares"]["outcome"]["winners"].reverse()


def changed_payment(record):
    payments = record["equal_shares"]["outcome"]["payments"]
    first = next(iter(payments))
    payments[first][0][0] = "1"


@pytest.mark.parametrize(("change", "failed"), [
    (reencrypted_first, {"shuffle", "shuffle_decryptions"}),
    (swap_first_two, {"shuffle", "shuffle_decryptions"}),
    (wrong_decryption_proof, {"shuffle_decryptions"}),
    (wrong_factor, {"shuffle_decryptions"}),
    (changed_profile, {"shuffle_decryptions", "winners"}),
    (changed_winners, {"winners"}),
    (changed_payment, {"winners"}),
    (lambda r: r["equal_shares"].pop("shuffle_proof"), {"shuffle", "shuffle_decryptions", "winners"}),
    (lambda r: r.update(equal_shares=None), {"shuffle", "shuffle_decryptions", "winners"}),
])
def test_the_verifier_catches_each_tampering(published, change, failed):
    assert verify_record(published, check_proofs=False).ok
    report = tampered(published, change)
    assert set(report.failed) == failed, report.render()


def test_a_changed_frozen_rule_breaks_the_manifest_and_the_recount(published):
    def greedy_now(record):
        record["manifest"]["winners_rule"] = "greedy"

    report = tampered(published, greedy_now)
    assert "manifest_hash" in report.failed and "shuffle" in report.failed  # greedy yet a count by equal shares


def test_a_greedy_vote_has_no_shuffle_and_its_equal_shares_checks_are_skipped():
    contest, _ = counted(winners_rule="greedy")
    assert not Mix.objects.filter(contest=contest).exists() and contest.result.approvals is None
    record = json.loads(json.dumps(build_record(contest)))
    assert record["equal_shares"] is None
    report = verify_record(record, check_proofs=False)
    assert report.ok and report["winners"].status == "skipped"


def test_a_device_refuses_to_decrypt_an_unproven_shuffle_and_the_server_refuses_a_wrong_one():
    contest, secrets = budget_contest()
    cast(contest, BALLOTS[:4])
    close(contest)
    trustee = Trustee.objects.get(contest=contest, index=1)
    task = counting.decryption_task(trustee=trustee)
    forged = copy.deepcopy(task)
    # A server slipping the box's (folded) ballots, unshuffled, to the trustees to decrypt them one by one.
    forged["mix"]["outputs"] = forged["mix"]["inputs"]
    with pytest.raises(steps.TaskError, match="proof of shuffle"):
        steps.answer(forged, secrets[1])

    answer = steps.answer(task, secrets[1])
    for bad in (dict(answer, mix_decryption=None),
                dict(answer, mix_decryption=steps.answer(task, secrets[1])["partial_decryption"])):
        with pytest.raises(InvalidAnswer):
            counting.submit_partial_decryption(trustee=trustee, user=trustee.user, answer=bad)
        assert Trustee.objects.get(pk=trustee.pk).partial_decryption is None
    counting.submit_partial_decryption(trustee=trustee, user=trustee.user, answer=answer)
    assert Trustee.objects.get(pk=trustee.pk).mix_decryption is not None


def test_the_box_is_shuffled_once_and_an_empty_box_counts_to_no_winner():
    contest, secrets = budget_contest()
    close(contest)
    decrypt(contest, secrets)
    assert Mix.objects.get(contest=contest).shuffled == []
    assert mixing.mix_box(contest=contest).pk == Mix.objects.get(contest=contest).pk
    result = counting.count_contest(contest=contest)
    assert result.approvals == [] and result.outcome["winners"] == []


def test_a_trustee_waits_while_a_worker_shuffles_the_box(client, monkeypatch):
    from django.urls import reverse

    from voting import tasks

    contest, _secrets = budget_contest()
    cast(contest, BALLOTS[:3])
    close(contest)
    trustee = Trustee.objects.get(contest=contest, index=1)
    client.force_login(trustee.user)
    queued = []
    monkeypatch.setattr(tasks.mix_box, "delay", queued.append)  # a worker that has not run yet
    response = client.get(reverse("voting:trustee_task", args=[trustee.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409 and "being shuffled" in response.json()["error"]
    assert queued == [contest.pk] and not Mix.objects.filter(contest=contest).exists()
    assert tasks.mix_box(contest.pk) == 3  # the worker's run
    task = client.get(reverse("voting:trustee_task", args=[trustee.pk])).json()
    assert len(task["mix"]["outputs"]) == 3 and task["mix"]["proof"] is not None


def test_paper_totals_cannot_join_an_equal_shares_count():
    from django.utils import translation

    from voting.exceptions import InvalidChoice
    from voting.models import PaperResult
    from voting.services import paper

    from .factories import make_ready_roll

    contest, _secrets = open_contest(rule=Contest.Rule.APPROVAL, max_choices=3, envelope=12_000, options=PROJECTS,
                                     winners_rule="equal-shares", roll=make_ready_roll())
    close(contest)
    ids = option_ids(contest)
    with translation.override("en"), pytest.raises(InvalidChoice, match="counted by equal shares"):
        paper.record_paper_result(contest=contest, station="001", counts={str(ids["Parc"]): 1}, blank=0, invalid=0,
                                  actor=make_user("officer"))
    assert not PaperResult.objects.exists()
