"""Checking a proof of shuffle (the equations are in :mod:`voting.crypto.shuffle`).

Both functions answer ``True`` or ``False`` and never raise, whatever they
are given: a malformed proof is simply not a proof. :func:`verify_shuffle_json`
decodes the published form strictly first (points on the curve, scalars
below ``n``, canonical hex, exact keys, consistent lengths).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce

from .errors import CryptoError
from .group import ORDER, Point, base_mul, sum_points
from .shuffle_proof import (
    ShuffleBallot,
    ShuffleProof,
    ballots_from_list,
    challenges_u,
    check_scalars,
    final_challenge,
    shuffle_generators,
    statement_hash,
)


def verify_shuffle(
    public_key: Point,
    inputs: Sequence[ShuffleBallot],
    outputs: Sequence[ShuffleBallot],
    proof: ShuffleProof,
    *,
    generator_seed: str,
    context: str | bytes,
) -> bool:
    """``True`` iff ``proof`` shows that ``outputs`` is a re-encrypted
    permutation of ``inputs`` under ``public_key``, for this seed and context."""
    try:
        return _verify(public_key, inputs, outputs, proof, generator_seed, context)
    except (CryptoError, ValueError, TypeError, AttributeError, IndexError):
        return False


def verify_shuffle_json(
    public_key: Point,
    inputs: object,
    outputs: object,
    proof: object,
    *,
    generator_seed: str,
    context: str | bytes,
) -> bool:
    """:func:`verify_shuffle` on the JSON forms of :mod:`voting.crypto.shuffle_proof`.

    Input ciphertexts may hold the identity (they are homomorphic sums);
    output ones may not (a fresh re-encryption never does).
    """
    try:
        decoded_inputs = ballots_from_list(inputs, allow_identity=True)
        decoded_outputs = ballots_from_list(outputs)
        decoded_proof = ShuffleProof.from_dict(proof)
    except (CryptoError, ValueError, TypeError, AttributeError, KeyError):
        return False
    return verify_shuffle(
        public_key, decoded_inputs, decoded_outputs, decoded_proof, generator_seed=generator_seed, context=context
    )


def _verify(
    public_key: Point,
    inputs: Sequence[ShuffleBallot],
    outputs: Sequence[ShuffleBallot],
    proof: ShuffleProof,
    generator_seed: str,
    context: str | bytes,
) -> bool:
    count = len(inputs)
    if count == 0 or not isinstance(public_key, Point) or public_key.is_identity or not generator_seed:
        return False
    width = len(inputs[0])
    if width == 0 or len(outputs) != count:
        return False
    if any(len(ballot) != width for ballot in (*inputs, *outputs)):
        return False
    if not (
        len(proof.commitments) == len(proof.chain) == len(proof.s_hat) == len(proof.s_prime) == count
        and len(proof.s4) == width
    ):
        return False
    check_scalars(proof.challenge, proof.s1, proof.s2, proof.s3, *proof.s4, *proof.s_hat, *proof.s_prime)
    if any(not isinstance(p, Point) or p.is_identity for p in (*proof.commitments, *proof.chain)):
        return False
    h = shuffle_generators(generator_seed, count)
    statement = statement_hash(
        context=context, public_key=public_key, generator_seed=generator_seed,
        inputs=inputs, outputs=outputs, commitments=proof.commitments,
    )
    u = challenges_u(statement, count)
    c = proof.challenge
    s_prime = proof.s_prime
    product_u = reduce(lambda a, b: a * b % ORDER, u, 1)
    t1 = base_mul(proof.s1) + (sum_points(proof.commitments) - sum_points(h[1:])) * c
    t2 = base_mul(proof.s2) + (proof.chain[-1] - h[0] * product_u) * c
    t3 = sum_points([
        base_mul(proof.s3),
        *(h[i + 1] * s_prime[i] for i in range(count)),
        sum_points(proof.commitments[j] * u[j] for j in range(count)) * c,
    ])
    t4_alpha, t4_beta = [], []
    for k in range(width):
        input_alpha = sum_points(inputs[j][k].alpha * u[j] for j in range(count))
        input_beta = sum_points(inputs[j][k].beta * u[j] for j in range(count))
        t4_alpha.append(sum_points([
            *(outputs[i][k].alpha * s_prime[i] for i in range(count)), base_mul(-proof.s4[k]), input_alpha * c,
        ]))
        t4_beta.append(sum_points([
            *(outputs[i][k].beta * s_prime[i] for i in range(count)), public_key * (-proof.s4[k]), input_beta * c,
        ]))
    chain_before = [h[0], *proof.chain[:-1]]
    t_hat = [
        sum_points([base_mul(proof.s_hat[i]), chain_before[i] * s_prime[i], proof.chain[i] * c])
        for i in range(count)
    ]
    expected = final_challenge(statement, proof.chain, [t1, t2, t3, *t4_alpha, *t4_beta, *t_hat])
    return expected == c
