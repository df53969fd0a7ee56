"""The verifiable mix-net: honest shuffles verify, every kind of tampering is refused."""

from collections import Counter
from dataclasses import replace

import pytest

from voting.crypto.dlog import discrete_log
from voting.crypto.elgamal import Ciphertext, encrypt
from voting.crypto.group import GENERATOR, ORDER, base_mul, random_scalar, scalar_to_hex
from voting.crypto.shuffle import prove_shuffle, reencrypt, shuffle, shuffle_and_prove
from voting.crypto.shuffle_proof import (
    ShuffleProof,
    ballots_from_list,
    ballots_to_list,
    shuffle_generators,
)
from voting.crypto.shuffle_verify import verify_shuffle, verify_shuffle_json

SECRET = random_scalar()
KEY = base_mul(SECRET)
SEED = "manifest-hash-of-the-contest"
CONTEXT = "contest-context"


def _ballots(plaintexts):
    return [tuple(encrypt(KEY, m, random_scalar()) for m in ballot) for ballot in plaintexts]


def _decrypt(ballots):
    return [tuple(discrete_log(c.beta - c.alpha * SECRET, 5000) for c in ballot) for ballot in ballots]


def _verify(inputs, outputs, proof, *, seed=SEED, context=CONTEXT, key=KEY):
    return verify_shuffle(key, inputs, outputs, proof, generator_seed=seed, context=context)


PLAIN = [(j % 7, (3 * j) % 11) for j in range(10)]
INPUTS = _ballots(PLAIN)
OUTPUTS, WITNESS = shuffle(KEY, INPUTS)
PROOF = prove_shuffle(KEY, INPUTS, OUTPUTS, WITNESS, generator_seed=SEED, context=CONTEXT)


@pytest.mark.parametrize("count", [1, 2, 10, 300])
def test_honest_shuffles_verify_and_keep_the_plaintexts(count):
    plaintexts = [(j % 2, (j // 2) % 5, 4095) for j in range(count)]
    inputs = _ballots(plaintexts)
    outputs, proof = shuffle_and_prove(KEY, inputs, generator_seed=SEED, context=CONTEXT)
    assert _verify(inputs, outputs, proof)
    assert verify_shuffle_json(
        KEY, ballots_to_list(inputs), ballots_to_list(outputs), proof.to_dict(), generator_seed=SEED, context=CONTEXT
    )
    assert Counter(_decrypt(outputs)) == Counter(plaintexts)
    # Every ciphertext is new: none of the input points appears in the output.
    old = {c.alpha for ballot in inputs for c in ballot}
    assert not old & {c.alpha for ballot in outputs for c in ballot}


def test_the_witness_describes_the_shuffle():
    for i, j in enumerate(WITNESS.permutation):
        assert OUTPUTS[i] == tuple(
            reencrypt(KEY, c, r) for c, r in zip(INPUTS[j], WITNESS.randomness[j], strict=True)
        )
    assert "randomness" not in repr(WITNESS) or str(WITNESS.randomness[0][0]) not in repr(WITNESS)


def test_a_swapped_output_is_refused():
    outputs = list(OUTPUTS)
    outputs[0], outputs[1] = outputs[1], outputs[0]
    assert not _verify(INPUTS, outputs, PROOF)
    # Nor can the mixer prove the swapped list with its witness.
    assert not _verify(INPUTS, outputs, prove_shuffle(KEY, INPUTS, outputs, WITNESS, generator_seed=SEED, context=CONTEXT))


def test_a_reencryption_with_a_wrong_factor_is_refused():
    outputs = list(OUTPUTS)
    outputs[3] = (reencrypt(KEY, outputs[3][0], random_scalar()), outputs[3][1])
    assert not _verify(INPUTS, outputs, PROOF)
    assert not _verify(INPUTS, outputs, prove_shuffle(KEY, INPUTS, outputs, WITNESS, generator_seed=SEED, context=CONTEXT))
    # A wrong randomness in the witness fails the same way.
    randomness = list(WITNESS.randomness)
    randomness[0] = (randomness[0][0], (randomness[0][1] + 1) % ORDER)
    wrong = replace(WITNESS, randomness=tuple(randomness))
    assert not _verify(INPUTS, OUTPUTS, prove_shuffle(KEY, INPUTS, OUTPUTS, wrong, generator_seed=SEED, context=CONTEXT))


def test_an_output_replaced_by_an_encryption_of_another_value_is_refused():
    outputs = list(OUTPUTS)
    source = INPUTS[WITNESS.permutation[5]]
    plain = _decrypt([source])[0]
    outputs[5] = (encrypt(KEY, plain[0] + 1, random_scalar()), outputs[5][1])
    assert not _verify(INPUTS, outputs, PROOF)
    assert not _verify(INPUTS, outputs, prove_shuffle(KEY, INPUTS, outputs, WITNESS, generator_seed=SEED, context=CONTEXT))


def test_a_dropped_or_duplicated_ballot_is_refused():
    dropped = OUTPUTS[:-1]
    assert not _verify(INPUTS, dropped, PROOF)
    shorter = replace(
        PROOF, commitments=PROOF.commitments[:-1], chain=PROOF.chain[:-1],
        s_hat=PROOF.s_hat[:-1], s_prime=PROOF.s_prime[:-1],
    )
    assert not _verify(INPUTS, dropped, shorter)
    duplicated = list(OUTPUTS)
    duplicated[1] = tuple(reencrypt(KEY, c, random_scalar()) for c in duplicated[0])
    assert not _verify(INPUTS, duplicated, PROOF)
    assert not _verify(
        INPUTS, duplicated, prove_shuffle(KEY, INPUTS, duplicated, WITNESS, generator_seed=SEED, context=CONTEXT)
    )
    # A ballot added at the end of both lists is not covered by the proof either.
    extra = _ballots([(1, 1)])
    assert not _verify([*INPUTS, *extra], [*OUTPUTS, *extra], PROOF)


@pytest.mark.parametrize("field", ["commitments", "chain", "s4", "s_hat", "s_prime"])
def test_a_changed_list_element_of_the_proof_is_refused(field):
    values = list(getattr(PROOF, field))
    values[0] = values[0] + GENERATOR if field in ("commitments", "chain") else (values[0] + 1) % ORDER
    assert not _verify(INPUTS, OUTPUTS, replace(PROOF, **{field: tuple(values)}))


@pytest.mark.parametrize("field", ["challenge", "s1", "s2", "s3"])
def test_a_changed_challenge_or_response_is_refused(field):
    assert not _verify(INPUTS, OUTPUTS, replace(PROOF, **{field: (getattr(PROOF, field) + 1) % ORDER}))


def test_swapped_commitments_are_refused():
    commitments = list(PROOF.commitments)
    commitments[0], commitments[1] = commitments[1], commitments[0]
    assert not _verify(INPUTS, OUTPUTS, replace(PROOF, commitments=tuple(commitments)))


def test_a_proof_for_other_inputs_is_refused():
    other_inputs = _ballots(PLAIN)  # same plaintexts, other ciphertexts
    other_outputs, other_proof = shuffle_and_prove(KEY, other_inputs, generator_seed=SEED, context=CONTEXT)
    assert _verify(other_inputs, other_outputs, other_proof)
    assert not _verify(INPUTS, OUTPUTS, other_proof)
    assert not _verify(INPUTS, other_outputs, other_proof)


def test_another_seed_context_or_key_is_refused():
    assert _verify(INPUTS, OUTPUTS, PROOF)
    assert not _verify(INPUTS, OUTPUTS, PROOF, seed="another contest")
    assert not _verify(INPUTS, OUTPUTS, PROOF, context="another context")
    assert not _verify(INPUTS, OUTPUTS, PROOF, key=KEY + GENERATOR)


def _json():
    return ballots_to_list(INPUTS), ballots_to_list(OUTPUTS), PROOF.to_dict()


def _verify_json(inputs, outputs, proof):
    return verify_shuffle_json(KEY, inputs, outputs, proof, generator_seed=SEED, context=CONTEXT)


def _off_curve_x():
    for x in range(1, 100):
        candidate = "02" + x.to_bytes(32, "big").hex()
        try:
            ballots_from_list([[{"alpha": candidate, "beta": candidate}]])
        except ValueError:
            return candidate
    raise AssertionError("no x off the curve below 100")


def test_points_off_the_curve_are_refused():
    off = _off_curve_x()
    inputs, outputs, proof = _json()
    assert _verify_json(inputs, outputs, proof)
    assert not _verify_json(inputs, outputs, {**proof, "commitments": [off, *proof["commitments"][1:]]})
    assert not _verify_json(inputs, outputs, {**proof, "chain": [*proof["chain"][:-1], off]})
    bad_outputs = [list(ballot) for ballot in outputs]
    bad_outputs[0][0] = {"alpha": off, "beta": bad_outputs[0][0]["beta"]}
    assert not _verify_json(inputs, bad_outputs, proof)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda i, o, p: (i, o, {**p, "s1": scalar_to_hex(ORDER - 1)[:-1] + "Z"}),
        lambda i, o, p: (i, o, {**p, "s1": (ORDER).to_bytes(33, "big")[1:].hex()}),  # n itself: out of range
        lambda i, o, p: (i, o, {**p, "s2": p["s2"].upper()}),
        lambda i, o, p: (i, o, {k: v for k, v in p.items() if k != "s3"}),
        lambda i, o, p: (i, o, {**p, "extra": 1}),
        lambda i, o, p: (i, o, {**p, "s4": p["s4"][:1]}),
        lambda i, o, p: (i, o, {**p, "s_prime": []}),
        lambda i, o, p: (i, o, {**p, "commitments": ["00", *p["commitments"][1:]]}),
        lambda i, o, p: (i, [[{"alpha": "00", "beta": "00"}, b[1]] for b in o], p),
        lambda i, o, p: (i, [b[:1] for b in o], p),
        lambda i, o, p: (i, o[:-1], p),
        lambda i, o, p: (i, o, None),
        lambda i, o, p: ("inputs", o, p),
        lambda i, o, p: ([], [], p),
        lambda i, o, p: (i, [[{"alpha": 5, "beta": None}]] * len(o), p),
        lambda i, o, p: (i, o, {**p, "challenge": 7}),
    ],
)
def test_malformed_input_returns_false_and_never_raises(mutate):
    assert not _verify_json(*mutate(*_json()))


def test_malformed_objects_return_false():
    assert not verify_shuffle(KEY, [], [], PROOF, generator_seed=SEED, context=CONTEXT)
    assert not verify_shuffle(KEY, INPUTS, OUTPUTS, "not a proof", generator_seed=SEED, context=CONTEXT)
    assert not verify_shuffle(KEY, INPUTS, OUTPUTS, replace(PROOF, s1=-1), generator_seed=SEED, context=CONTEXT)
    assert not verify_shuffle(KEY, INPUTS, [(*b, b[0]) for b in OUTPUTS], PROOF, generator_seed=SEED, context=CONTEXT)
    assert not verify_shuffle(KEY, INPUTS, OUTPUTS, PROOF, generator_seed="", context=CONTEXT)


def test_proof_json_round_trip():
    assert ShuffleProof.from_dict(PROOF.to_dict()) == PROOF
    assert ballots_from_list(ballots_to_list(OUTPUTS)) == OUTPUTS


def test_generators_are_deterministic_distinct_and_seed_bound():
    first = shuffle_generators("seed A", 20)
    assert len(first) == 21 and len(set(first)) == 21
    assert GENERATOR not in first
    assert shuffle_generators("seed A", 20) == first
    assert shuffle_generators("seed A", 30)[:21] == first  # h_i depends on (seed, i) only
    assert not set(shuffle_generators("seed B", 20)) & set(first)
    assert all(g.to_bytes()[0] == 2 for g in first)  # the even-y point of each hashed x


def test_shuffling_refuses_nonsense():
    with pytest.raises(ValueError):
        shuffle(KEY, [])
    with pytest.raises(ValueError):
        shuffle(KEY, [INPUTS[0], INPUTS[1][:1]])
    with pytest.raises(ValueError):
        prove_shuffle(KEY, INPUTS, OUTPUTS[:-1], WITNESS, generator_seed=SEED, context=CONTEXT)
    assert isinstance(OUTPUTS[0][0], Ciphertext)
