"""Counting a budget vote by equal shares from encrypted ballots: what the server and the verifier share.

No Django here: the server (:mod:`voting.services.mixing`), the trustees'
devices (:mod:`voting.trustee.steps`) and the standalone verifier
(:mod:`voting.verify_shares`) derive the same values with these functions.

1. Each ballot's project slots fold into ``w`` ciphertexts
   (:func:`voting.crypto.folding.fold_ballot`; 12 projects per ciphertext).
2. The folded ballots are shuffled and re-encrypted with a proof of shuffle
   (:mod:`voting.crypto.shuffle`). Its generators come from a seed nobody
   chooses: the manifest's hash and the box's head hash (:func:`generator_seed`).
3. The trustees decrypt each shuffled ciphertext partially, with proofs,
   under the context :func:`mix_context`, distinct from the totals' context.
4. The decrypted bit masks give each (anonymous) ballot's approved options:
   the *approval profile*, in the shuffled order.
5. The manifest's frozen winners rule counts the profile
   (:func:`count_profile`); blank ballots approve nothing and take no share.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from fractions import Fraction

from .crypto.elgamal import Ciphertext
from .crypto.folding import fold_ballot
from .crypto.shuffle_proof import ShuffleBallot
from .manifest import EQUAL_SHARES, winners_rule
from .rules.equal_shares import equal_shares
from .rules.greedy import greedy
from .rules.outcome import BudgetOutcome


def generator_seed(manifest_hash: str, head_hash: str) -> str:
    """The proof of shuffle's generator seed: fixed by the sealed manifest and the closed box."""
    return f"parvis/mix/{manifest_hash}/{head_hash}"


def mix_context(manifest_hash: str) -> str:
    """Context of the shuffle proof and of the shuffled ballots' decryptions (not the totals')."""
    return f"{manifest_hash}/mix"


def fold_encoded(ballots: Sequence[Mapping[str, object]], n_options: int) -> list[ShuffleBallot]:
    """The mix-net's input: each stored ballot's option slots folded (its blank slot left out)."""
    folded = []
    for ballot in ballots:
        ciphertexts = [Ciphertext.from_dict(c) for c in ballot["ciphertexts"][:n_options]]  # type: ignore[index]
        folded.append(fold_ballot(ciphertexts, n_options))
    return folded


def option_profile(approvals: Sequence[Sequence[int]], option_ids: Sequence[int]) -> list[list[int]]:
    """Approved positions (manifest order) as option ids, ballot by ballot."""
    return [[option_ids[position] for position in ballot] for ballot in approvals]


def count_profile(manifest: Mapping[str, object], profile: Sequence[Sequence[int]]) -> BudgetOutcome:
    """The winners of a decrypted profile by the manifest's frozen rule (blank ballots left out)."""
    costs = {int(o["id"]): int(o["cost"]) for o in manifest["options"]}  # type: ignore[union-attr,index]
    ballots = [ballot for ballot in profile if ballot]
    rule = equal_shares if winners_rule(manifest) == EQUAL_SHARES else greedy
    return rule(costs=costs, ballots=ballots, envelope=int(manifest["envelope"]))  # type: ignore[arg-type]


def outcome_to_dict(outcome: BudgetOutcome) -> dict[str, object]:
    """The published outcome. Payments are grouped: per winner, ``[amount, supporters paying it]``,
    the largest amount first (amounts as exact fractions, ``"1000/3"``)."""
    payments = {}
    for project, paid in outcome.payments.items():
        groups = Counter(Fraction(amount) for amount in paid.values())
        payments[str(project)] = [[str(amount), count] for amount, count in sorted(groups.items(), reverse=True)]
    return {
        "rule": outcome.rule,
        "winners": list(outcome.winners),
        "completion": list(outcome.completion),
        "spent": outcome.spent,
        "envelope": outcome.envelope,
        "voter_budget": str(Fraction(outcome.voter_budget)),
        "votes": {str(project): count for project, count in outcome.votes.items()},
        "payments": payments,
    }
