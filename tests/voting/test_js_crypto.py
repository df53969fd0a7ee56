"""The voter's browser code (``voting/static/voting/js/crypto.js``) against the Python reference.

Python builds the vectors (hash inputs of every item type, points and scalars
to decode, encryptions with fixed nonces, ballots of several contests, a dealt
threshold key and partial decryptions), ``tests/js/interop.mjs`` runs them
through crypto.js in Node once for the module, and every assertion is made
here, against :mod:`voting.crypto`:

* same hashes, encodings, decoding decisions, canonical JSON and ballot shapes;
* with Python's random draws replayed, a JavaScript ballot or partial
  decryption is byte for byte Python's;
* Python ballots verify in JavaScript and tampered ones do not, exactly when
  Python says so;
* fresh JavaScript ballots pass :func:`verify_ballot`, re-serialize to the
  same JSON and tracker, and their Benaloh audit (like Python's :func:`verify_audit`)
  accepts the true nonces only;
* a JavaScript partial decryption passes Python's checks and combines with a
  Python one into the right counts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from voting.crypto import ballot as ballot_module
from voting.crypto import proofs as proofs_module
from voting.crypto.ballot import (
    Ballot,
    ContestParameters,
    encrypt_ballot,
    encrypt_ballot_with_nonces,
    verify_audit,
    verify_ballot,
)
from voting.crypto.elgamal import encrypt, sum_ciphertexts
from voting.crypto.errors import DecodeError
from voting.crypto.group import (
    GENERATOR,
    IDENTITY,
    ORDER,
    Point,
    base_mul,
    hash_items,
    hash_to_scalar,
    scalar_from_hex,
    scalar_to_hex,
)
from voting.crypto.tally import decrypt_tally
from voting.crypto.threshold import (
    PartialDecryption,
    deal,
    partial_decrypt,
    verify_partial_decryption,
)
from voting.manifest import ballot_shape, canonical_json, choices_vector

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "js" / "interop.mjs"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(
    NODE is None, reason="node is not on PATH: crypto.js cannot be checked against Python"
)

CONTEXT = "5c1e" * 16  # a manifest hash, as the casting layer passes it


class Draws:
    """A reproducible stand-in for ``random_scalar``, remembering what it drew."""

    def __init__(self, seed: str) -> None:
        self.seed = seed
        self.drawn: list[int] = []

    def __call__(self) -> int:
        value = hash_to_scalar("test/random", self.seed, len(self.drawn)) or 1
        self.drawn.append(value)
        return value

    def as_hex(self) -> list[str]:
        return [scalar_to_hex(value) for value in self.drawn]


@contextmanager
def replayable(seed: str) -> Iterator[Draws]:
    """Python's ballot and proof code drawing from :class:`Draws` instead of the CSPRNG."""
    draws = Draws(seed)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ballot_module, "random_scalar", draws)
        patch.setattr(proofs_module, "random_scalar", draws)
        yield draws
    assert draws.drawn, "the patched random_scalar was never called: where does Python draw now?"


def _params_dict(params: ContestParameters) -> dict[str, object]:
    return {
        "public_key": params.public_key.to_hex(),
        "n_options": params.n_options,
        "min_choices": params.min_choices,
        "max_choices": params.max_choices,
        "blank": params.blank,
        "context": params.context,
    }


def _python_verifies(params: ContestParameters, data: object) -> bool:
    try:
        return verify_ballot(params, Ballot.from_dict(data))
    except DecodeError:
        return False


def _python_audits(params: ContestParameters, ballot: Ballot, choices, nonces) -> bool:
    try:
        return verify_audit(params, ballot, choices, [scalar_from_hex(n) for n in nonces])
    except DecodeError:
        return False


def _bump(hex_scalar: str) -> str:
    return scalar_to_hex((scalar_from_hex(hex_scalar) + 1) % ORDER)


DEALT = deal(3, 2)
KEY = DEALT.public.public_key
SINGLE = ContestParameters(KEY, n_options=4, min_choices=1, max_choices=1, context=CONTEXT)
APPROVAL_BLANK = ContestParameters(
    KEY, n_options=5, min_choices=1, max_choices=3, context="contest/é ✓", blank=True
)
SEATS_BLANK = ContestParameters(
    KEY, n_options=12, min_choices=1, max_choices=3, context=CONTEXT, blank=True
)
UP_TO_TWO = ContestParameters(KEY, n_options=3, min_choices=0, max_choices=2, context=CONTEXT)

# (contest, choice vectors): single choice, approval, 12 candidates for 3
# seats, blank ballots, and a range starting at 0 (the empty ballot).
BALLOTS = [
    (SINGLE, [[1, 0, 0, 0], [0, 0, 0, 1]]),
    (APPROVAL_BLANK, [[1, 0, 1, 1, 0, 0], [0, 0, 0, 0, 0, 1], [0, 1, 0, 0, 0, 0]]),
    (SEATS_BLANK, [[0] * 12 + [1], [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0], [0] * 11 + [1, 0]]),
    (UP_TO_TWO, [[0, 0, 0], [1, 1, 0]]),
]


def _hash_vectors() -> list[dict[str, object]]:
    point = base_mul(123456789)
    every_type = [
        {"point": point.to_hex()},
        {"point": IDENTITY.to_hex()},
        {"int": "0"},
        {"int": str(2**256 - 1)},
        {"int": str(ORDER)},
        {"str": ""},
        {"str": "héllo ✓ 😀"},
        {"bytes": ""},
        {"bytes": "00ff10"},
    ]
    return [
        {"domain": "test", "items": []},
        {"domain": "test", "items": every_type},
        {"domain": "proof/range", "items": [{"str": "a"}, {"str": "bc"}]},
        {"domain": "proof/range", "items": [{"str": "ab"}, {"str": "c"}]},
        {"domain": "ümlaut", "items": [{"bytes": "61"}, {"str": "a"}, {"int": "97"}]},
    ]


def _typed(spec: dict[str, str]) -> object:
    if "point" in spec:
        return Point.from_hex(spec["point"], allow_identity=True)
    if "int" in spec:
        return int(spec["int"])
    if "str" in spec:
        return spec["str"]
    return bytes.fromhex(spec["bytes"])


def _not_on_curve_x() -> int:
    p = 2**256 - 2**32 - 977
    x = 5
    while pow(x**3 + 7, (p - 1) // 2, p) == 1:
        x += 1
    return x


def _point_vectors() -> list[dict[str, object]]:
    valid = base_mul(987654321).to_hex()
    p = 2**256 - 2**32 - 977
    cases = [
        (valid, False),
        (valid.upper(), False),
        (valid[:2] + valid[2:].upper(), False),
        ("00", False),
        ("00", True),
        ("", True),
        ("0", False),
        (valid[:-2], False),
        (valid + "00", False),
        ("04" + valid[2:], False),
        ("02" + f"{p + 1:064x}", False),  # x >= p
        ("02" + f"{_not_on_curve_x():064x}", False),
        (" " + valid, False),
        (GENERATOR.to_hex(), True),
    ]
    return [{"hex": hex_, "allow_identity": allow} for hex_, allow in cases]


def _scalar_vectors() -> list[dict[str, object]]:
    cases = [
        (scalar_to_hex(42), False),
        (scalar_to_hex(ORDER - 1), False),
        (f"{ORDER:064x}", False),
        (scalar_to_hex(0), False),
        (scalar_to_hex(0), True),
        (scalar_to_hex(7).upper().replace("0X", ""), False),
        ("ab" * 31, False),
        ("ab" * 33, False),
        ("zz" * 32, False),
        ("0x" + "ab" * 31, False),
    ]
    return [{"hex": hex_, "nonzero": nonzero} for hex_, nonzero in cases]


def _manifests() -> list[dict[str, object]]:
    options = [{"id": f"o{i}"} for i in range(12)]
    return [
        {
            "manifest": {"rule": "single", "options": options[:4], "allow_blank": False},
            "chosen": [2],
        },
        {"manifest": {"rule": "single", "options": options[:4], "allow_blank": True}, "chosen": []},
        {
            "manifest": {"rule": "single", "options": options[:4], "allow_blank": True},
            "chosen": [3],
        },
        {
            "manifest": {
                "rule": "approval",
                "options": options[:5],
                "max_choices": 3,
                "allow_blank": 1,
            },
            "chosen": [0, 4],
        },
        {
            "manifest": {
                "rule": "approval",
                "options": options[:2],
                "max_choices": 9,
                "allow_blank": [],
            },
            "chosen": [],
        },
        {
            "manifest": {"rule": "plurality", "options": options, "seats": 3, "allow_blank": True},
            "chosen": [1, 5, 11],
        },
        {
            "manifest": {"rule": "knapsack", "options": options[:6], "allow_blank": False},
            "chosen": [0, 1],
        },
    ]


def _tampered(ballot: dict) -> list[tuple[str, dict]]:
    """Ways to break a valid ballot's JSON object, each of which Python refuses."""
    variants = []

    def variant(label: str, change) -> None:
        copy = json.loads(json.dumps(ballot))
        change(copy)
        variants.append((label, copy))

    def response(b):
        b["choice_proofs"][0][1]["response"] = _bump(b["choice_proofs"][0][1]["response"])

    def challenge(b):
        b["sum_proof"][0]["challenge"] = _bump(b["sum_proof"][0]["challenge"])

    def swap(b):
        b["ciphertexts"][0], b["ciphertexts"][1] = b["ciphertexts"][1], b["ciphertexts"][0]

    def swap_with_proofs(b):
        swap(b)
        b["choice_proofs"][0], b["choice_proofs"][1] = b["choice_proofs"][1], b["choice_proofs"][0]

    def upper(b):
        b["ciphertexts"][0]["alpha"] = b["ciphertexts"][0]["alpha"].upper()

    def identity(b):
        b["ciphertexts"][1]["beta"] = "00"

    def extra_key(b):
        b["voter"] = "me"

    def short_sum_proof(b):
        b["sum_proof"].pop()

    for label, change in [
        ("choice response + 1", response),
        ("sum challenge + 1", challenge),
        ("ciphertexts swapped", swap),
        ("ciphertexts and proofs swapped", swap_with_proofs),
        ("upper-case point", upper),
        ("identity beta", identity),
        ("extra key", extra_key),
        ("sum proof one branch short", short_sum_proof),
    ]:
        variant(label, change)
    return variants


def _build_vectors() -> tuple[dict, dict]:
    """The input for interop.mjs, and what Python expects where it is not recomputed later."""
    expected: dict[str, object] = {"verify": [], "audits": [], "python_ballots": []}
    vectors: dict[str, object] = {
        "hashes": _hash_vectors(),
        "points": _point_vectors(),
        "scalars": _scalar_vectors(),
        "encryptions": [
            {"public_key": KEY.to_hex(), "message": m, "nonce": scalar_to_hex(r)}
            for m, r in [(0, 1), (1, 2), (1, ORDER - 1), (0, 0xDEADBEEF), (7, 12345), (1000, 99)]
        ],
        "canonical_json": [
            {"b": 1, "a": [1, "x", None, True, False], "n": -5, "big": 2**53 - 1},
            {"é": "\x7f\u00e9\U0001f600", "\ufb01": 1, "\U0001f600": 2, "z": {"y": {}, "x": []}},
            {"ctl": '\n\t\x01\x1f"\\/<>&', "": ""},
        ],
        "shapes": _manifests(),
        "replayed_ballots": [],
        "verify": [],
        "audits": [],
        "js_ballots": [
            {"params": _params_dict(params), "choices": choices}
            for params, vectors_ in BALLOTS
            for choices in vectors_
        ],
        "rejected_encryptions": [],
    }

    for index, (params, choice_vectors) in enumerate(BALLOTS):
        for number, choices in enumerate(choice_vectors):
            with replayable(f"ballot/{index}/{number}") as draws:
                ballot, revealed = encrypt_ballot_with_nonces(params, choices)
            nonces = [scalar_to_hex(r) for r in revealed]  # what a Benaloh audit reveals
            data = ballot.to_dict()
            vectors["replayed_ballots"].append(
                {"params": _params_dict(params), "choices": choices, "random": draws.as_hex()}
            )
            expected["python_ballots"].append((ballot, nonces, len(draws.drawn)))
            cases = [("valid", params, data)]
            if number == 0:
                cases += [(label, params, copy) for label, copy in _tampered(data)]
                other = ContestParameters(
                    KEY,
                    params.n_options,
                    params.min_choices,
                    params.max_choices,
                    context=params.context + "x",
                    blank=params.blank,
                )
                cases.append(("wrong context", other, data))
            for label, case_params, case in cases:
                vectors["verify"].append({"params": _params_dict(case_params), "ballot": case})
                expected["verify"].append((label, _python_verifies(case_params, case)))

            flipped = [1 - choices[0], *choices[1:]]
            other_nonces = [
                scalar_to_hex(scalar_from_hex(nonces[0]) % (ORDER - 1) + 1),
                *nonces[1:],
            ]
            for label, audit_choices, audit_nonces, ok in [
                ("true nonces", choices, nonces, True),
                ("wrong choice", flipped, nonces, False),
                ("wrong nonce", choices, other_nonces, False),
                ("upper-case nonce", choices, [nonces[0].upper(), *nonces[1:]], False),
                ("missing nonce", choices, nonces[:-1], False),
            ]:
                vectors["audits"].append(
                    {
                        "params": _params_dict(params),
                        "ballot": data,
                        "choices": audit_choices,
                        "nonces": audit_nonces,
                    }
                )
                python = _python_audits(params, ballot, audit_choices, audit_nonces)
                expected["audits"].append((label, ok, python))

    for params, choices in [
        (SINGLE, [1, 1, 0, 0]),
        (SINGLE, [0, 0, 0, 0]),
        (SINGLE, [1, 0, 0]),
        (SINGLE, [2, 0, 0, 0]),
        (SINGLE, [True, False, False, False]),
        (SEATS_BLANK, [1, 1, 1, 1] + [0] * 9),
        (SEATS_BLANK, [1] + [0] * 11 + [1]),
        (SEATS_BLANK, [0] * 13),
    ]:
        with pytest.raises(ValueError):
            encrypt_ballot(params, choices)
        vectors["rejected_encryptions"].append({"params": _params_dict(params), "choices": choices})

    # Threshold decryption of per-slot sums of the 12-candidate contest's
    # Python ballots, plus a sum whose alpha cancels out (nonces r and n - r).
    seat_ballots = [b for b, _, _ in expected["python_ballots"][5:8]]
    sums = [
        sum_ciphertexts(b.ciphertexts[slot] for b in seat_ballots)
        for slot in range(SEATS_BLANK.n_slots)
    ]
    counts = [sum(c[slot] for c in BALLOTS[2][1]) for slot in range(SEATS_BLANK.n_slots)]
    sums.append(encrypt(KEY, 1, 5) + encrypt(KEY, 1, ORDER - 5))
    counts.append(2)
    assert sums[-1].alpha.is_identity
    share = DEALT.shares[0]
    python_partial = partial_decrypt(DEALT.shares[2], DEALT.public, sums, CONTEXT)
    forged = PartialDecryption(
        python_partial.trustee,
        (python_partial.factors[1], *python_partial.factors[1:]),
        python_partial.proofs,
    )
    relabelled = PartialDecryption(2, python_partial.factors, python_partial.proofs)
    with replayable("partial") as draws:
        replayed_partial = partial_decrypt(share, DEALT.public, sums, CONTEXT)
    vectors["threshold"] = {
        "public": DEALT.public.to_dict(),
        "share": share.to_dict(),
        "wrong_value": scalar_to_hex(share.value + 1),
        "sums": [c.to_dict() for c in sums],
        "context": CONTEXT,
        "random": draws.as_hex(),
        "python_partials": [p.to_dict() for p in (python_partial, forged, relabelled)],
    }
    expected["threshold"] = {
        "sums": sums,
        "counts": counts,
        "python_partial": python_partial,
        "replayed": replayed_partial.to_dict(),
        "verify_python": [
            verify_partial_decryption(p, DEALT.public, sums, CONTEXT)
            for p in (python_partial, forged, relabelled)
        ],
    }
    return vectors, expected


@pytest.fixture(scope="module")
def interop(tmp_path_factory):
    """(vectors, Python's expectations, what crypto.js computed)."""
    vectors, expected = _build_vectors()
    folder = tmp_path_factory.mktemp("js_crypto")
    source, target = folder / "in.json", folder / "out.json"
    source.write_text(json.dumps(vectors), encoding="utf-8")
    run = subprocess.run(
        [NODE, str(SCRIPT), str(source), str(target)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,  # the assertion below shows Node's error output
    )
    assert run.returncode == 0, f"interop.mjs failed:\n{run.stderr}"
    return vectors, expected, json.loads(target.read_text(encoding="utf-8"))


def test_hash_items_matches_for_every_item_type(interop):
    vectors, _, results = interop
    for case, result in zip(vectors["hashes"], results["hashes"], strict=True):
        items = [_typed(spec) for spec in case["items"]]
        digest = hash_items(case["domain"], *items)
        assert result["digest"] == digest.hex(), case
        assert result["bare"] == digest.hex(), case
        assert result["scalar"] == scalar_to_hex(hash_to_scalar(case["domain"], *items))
    digests = [r["digest"] for r in results["hashes"]]
    assert len(set(digests)) == len(digests)  # "a"+"bc" and "ab"+"c" differ


def test_points_and_scalars_decode_exactly_when_python_accepts_them(interop):
    vectors, _, results = interop
    for case, result in zip(vectors["points"], results["points"], strict=True):
        try:
            python = Point.from_hex(case["hex"], allow_identity=case["allow_identity"]).to_hex()
        except DecodeError:
            assert not result["ok"], case
        else:
            assert result == {"ok": True, "value": python}, case
    for case, result in zip(vectors["scalars"], results["scalars"], strict=True):
        try:
            python = scalar_to_hex(scalar_from_hex(case["hex"], nonzero=case["nonzero"]))
        except DecodeError:
            assert not result["ok"], case
        else:
            assert result == {"ok": True, "value": python}, case
    assert [r["ok"] for r in results["points"]].count(
        True
    ) == 3  # the test cases are not all trivially bad


def test_encrypt_with_fixed_nonces_matches(interop):
    vectors, _, results = interop
    for case, result in zip(vectors["encryptions"], results["encryptions"], strict=True):
        key = Point.from_hex(case["public_key"])
        assert result == encrypt(key, case["message"], scalar_from_hex(case["nonce"])).to_dict()


def test_canonical_json_and_ballot_shapes_match(interop):
    vectors, _, results = interop
    for value, result in zip(vectors["canonical_json"], results["canonical_json"], strict=True):
        assert result == canonical_json(value)
    for case, result in zip(vectors["shapes"], results["shapes"], strict=True):
        shape = ballot_shape(case["manifest"])
        assert result["shape"] == {
            "nOptions": shape.n_options,
            "minChoices": shape.min_choices,
            "maxChoices": shape.max_choices,
            "blank": shape.blank,
            "nSlots": shape.n_slots,
        }
        assert result["vector"] == choices_vector(shape, set(case["chosen"]))


def test_replayed_randomness_gives_pythons_ballot_byte_for_byte(interop):
    _, expected, results = interop
    for (ballot, nonces, drawn), result in zip(
        expected["python_ballots"], results["replayed_ballots"], strict=True
    ):
        assert result["json"] == ballot.to_json()
        assert result["tracker"] == ballot.hash
        assert result["nonces"] == nonces
        assert result["draws"] == drawn


def test_python_ballots_verify_in_js_and_tampered_ones_do_not(interop):
    _, expected, results = interop
    labels = {label for label, _ in expected["verify"]}
    assert {"valid", "wrong context", "ciphertexts swapped", "choice response + 1"} <= labels
    for (label, python), result in zip(expected["verify"], results["verified"], strict=True):
        assert python is (label == "valid"), label  # the vectors test what they claim
        assert result == {"ok": True, "value": python}, label


def test_audit_accepts_the_true_nonces_only_as_python_does(interop):
    _, expected, results = interop
    for (label, ok, python), result in zip(expected["audits"], results["audits"], strict=True):
        assert python is ok, label
        assert result == {"ok": True, "value": ok}, label


def test_js_ballots_pass_pythons_checks(interop):
    vectors, _, results = interop
    for case, result in zip(vectors["js_ballots"], results["js_ballots"], strict=True):
        params = ContestParameters(
            Point.from_hex(case["params"]["public_key"]),
            case["params"]["n_options"],
            case["params"]["min_choices"],
            case["params"]["max_choices"],
            context=case["params"]["context"],
            blank=case["params"]["blank"],
        )
        ballot = Ballot.from_json(result["json"])
        assert ballot.to_json() == result["json"]
        assert json.loads(result["json"]) == result["ballot"]
        assert verify_ballot(params, ballot)
        assert result["tracker"] == ballot.hash
        assert result["verifies"] and result["audit"]
        assert not result["audit_wrong_choice"] and not result["audit_wrong_nonces"]
        # The revealed nonces are the ones used: Python's audit accepts them.
        python_nonces = [scalar_from_hex(r) for r in result["nonces"]]
        assert verify_audit(params, ballot, case["choices"], python_nonces)
        assert [
            encrypt(params.public_key, m, scalar_from_hex(r))
            for m, r in zip(case["choices"], result["nonces"])
        ] == list(ballot.ciphertexts)
    seats = [
        r["ms"]
        for c, r in zip(vectors["js_ballots"], results["js_ballots"])
        if c["params"]["n_options"] == 12
    ]
    print(
        f"\ncrypto.js in Node: 12 candidates, 3 seats, blank slot: {', '.join(f'{ms:.0f}' for ms in seats)} ms"
    )


def test_js_refuses_the_choices_python_refuses(interop):
    _, _, results = interop
    assert results["rejected_encryptions"]
    for result in results["rejected_encryptions"]:
        assert not result["ok"] and result["error"].startswith("RangeError"), result


def test_threshold_decryption_interoperates(interop):
    _, expected, results = interop
    js, theirs = results["threshold"], expected["threshold"]
    assert js["verification_keys"] == [key.to_hex() for key in DEALT.public.verification_keys]
    assert js["replayed"] == theirs["replayed"]
    assert js["verify_python"] == theirs["verify_python"] == [True, False, False]
    assert not js["wrong_share"]["ok"] and js["wrong_share"]["error"].startswith(
        "InvalidShareError"
    )

    sums = theirs["sums"]
    partial = PartialDecryption.from_dict(js["fresh"])
    assert partial.to_dict() == js["fresh"]
    assert verify_partial_decryption(partial, DEALT.public, sums, CONTEXT)
    assert not verify_partial_decryption(partial, DEALT.public, sums, CONTEXT + "x")
    result = decrypt_tally(DEALT.public, sums, [partial, theirs["python_partial"]], CONTEXT, 10)
    assert result.trustees == (1, 3)
    assert list(result.counts) == theirs["counts"]
