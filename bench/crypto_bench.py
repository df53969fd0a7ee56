"""Benchmark of voting.crypto: casting, counting, and the 1,000,000-ballot target.

Usage: python bench/crypto_bench.py [--ballots N] [--options K] [--workers W]

Every figure comes with a baseline measured in the same run (a raw SHA-256
of 64 bytes and a plain coincurve point addition), so results from machines
of different speed can be compared. Counting figures are extrapolated
linearly to 1,000,000 ballots, against the target: chain verification +
summing + threshold decryption + discrete logs under 60 s on 2 cores.
Proof re-verification is reported separately: it happens at casting.

The N ballots of the counting phase are real encryptions of 0/1 choices
(``encrypt``), without proofs, since proofs play no part in counting;
encryption and verification with proofs are timed on a sample.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from coincurve import PublicKey

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voting.crypto.ballot import ContestParameters, encrypt_ballot, verify_ballot  # noqa: E402
from voting.crypto.chain import build_chain, genesis_hash, verify_chain  # noqa: E402
from voting.crypto.dlog import discrete_log  # noqa: E402
from voting.crypto.elgamal import encrypt  # noqa: E402
from voting.crypto.group import IDENTITY, Point, base_mul, random_scalar, sum_points  # noqa: E402
from voting.crypto.tally import decrypt_tally, sum_encoded  # noqa: E402
from voting.crypto.threshold import deal, partial_decrypt  # noqa: E402

TARGET_BALLOTS = 1_000_000
TARGET_SECONDS = 60.0


def timed(function: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def per_call(function: Callable[[], object], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - start) / repeat


def report(label: str, seconds: float, unit: str = "s") -> None:
    if unit == "us":
        print(f"  {label:<52} {seconds * 1e6:10.2f} us")
    elif unit == "ms":
        print(f"  {label:<52} {seconds * 1e3:10.2f} ms")
    else:
        print(f"  {label:<52} {seconds:10.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=20_000)
    parser.add_argument("--options", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="processes for summing")
    parser.add_argument("--sample", type=int, default=100, help="ballots for proof timings")
    args = parser.parse_args()
    n, k = args.ballots, args.options
    scale = TARGET_BALLOTS / n
    rng = random.Random(2024)

    print(f"voting.crypto benchmark: {n} ballots, {k} options, {args.workers} workers")

    print("baselines")
    h = b"\x00" * 64
    sha = per_call(lambda: hashlib.sha256(h).digest(), 200_000)
    p, q = base_mul(random_scalar()).to_bytes(), base_mul(random_scalar()).to_bytes()
    kp, kq = PublicKey(p), PublicKey(q)
    add = per_call(lambda: PublicKey.combine_keys([kp, kq]), 20_000)
    scalar = random_scalar().to_bytes(32, "big")
    report("SHA-256 of 64 bytes", sha, "us")
    report("coincurve point add (combine_keys of 2)", add, "us")
    report("coincurve scalar mult (multiply)", per_call(lambda: kp.multiply(scalar), 2_000), "us")
    report("coincurve base mult (from_secret)", per_call(lambda: PublicKey.from_secret(scalar), 2_000), "us")
    report("decode compressed point (Point.from_hex)", per_call(lambda: Point.from_hex(p.hex()), 20_000), "us")

    dealt = deal(5, 3)
    public = dealt.public
    params = ContestParameters(public.public_key, k, 0, k, "bench-manifest")

    print(f"casting (sample of {args.sample}, rule 0..{k} of {k})")
    choices = [[rng.randint(0, 1) for _ in range(k)] for _ in range(args.sample)]
    t_enc, sample = timed(lambda: [encrypt_ballot(params, c) for c in choices])
    t_ver, ok = timed(lambda: all(verify_ballot(params, b) for b in sample))
    assert ok
    t_hash, _ = timed(lambda: [b.hash for b in sample])
    per_enc, per_ver = t_enc / args.sample, t_ver / args.sample
    report("encrypt + prove, per ballot", per_enc, "ms")
    report("verify proofs, per ballot", per_ver, "ms")
    print(f"    = {per_ver / add:.0f} point additions")
    report("canonical JSON + SHA-256 tracker, per ballot", t_hash / args.sample, "us")
    print(f"  ballot JSON size: {len(sample[0].to_json())} bytes")

    print(f"counting {n} ballots")
    t_gen, rows = timed(
        lambda: [
            [encrypt(public.public_key, rng.randint(0, 1), random_scalar()).to_dict() for _ in range(k)]
            for _ in range(n)
        ]
    )
    report("(setup) encrypt the ballot box without proofs", t_gen)
    texts = [json.dumps(row, separators=(",", ":")) for row in rows]
    t_load, rows = timed(lambda: [json.loads(t) for t in texts])
    report("json.loads of stored ciphertext columns", t_load)

    ballot_hashes = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
    genesis = genesis_hash(hashlib.sha256(b"bench-manifest").hexdigest())
    entries = build_chain(genesis, ballot_hashes)
    t_chain, broken = timed(lambda: verify_chain(genesis, ballot_hashes, entries, head=entries[-1]))
    assert broken is None
    report("verify hash chain", t_chain)
    print(f"    = {t_chain / n / sha:.1f} SHA-256 calls per entry")

    t_sum1, sums = timed(lambda: sum_encoded(rows, k))
    report("decode + batched sum (1 process)", t_sum1)
    t_sumw, sums_w = timed(lambda: sum_encoded(rows, k, workers=args.workers))
    assert sums_w == sums
    report(f"decode + batched sum ({args.workers} processes)", t_sumw)

    points = [Point.from_hex(row[0]["alpha"]) for row in rows]
    t_batch, batched = timed(lambda: sum_points(points))

    def pairwise() -> Point:
        total = IDENTITY
        for point in points:
            total = total + point
        return total

    t_pair, naive = timed(pairwise)
    assert batched == naive
    report(f"sum of {n} decoded points, one combine_keys", t_batch)
    report(f"sum of {n} decoded points, pairwise adds", t_pair)
    print(f"  batched speed-up: {t_pair / t_batch:.1f}x "
          f"({t_batch / n / add:.3f} point adds per point)")

    t_partials, partials = timed(
        lambda: [partial_decrypt(s, public, sums, params.context) for s in dealt.shares[:3]]
    )
    t_decrypt, result = timed(lambda: decrypt_tally(public, sums, partials, params.context, n))
    report("3 partial decryptions with proofs (trustees)", t_partials)
    report("verify partials + combine + dlog", t_decrypt)
    print(f"  counts: {result.counts}")
    discrete_log(IDENTITY, TARGET_BALLOTS)  # build the table once
    t_dlog = per_call(lambda: discrete_log(base_mul(TARGET_BALLOTS - 1), TARGET_BALLOTS), 20)
    report("dlog of 999,999 (bound 1M, worst case)", t_dlog, "ms")

    print(f"extrapolation to {TARGET_BALLOTS:,} ballots, {k} options")
    load, chain = t_load * scale, t_chain * scale
    counting = chain + t_sumw * scale + t_decrypt + k * t_dlog
    counting_1 = chain + t_sum1 * scale + t_decrypt + k * t_dlog
    report("json.loads of ciphertext columns", load)
    report("chain verification", chain)
    report(f"decode + sum ({args.workers} processes)", t_sumw * scale)
    report("decode + sum (1 process)", t_sum1 * scale)
    report(f"chain + sum + decrypt + dlog, {args.workers} processes", counting)
    report("chain + sum + decrypt + dlog, 1 process", counting_1)
    verdict = "meets" if counting < TARGET_SECONDS else "MISSES"
    print(f"  -> {verdict} the {TARGET_SECONDS:.0f} s target (plus {load:.1f} s JSON decoding)")
    report("proof re-verification, 1 core", per_ver * TARGET_BALLOTS)
    report(f"proof re-verification, {args.workers} cores (ideal)", per_ver * TARGET_BALLOTS / args.workers)


if __name__ == "__main__":
    main()
