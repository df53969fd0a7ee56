"""The device's envelope proof (``voting/static/voting/js/budget-proof.js``) against the Python reference.

Ballots of projects within an envelope, encrypted in Node by the code the
ballot page runs, must pass :func:`voting.crypto.verify_ballot` with
:func:`voting.manifest.ballot_parameters`, keep their tracker through the
server's canonical decoding, and open by Benaloh audit to their choices; a
selection over the envelope is refused on the device. Ballots without an
envelope still come from crypto.js unchanged.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from voting.crypto import Ballot, verify_ballot
from voting.crypto.ballot import verify_audit
from voting.crypto.group import scalar_from_hex
from voting.crypto.threshold import deal
from voting.manifest import ballot_parameters, manifest_hash

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "voting" / "static" / "voting" / "js" / "budget-proof.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not on PATH")

SCRIPT = """
import { readFileSync } from "node:fs";
import * as budget from %(module)s;
const requests = JSON.parse(readFileSync(0, "utf8"));
const replies = requests.map(({ manifest, hash, choices }) => {
  try {
    const { json, tracker, nonces } = budget.encryptBallot(budget.ballotParameters(manifest, hash), choices);
    return { json, tracker, nonces };
  } catch (error) {
    return { error: String(error.message) };
  }
});
process.stdout.write(JSON.stringify(replies));
"""


def manifest(rule="knapsack", *, costs=(15_000, 4_000, 3_000), envelope=20_000, allow_blank=False, fmt="parvis-manifest/2"):
    public = deal(3, 2).public
    return {
        "format": fmt, "contest": 7, "title": "Budget", "question": "Quels projets ?", "rule": rule,
        "options": [{"id": 100 + i, "label": f"Projet {i}", "cost": cost} for i, cost in enumerate(costs)],
        "max_choices": 2, "seats": None, "envelope": envelope, "allow_blank": allow_blank,
        "public_key": public.to_dict(),
    }


def run_node(requests: list[dict]) -> list[dict]:
    script = SCRIPT % {"module": json.dumps(MODULE.as_uri())}
    done = subprocess.run([NODE, "--input-type=module", "-e", script], input=json.dumps(requests),
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)


def server_view(data: dict, reply: dict):
    params = ballot_parameters(data, manifest_hash(data), _key(data))
    ballot = Ballot.from_json(reply["json"])
    return params, ballot


def _key(data):
    from voting.crypto import ThresholdPublicKey

    return ThresholdPublicKey.from_dict(data["public_key"]).public_key


def test_ballots_within_the_envelope_verify_on_the_server_and_open_to_their_choices():
    knapsack = manifest()
    with_blank = manifest(allow_blank=True, costs=(1, 2, 3, 0), envelope=5)
    cases = [
        (knapsack, [0, 1, 1]),  # 7,000 of 20,000
        (knapsack, [1, 1, 0]),  # 19,000: a slack of 1,000
        (knapsack, [0, 0, 1]),
        (with_blank, [0, 1, 1, 1, 0]),  # exactly the envelope, with a free project
        (with_blank, [0, 0, 0, 0, 1]),  # blank
    ]
    replies = run_node([{"manifest": m, "hash": manifest_hash(m), "choices": c} for m, c in cases])
    for (data, choices), reply in zip(cases, replies, strict=True):
        assert "error" not in reply, reply
        params, ballot = server_view(data, reply)
        assert params.envelope is not None and ballot.budget_proof is not None
        assert len(ballot.budget_proof.bits) == data["envelope"].bit_length()
        assert verify_ballot(params, ballot), choices
        assert ballot.to_json() == reply["json"] and ballot.hash == reply["tracker"]
        nonces = [scalar_from_hex(n, nonzero=True) for n in reply["nonces"]]
        assert verify_audit(params, ballot, choices, nonces)
        assert not verify_audit(params, ballot, [1 - c for c in choices], nonces)


def test_a_ballot_for_another_envelope_or_other_costs_does_not_verify():
    data = manifest()
    reply = run_node([{"manifest": data, "hash": manifest_hash(data), "choices": [1, 0, 1]}])[0]
    for changed in ({**data, "envelope": 30_000},
                    {**data, "options": [{**o, "cost": o["cost"] + 1} for o in data["options"]]}):
        params = ballot_parameters(changed, manifest_hash(data), _key(data))
        assert not verify_ballot(params, Ballot.from_json(reply["json"]))


def test_over_the_envelope_the_device_refuses_to_encrypt():
    data = manifest()
    reply = run_node([{"manifest": data, "hash": manifest_hash(data), "choices": [1, 1, 1]}])[0]
    assert "more than the envelope" in reply["error"]


def test_contests_without_an_envelope_are_crypto_js_ballots():
    approval = manifest("approval")
    old_knapsack = manifest(fmt="parvis-manifest/1")  # /1 manifests predate the envelope proof
    replies = run_node([{"manifest": m, "hash": manifest_hash(m), "choices": [1, 0, 1]}
                        for m in (approval, old_knapsack)])
    for data, reply in zip((approval, old_knapsack), replies, strict=True):
        params, ballot = server_view(data, reply)
        assert params.envelope is None and ballot.budget_proof is None and verify_ballot(params, ballot)
