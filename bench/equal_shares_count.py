"""Benchmark of an equal-shares count from encrypted budget ballots.

Usage: python bench/equal_shares_count.py [--ballots 10000] [--projects 20]

Stages, each in seconds, as the wired pipeline runs them (``voting.services.mixing``):
decoding the stored ballots and folding their 0/1 ciphertexts, the shuffle
with its proof, the proof's verification, two trustees' partial decryptions
(with proofs; key dealt by ``deal`` as a stand-in for the ceremony; each
trustee's device also checks the shuffle proof, as the verification stage),
the server's check of each uploaded decryption, their verification and
combination with the decoding of the masks, and the equal-shares count. Baseline in the same run: one coincurve scalar
multiplication, to compare machines. Target: the whole count under 5 minutes.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voting.crypto.elgamal import encrypt  # noqa: E402
from voting.crypto.folding import decrypt_folded, flatten, fold_ballots  # noqa: E402
from voting.crypto.group import GENERATOR, random_scalar  # noqa: E402
from voting.crypto.shuffle import shuffle_and_prove  # noqa: E402
from voting.crypto.shuffle_verify import verify_shuffle  # noqa: E402
from voting.crypto.threshold import deal, partial_decrypt, verify_partial_decryption  # noqa: E402
from voting.mixnet import fold_encoded  # noqa: E402
from voting.rules.equal_shares import equal_shares  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=10_000)
    parser.add_argument("--projects", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(18)
    dealt = deal(3, 2)
    key = dealt.public.public_key
    start = time.perf_counter()
    for _ in range(200):
        GENERATOR * random_scalar()
    baseline = (time.perf_counter() - start) / 200
    sets = [{p for p in range(args.projects) if rng.random() < 0.25} for _ in range(args.ballots)]
    ballots = [[encrypt(key, int(p in s), random_scalar()) for p in range(args.projects)] for s in sets]
    times = {}

    def stage(name, fn):
        t = time.perf_counter()
        result = fn()
        times[name] = time.perf_counter() - t
        print(f"{name:<40} {times[name]:8.1f} s", flush=True)
        return result

    stored = [{"ciphertexts": [c.to_dict() for c in ballot]} for ballot in ballots]
    folded = stage("decode stored ballots + fold (server)", lambda: fold_encoded(stored, args.projects))
    assert folded[0] == fold_ballots(ballots[:1], args.projects)[0]
    shuffled, proof = stage("shuffle + proof", lambda: shuffle_and_prove(key, folded, generator_seed="bench", context="bench"))
    ok = stage("verify shuffle proof", lambda: verify_shuffle(key, folded, shuffled, proof, generator_seed="bench", context="bench"))
    assert ok
    partials = stage("2 trustees' partial decryptions", lambda: [partial_decrypt(s, dealt.public, flatten(shuffled), "bench") for s in dealt.shares[:2]])
    stage("server checks each upload (2 trustees)", lambda: [
        verify_partial_decryption(p, dealt.public, flatten(shuffled), "bench") for p in partials])
    approvals = stage("verify, combine, decode masks", lambda: decrypt_folded(dealt.public, shuffled, partials, "bench", args.projects))
    costs = {p: rng.randint(5, 60) * 1000 for p in range(args.projects)}
    outcome = stage("equal shares (add1 + greedy)", lambda: equal_shares(costs=costs, ballots=approvals, envelope=sum(costs.values()) // 3))
    total = sum(times.values())
    print(f"{'total':<40} {total:8.1f} s  ({total / 60:.1f} min; target 5 min)")
    print(f"baseline scalar multiplication {baseline * 1e6:.0f} us; total = {total / baseline:,.0f} of them")
    print(f"{len(outcome.winners)} winners, {outcome.spent} spent")


if __name__ == "__main__":
    main()
