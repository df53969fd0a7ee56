"""A verifiable re-encryption mix-net: shuffle ballots, prove it was honest.

Why: the Method of Equal Shares needs each voter's whole approval set, but a
ballot decrypted where it sits in the box could be tied to its row, hence to
its voter. So the box's ballots are first permuted and re-encrypted; the
decrypted ballots then say nothing of who cast them, and a public proof
shows that nothing was added, dropped or changed on the way.

Notation (additive, secp256k1): ``G`` the group generator, ``Y`` the
election public key, ``n`` the group order. A ballot is a tuple of ``w``
ElGamal ciphertexts ``e_j = (e_{j,1}, ..., e_{j,w})``, ``e_{j,k} =
(alpha, beta)``; ``Enc(0; r) = (r*G, r*Y)``.

Shuffle
-------
Draw a uniformly random permutation ``psi`` of ``{1..N}`` and fresh
``rho_{j,k}`` in ``[1, n)``, and output ``e'_i = e_{psi(i)} + Enc(0;
rho_{psi(i)})``, component by component: output ``i`` is input ``psi(i)``,
re-encrypted. Each component gets its own randomness (one shared value
would keep ``alpha_1 - alpha_2`` of a ballot unchanged and so link it).

Statement and what the proof shows
----------------------------------
Public: ``G, Y``, the inputs ``e_1..e_N``, the outputs ``e'_1..e'_N``. The
prover knows ``psi`` and the ``rho``; the proof shows, in zero knowledge,
that such a ``psi`` and ``rho`` exist: the output is a re-encrypted
permutation of the input, so it decrypts to the same multiset of plaintexts.

It is the proof of Terelius and Wikström ("Proofs of Restricted Shuffles",
AFRICACRYPT 2010), as Verificatum and Belenios implement it, written here
after Haenni, Locher, Koenig and Dubuis, "Pseudo-code algorithms for
verifiable re-encryption mix-nets" (FC 2017 workshops, Algorithms 8-10),
with ciphertexts of width ``w`` as in Wikström, "How to implement a
stand-alone verifier for the Verificatum mix-net" (the randomness is then a
vector of ``w`` scalars):

1. Generators ``h_0, h_1..h_N`` with unknown logarithms
   (:func:`~voting.crypto.shuffle_proof.shuffle_generators`, hashed to the
   curve from a public seed).
2. Commitment to the permutation matrix: ``c_{psi(i)} = r_{psi(i)}*G + h_i``.
3. ``u_j = H(statement, j)`` for each input ``j``; ``ũ_i = u_{psi(i)}``.
4. Chained commitments ``ĉ_0 = h_0``, ``ĉ_i = r̂_i*G + ũ_i*ĉ_{i-1}``; they
   commit to ``prod ũ_i``, which must equal ``prod u_j``.
5. Random ``ω_1, ω_2, ω_3, ω_4 (w values), ω̂_i, ω'_i``, announcements::

       t1 = ω_1*G
       t2 = ω_2*G
       t3 = ω_3*G + Σ ω'_i*h_i
       t4α_k = Σ ω'_i*alpha'_{i,k} - ω_4k*G,   t4β_k = Σ ω'_i*beta'_{i,k} - ω_4k*Y
       t̂_i = ω̂_i*G + ω'_i*ĉ_{i-1}

6. ``c = H(statement, ĉ, t)``; responses, with ``v_N = 1``, ``v_{i-1} = ũ_i v_i``::

       s1 = ω_1 - c*Σ r_j              s2 = ω_2 - c*Σ r̂_i v_i
       s3 = ω_3 - c*Σ r_j u_j          s4_k = ω_4k - c*Σ rho_{j,k} u_j
       ŝ_i = ω̂_i - c*r̂_i               s'_i = ω'_i - c*ũ_i

The verifier recomputes every announcement from the responses::

    t1 = s1*G + c*(Σ c_j - Σ h_i)                  (each row sums to one)
    t2 = s2*G + c*(ĉ_N - (prod u_j)*h_0)           (prod ũ = prod u)
    t3 = s3*G + Σ s'_i*h_i + c*Σ u_j*c_j            (ũ are the committed u, permuted)
    t4α_k = Σ s'_i*alpha'_{i,k} - s4_k*G + c*Σ u_j*alpha_{j,k}   (and t4β with Y, beta)
    t̂_i = ŝ_i*G + s'_i*ĉ_{i-1} + c*ĉ_i

and accepts iff the hash of the recomputed ones gives back ``c`` (the
compact form of :mod:`voting.crypto.proofs`: announcements are not sent).
The first three show that ``c_1..c_N`` commit to a permutation matrix
(Terelius-Wikström: ``Σ`` of its rows is 1 and ``prod`` of ``<row, u>`` is
``prod u`` for random ``u``), the fourth that ``Σ ũ_i e'_i - Σ u_j e_j`` is
an encryption of 0, i.e. (with overwhelming probability over ``u``) that
each output re-encrypts the input the matrix maps to it.

Fiat-Shamir binds everything (strong Fiat-Shamir, as Belenios): ``u`` hashes
the domain ``"shuffle/statement"``, the contest context, ``G``, ``Y``, the
generators' seed, N, w, every input and output point and the commitments
``c_j`` (:func:`~voting.crypto.shuffle_proof.statement_hash`); ``c`` hashes
that plus the chain and the announcements.

Cost, for N ballots of width w: the prover does about (6 + 4w) N scalar
multiplications, the verifier (5 + 4w) N plus N base-point ones; see
``bench/equal_shares_count.py``. Secret values (``psi``, ``rho``, the
``ω``) go through CPython integers and libsecp256k1's variable-time
``multiply``: fine for a server-side mix whose output is public anyway.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from .elgamal import Ciphertext
from .group import ORDER, Point, base_mul, random_scalar, sum_points
from .shuffle_proof import (
    ShuffleBallot,
    ShuffleProof,
    challenges_u,
    final_challenge,
    shuffle_generators,
    statement_hash,
)


@dataclass(frozen=True, slots=True)
class ShuffleWitness:
    """The mixer's secret: ``outputs[i]`` re-encrypts ``inputs[permutation[i]]``
    with ``randomness[permutation[i]]`` (one scalar per ciphertext). Needed
    only to prove; never publish or persist it."""

    permutation: tuple[int, ...]
    randomness: tuple[tuple[int, ...], ...] = field(repr=False)


def _check_width(ballots: Sequence[ShuffleBallot]) -> int:
    if not ballots:
        raise ValueError("nothing to shuffle")
    width = len(ballots[0])
    if width == 0 or any(len(ballot) != width for ballot in ballots):
        raise ValueError("every ballot must hold the same number (at least one) of ciphertexts")
    return width


def reencrypt(public_key: Point, ciphertext: Ciphertext, nonce: int) -> Ciphertext:
    """``ciphertext + Enc(0; nonce)``: same plaintext, unlinkable ciphertext."""
    return Ciphertext(ciphertext.alpha + base_mul(nonce), ciphertext.beta + public_key * nonce)


def shuffle(public_key: Point, ballots: Sequence[ShuffleBallot]) -> tuple[list[ShuffleBallot], ShuffleWitness]:
    """Permute ``ballots`` uniformly at random and re-encrypt every ciphertext."""
    width = _check_width(ballots)
    if public_key.is_identity:
        raise ValueError("the identity is not a valid public key")
    permutation = list(range(len(ballots)))
    secrets.SystemRandom().shuffle(permutation)
    randomness = tuple(tuple(random_scalar() for _ in range(width)) for _ in ballots)
    outputs = [
        tuple(reencrypt(public_key, c, r) for c, r in zip(ballots[j], randomness[j], strict=True))
        for j in permutation
    ]
    return outputs, ShuffleWitness(tuple(permutation), randomness)


def prove_shuffle(
    public_key: Point,
    inputs: Sequence[ShuffleBallot],
    outputs: Sequence[ShuffleBallot],
    witness: ShuffleWitness,
    *,
    generator_seed: str,
    context: str | bytes,
) -> ShuffleProof:
    """Prove that ``outputs`` is ``inputs`` permuted and re-encrypted as ``witness`` says.

    A witness that does not match (wrong randomness, another permutation)
    yields a proof that does not verify; nothing here checks it.
    """
    width = _check_width(inputs)
    count = len(inputs)
    if len(outputs) != count or sorted(witness.permutation) != list(range(count)):
        raise ValueError("the witness must be a permutation of the inputs")
    psi = witness.permutation  # outputs[i] comes from inputs[psi[i]] (0-based here)
    h = shuffle_generators(generator_seed, count)
    # 2. Commitment to the permutation: c_{psi(i)} = r_{psi(i)} G + h_i.
    r = [random_scalar() for _ in range(count)]
    commitments: list[Point] = [None] * count  # type: ignore[list-item]
    for i, j in enumerate(psi):
        commitments[j] = base_mul(r[j]) + h[i + 1]
    statement = statement_hash(
        context=context, public_key=public_key, generator_seed=generator_seed,
        inputs=inputs, outputs=outputs, commitments=commitments,
    )
    u = challenges_u(statement, count)
    u_tilde = [u[j] for j in psi]
    # 4. Chained commitments.
    r_hat = [random_scalar() for _ in range(count)]
    chain: list[Point] = []
    previous = h[0]
    for i in range(count):
        previous = base_mul(r_hat[i]) + previous * u_tilde[i]
        chain.append(previous)
    # 5. Announcements.
    w1, w2, w3 = random_scalar(), random_scalar(), random_scalar()
    w4 = [random_scalar() for _ in range(width)]
    w_hat = [random_scalar() for _ in range(count)]
    w_prime = [random_scalar() for _ in range(count)]
    t3 = sum_points([base_mul(w3), *(h[i + 1] * w_prime[i] for i in range(count))])
    t4_alpha = [
        sum_points([*(outputs[i][k].alpha * w_prime[i] for i in range(count)), base_mul(-w4[k])])
        for k in range(width)
    ]
    t4_beta = [
        sum_points([*(outputs[i][k].beta * w_prime[i] for i in range(count)), public_key * (-w4[k])])
        for k in range(width)
    ]
    chain_before = [h[0], *chain[:-1]]
    t_hat = [base_mul(w_hat[i]) + chain_before[i] * w_prime[i] for i in range(count)]
    challenge = final_challenge(
        statement, chain, [base_mul(w1), base_mul(w2), t3, *t4_alpha, *t4_beta, *t_hat]
    )
    # 6. Responses.
    v = [1] * count
    for i in range(count - 1, 0, -1):
        v[i - 1] = u_tilde[i] * v[i] % ORDER
    rho = [
        sum(witness.randomness[j][k] * u[j] for j in range(count)) % ORDER for k in range(width)
    ]
    return ShuffleProof(
        commitments=tuple(commitments),
        chain=tuple(chain),
        challenge=challenge,
        s1=(w1 - challenge * sum(r)) % ORDER,
        s2=(w2 - challenge * sum(a * b for a, b in zip(r_hat, v, strict=True))) % ORDER,
        s3=(w3 - challenge * sum(a * b for a, b in zip(r, u, strict=True))) % ORDER,
        s4=tuple((w4[k] - challenge * rho[k]) % ORDER for k in range(width)),
        s_hat=tuple((w_hat[i] - challenge * r_hat[i]) % ORDER for i in range(count)),
        s_prime=tuple((w_prime[i] - challenge * u_tilde[i]) % ORDER for i in range(count)),
    )


def shuffle_and_prove(
    public_key: Point, ballots: Sequence[ShuffleBallot], *, generator_seed: str, context: str | bytes
) -> tuple[list[ShuffleBallot], ShuffleProof]:
    """:func:`shuffle` then :func:`prove_shuffle`; the witness is dropped."""
    outputs, witness = shuffle(public_key, ballots)
    proof = prove_shuffle(public_key, ballots, outputs, witness, generator_seed=generator_seed, context=context)
    return outputs, proof
