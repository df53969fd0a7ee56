"""The public record of a proclaimed contest, for independent verification.

Its format is documented in ``voting/RECORD.md`` and checked by the
standalone verifier (``python -m voting.verify record.json``).
"""

import json

from ..models import Contest, Mix, Result
from .ceremony import finished_ceremony
from .counting import encrypted_sums, merged_results
from .mixing import counts_by_equal_shares


def build_record(contest: Contest) -> dict:
    """Everything needed to re-check the box and recount, for a proclaimed contest."""
    ballots = [
        {"position": position, "ballot": json.loads(payload), "tracker": tracker, "group": group, "entry_hash": entry}
        for position, payload, tracker, group, entry in contest.ballots.order_by("position")
        .values_list("position", "payload", "tracker", "group", "entry_hash")
        .iterator(chunk_size=5000)
    ]
    return {
        "format": "parvis-record/4",
        "manifest": contest.manifest,
        "manifest_hash": contest.manifest_hash,
        "ballots": ballots,
        "head_hash": contest.head_hash,
        "encrypted_sums": [c.to_dict() for c in encrypted_sums(contest)],
        "partial_decryptions": [
            t.partial_decryption for t in contest.trustees.exclude(partial_decryption=None).order_by("index")
        ],
        "result": merged_results(contest),
        "key_ceremony": finished_ceremony(contest).to_dict(),
        "audited_ballots": [
            {"tracker": tracker, "ballot": json.loads(payload), "choices": choices, "nonces": nonces}
            for tracker, payload, choices, nonces in contest.audited_ballots.order_by("tracker")
            .values_list("tracker", "payload", "choices", "nonces")
        ],
        "equal_shares": equal_shares_record(contest),
        "groups": groups_record(contest),
    }


def groups_record(contest: Contest) -> list[dict]:
    """The groups counted apart (``voting.groups``): their communes, ballots, encrypted sums and decrypted counts."""
    result = Result.objects.get(contest=contest)
    decrypted = {group["name"]: group for group in result.groups}
    return [
        {"name": group["name"], "communes": group["communes"], "ballots": group["ballots"],
         "encrypted_sums": group["sums"], "counts": decrypted[group["name"]]["counts"],
         "blank": decrypted[group["name"]]["blank"]}
        for group in contest.tally_groups or ()
    ]


def equal_shares_record(contest: Contest) -> dict | None:
    """The shuffle, the trustees' decryptions of its output, the anonymous profile and the outcome."""
    if not counts_by_equal_shares(contest):
        return None
    mix = Mix.objects.get(contest=contest)
    result = Result.objects.get(contest=contest)
    return {
        "shuffled": mix.shuffled,
        "shuffle_proof": mix.proof,
        "partial_decryptions": list(
            contest.trustees.exclude(mix_decryption=None).order_by("index").values_list("mix_decryption", flat=True)
        ),
        "approvals": result.approvals,
        "outcome": result.outcome,
    }
