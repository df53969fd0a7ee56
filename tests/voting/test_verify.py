"""The published record (voting/RECORD.md) and its standalone verifier.

Records are built with the crypto API exactly as the server and the
devices would (format /2: a key ceremony played by three trustees, one
audited ballot), then tampered with; each tampering must fail at the
check(s) meant to catch it. Records of format /1 (a dealt key) still verify.
"""

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from voting.crypto import (
    PartialDecryption,
    build_chain,
    deal,
    dkg,
    encrypt_ballot,
    encrypt_ballot_with_nonces,
    entry_hash,
    genesis_hash,
    partial_decrypt,
    sum_ballots,
)
from voting.crypto.group import GENERATOR, scalar_to_hex
from voting.manifest import ballot_parameters, ballot_shape, choices_vector, manifest_hash
from voting.verify import CHECKS, main, verify_record

REPO = Path(__file__).resolve().parents[2]
OPTION_IDS = [31, 32, 35, 40]
# 20 ballots: positions of the chosen options; set() is a blank ballot.
VOTES = [{0}, {1, 2}, set(), {3}, {0, 1}, {2}, set(), {0}, {1}, {0, 3}] * 2
PAPER = {
    "counts": {"31": 4, "32": 1, "40": 2},
    "blank": 1,
    "invalid": 1,
    "ballots": 9,
    "stations": {"B01": {"counts": {"31": 4, "32": 1, "40": 2}, "blank": 1, "invalid": 1}},
}


def key_ceremony(n=3, threshold=2):
    """Three trustees' devices make the key; returns (Ceremony, shares by index)."""
    descriptor = {
        "format": dkg.CEREMONY_FORMAT, "contest": 7, "title": "Aménagement du parc", "threshold": threshold,
        "trustees": [{"index": i, "name": f"Trustee {i}"} for i in range(1, n + 1)], "nonce": "00" * 16,
    }
    context = dkg.sha256_hex(descriptor)
    certificates, secrets = zip(*(dkg.make_certificate(context, i) for i in range(1, n + 1)))
    polynomials = [dkg.make_polynomial(context, threshold, s, certificates) for s in secrets]
    transcript = dkg.transcript_hash(context, certificates, polynomials)
    confirmations = [dkg.make_confirmation(context, transcript, s) for s in secrets]
    ceremony = dkg.Ceremony(descriptor, tuple(certificates), tuple(polynomials), tuple(confirmations))
    public = dkg.combine(threshold, polynomials)
    shares = [dkg.derive_share(context, polynomials, s, public) for s in secrets]
    return ceremony, public, shares


class Contest:
    """A sealed, closed, counted contest and its published record."""

    def __init__(self, votes, *, allow_blank=True, trustees=(1, 3), version=2):
        if version == 1:
            dealt = deal(3, 2)
            public, self.shares, self.ceremony = dealt.public, dealt.shares, None
        else:
            self.ceremony, public, self.shares = key_ceremony()
        self.public = public
        self.manifest = {
            "format": f"parvis-manifest/{version}",
            "contest": 7,
            "title": "Aménagement du parc",
            "question": "Which equipment should the park get?",
            "rule": "approval",
            "options": [
                {"id": option_id, "label": label, "cost": None}
                for option_id, label in zip(
                    OPTION_IDS, ["Swings", "Benches", "Fountain", "Trees"], strict=True
                )
            ],
            "max_choices": 2,
            "seats": 1,
            "envelope": None,
            "allow_blank": allow_blank,
            "opens_at": "2025-05-01T08:00:00+02:00",
            "closes_at": "2025-05-15T20:00:00+02:00",
            "proclaims_at": "2025-05-16T12:00:00+02:00",
            "eligibility": "roll",
            "roll_hash": "ab" * 32,
            "polling_stations": ["B01"],
            "threshold": public.threshold,
            "trustees": [
                {"index": i, "name": f"Trustee {i}", "verification_key": key.to_hex()}
                for i, key in enumerate(public.verification_keys, start=1)
            ],
            "public_key": public.to_dict(),
        }
        if version == 2:
            transcript = dkg.transcript_hash(self.ceremony.hash, self.ceremony.certificates, self.ceremony.polynomials)
            self.manifest["key_ceremony"] = {"hash": self.ceremony.hash, "transcript": transcript}
        self.hash = manifest_hash(self.manifest)
        self.shape = ballot_shape(self.manifest)
        self.params = ballot_parameters(self.manifest, self.hash, public.public_key)
        encrypted = [encrypt_ballot_with_nonces(self.params, choices_vector(self.shape, v)) for v in votes]
        ballots, self.nonces = [b for b, _ in encrypted], [n for _, n in encrypted]
        entries = build_chain(genesis_hash(self.hash), [b.hash for b in ballots])
        self.sums = sum_ballots(ballots, self.shape.n_slots)
        online = {
            "counts": {
                str(option_id): sum(position in v for v in votes)
                for position, option_id in enumerate(OPTION_IDS)
            },
            "blank": sum(not v for v in votes),
            "ballots": len(votes),
        }
        total = {
            "counts": {k: n + PAPER["counts"].get(k, 0) for k, n in online["counts"].items()},
            "blank": online["blank"] + PAPER["blank"],
        }
        self.record = {
            "format": f"parvis-record/{version}",
            "manifest": self.manifest,
            "manifest_hash": self.hash,
            "ballots": [
                {"position": i, "ballot": b.to_dict(), "tracker": b.hash, "entry_hash": e}
                for i, (b, e) in enumerate(zip(ballots, entries, strict=True), start=1)
            ],
            "head_hash": entries[-1] if entries else genesis_hash(self.hash),
            "encrypted_sums": [c.to_dict() for c in self.sums],
            "partial_decryptions": [self.partial(i).to_dict() for i in trustees],
            "result": {"online": online, "paper": PAPER, "total": total},
        }
        if version == 2:
            self.record["key_ceremony"] = self.ceremony.to_dict()
            self.record["audited_ballots"] = [self.audited({0})]

    def audited(self, chosen):
        """A ballot a voter's device opened instead of casting, as the server publishes it."""
        choices = choices_vector(self.shape, chosen)
        ballot, nonces = encrypt_ballot_with_nonces(self.params, choices)
        return {"tracker": ballot.hash, "ballot": ballot.to_dict(), "choices": choices,
                "nonces": [scalar_to_hex(n) for n in nonces]}

    def partial(self, trustee) -> PartialDecryption:
        return partial_decrypt(self.shares[trustee - 1], self.public, self.sums, self.hash)

    def fresh_entry(self, chosen, previous_hash, position):
        """A valid ballot nobody cast, chained after ``previous_hash``."""
        ballot = encrypt_ballot(self.params, choices_vector(self.shape, chosen))
        return {
            "position": position,
            "ballot": ballot.to_dict(),
            "tracker": ballot.hash,
            "entry_hash": entry_hash(previous_hash, ballot.hash),
        }


CONTEST = Contest(VOTES)
NAMES = [name for name, _, _ in CHECKS]
EQUAL_SHARES_CHECKS = ["shuffle", "shuffle_decryptions", "winners"]  # skipped for /2 records (tests/voting/test_equal_shares_count.py)
GROUP_CHECKS = ["groups", "group_results"]  # skipped before /4 records (tests/voting/test_groups_count.py)
PASSED = [name for name in NAMES if name not in EQUAL_SHARES_CHECKS + GROUP_CHECKS]
SKIPPED = [name for name in NAMES if name in EQUAL_SHARES_CHECKS + GROUP_CHECKS]


def _copy():
    return copy.deepcopy(CONTEST.record)


def _failed(record):
    return set(verify_record(record).failed)


def test_records_of_format_1_still_verify():
    record = Contest(VOTES[:6], version=1).record
    report = verify_record(record)
    assert report.ok
    assert report["key_ceremony"].status == report["audited_ballots"].status == "skipped"


def test_valid_record_passes_every_check():
    report = verify_record(_copy())
    assert report.ok and report.failed == ()
    assert [c.name for c in report.checks] == NAMES
    assert [c.name for c in report.checks if c.status == "passed"] == PASSED
    assert [c.name for c in report.checks if c.status == "skipped"] == SKIPPED
    assert CONTEST.record["result"]["online"]["blank"] == 4
    assert report["online_result"].ok and "exactly" in report["online_result"].message
    text = report.render()
    assert text.count("✓") == len(PASSED) and "All checks passed" in text


@pytest.mark.parametrize(
    ("votes", "allow_blank"), [([], True), ([{0}, {1, 3}, {2}], False), ([set()] * 3, True)]
)
def test_other_contests_verify(votes, allow_blank):
    contest = Contest(votes, allow_blank=allow_blank, trustees=(3, 2))
    assert verify_record(contest.record).ok
    assert len(contest.record["encrypted_sums"]) == 4 + allow_blank


def test_skip_proofs_and_workers():
    report = verify_record(_copy(), check_proofs=False)
    assert report.ok and report["proofs"].status == "skipped"
    assert "[skipped]" in report.render(ascii_only=True)
    assert verify_record(_copy(), workers=2).ok
    bad = _copy()
    bad["ballots"][4]["ballot"]["sum_proof"] = bad["ballots"][5]["ballot"]["sum_proof"]
    report = verify_record(bad, workers=2)
    assert "proofs" in report.failed and "position(s) 5" in report["proofs"].message


def _replace_ballot(record, index, *, keep_tracker):
    fresh = CONTEST.fresh_entry({1}, CONTEST.hash, index + 1)
    entry = record["ballots"][index]
    entry["ballot"] = fresh["ballot"]
    if not keep_tracker:
        entry["tracker"] = fresh["tracker"]


def _flip_ciphertext(record):
    record["ballots"][6]["ballot"]["ciphertexts"][0]["alpha"] = GENERATOR.to_hex()


def _remove(record, *, renumber):
    del record["ballots"][5]
    if renumber:
        for position, entry in enumerate(record["ballots"], start=1):
            entry["position"] = position


def _insert(record):
    ballots = record["ballots"]
    ballots.insert(5, CONTEST.fresh_entry({2}, ballots[4]["entry_hash"], 6))
    for position, entry in enumerate(ballots, start=1):
        entry["position"] = position


def _swap(record, *, renumber):
    ballots = record["ballots"]
    ballots[3], ballots[8] = ballots[8], ballots[3]
    if renumber:
        ballots[3]["position"], ballots[8]["position"] = 4, 9


def _append_duplicate(record):
    copy_ = dict(record["ballots"][2], position=21)
    copy_["entry_hash"] = entry_hash(record["head_hash"], copy_["tracker"])
    record["ballots"].append(copy_)
    record["head_hash"] = copy_["entry_hash"]


def _change_label(record, *, rehash):
    record["manifest"]["options"][1]["label"] = "Benches (stone)"
    if rehash:
        record["manifest_hash"] = manifest_hash(record["manifest"])


def _forge_partial(record):
    partial = record["partial_decryptions"][0]
    partial["factors"][0] = GENERATOR.to_hex()


def _forge_one_of_three_partials(record):
    record["partial_decryptions"].append(CONTEST.partial(2).to_dict())
    _forge_partial(record)


def _wrong_count(record):
    # the server lies consistently: online and total both get the extra vote
    for part in ("online", "total"):
        record["result"][part]["counts"]["35"] += 1


def _wrong_blank(record):
    record["result"]["online"]["blank"] -= 1
    record["result"]["total"]["blank"] -= 1


def _wrong_total(record):
    record["result"]["total"]["counts"]["40"] += 1


def _wrong_head(record):
    record["head_hash"] = record["ballots"][-2]["entry_hash"]


def _confirm_other_transcript(record):
    ceremony = dkg.Ceremony.from_dict(record["key_ceremony"])
    fake = dkg.Confirmation(2, "ab" * 32, ceremony.confirmations[1].signature)
    record["key_ceremony"]["confirmations"][1] = fake.to_dict()


def _replace_polynomial(record):
    # A server that swapped trustee 3's polynomial for its own cannot sign it as trustee 3.
    ceremony = dkg.Ceremony.from_dict(record["key_ceremony"])
    _certificate, server = dkg.make_certificate(ceremony.hash, 3)
    forged = dkg.make_polynomial(ceremony.hash, 2, server, ceremony.certificates)
    record["key_ceremony"]["polynomials"][2] = forged.to_dict()


def _key_of_another_ceremony(record):
    other, _public, _shares = key_ceremony()
    record["key_ceremony"] = other.to_dict()


def _audited_reveal_lies(record):
    entry = record["audited_ballots"][0]
    entry["choices"] = [1 - entry["choices"][0], *entry["choices"][1:]]


def _audited_ballot_cast(record):
    # The box's second ballot was also opened for checking: its content is public, it must not count.
    entry = record["ballots"][1]
    record["audited_ballots"].append({
        "tracker": entry["tracker"], "ballot": entry["ballot"],
        "choices": choices_vector(CONTEST.shape, VOTES[1]), "nonces": [scalar_to_hex(n) for n in CONTEST.nonces[1]],
    })


TAMPERINGS = {
    # ballot content changed, tracker kept: the receipt no longer matches
    "changed ballot": (
        lambda r: _replace_ballot(r, 6, keep_tracker=True),
        {"trackers", "encrypted_sums"},
        ("trackers", "position(s) 7"),
    ),
    # ... tracker updated too: the chain breaks there
    "changed ballot and tracker": (
        lambda r: _replace_ballot(r, 6, keep_tracker=False),
        {"chain", "encrypted_sums"},
        ("chain", "position 7"),
    ),
    "altered ciphertext": (
        _flip_ciphertext,
        {"trackers", "proofs", "encrypted_sums"},
        ("proofs", "position(s) 7"),
    ),
    "removed ballot": (
        lambda r: _remove(r, renumber=False),
        {"positions", "chain", "encrypted_sums", "online_result"},
        ("chain", "position 6"),
    ),
    "removed ballot, renumbered": (
        lambda r: _remove(r, renumber=True),
        {"chain", "encrypted_sums", "online_result"},
        ("chain", "position 6"),
    ),
    # the inserted entry chains correctly after position 5: the next one cannot
    "inserted ballot": (
        _insert,
        {"chain", "encrypted_sums", "online_result"},
        ("chain", "position 7"),
    ),
    "swapped ballots": (lambda r: _swap(r, renumber=True), {"chain"}, ("chain", "position 4")),
    "swapped ballots, positions kept": (
        lambda r: _swap(r, renumber=False),
        {"positions", "chain"},
        ("positions", "ballot number 4"),
    ),
    "duplicated ballot": (
        _append_duplicate,
        {"unique_trackers", "encrypted_sums", "online_result"},
        ("unique_trackers", "positions 3, 21"),
    ),
    "changed manifest": (
        lambda r: _change_label(r, rehash=False),
        {
            "manifest_hash",
            "proofs",
            "audited_ballots",
            "chain",
            "partial_decryptions",
            "decryption",
            "online_result",
        },
        ("manifest_hash", "the manifest was changed"),
    ),
    # a recomputed fingerprint does not help: proofs and chain are bound to the old one
    "changed manifest, rehashed": (
        lambda r: _change_label(r, rehash=True),
        {"proofs", "audited_ballots", "chain", "partial_decryptions", "decryption", "online_result"},
        ("chain", "position 1"),
    ),
    # the server drops a trustee's confirmation, or fakes the key ceremony
    "missing confirmation": (
        lambda r: r["key_ceremony"]["confirmations"].pop(),
        {"key_ceremony"},
        ("key_ceremony", "one confirmation per trustee"),
    ),
    "confirmation of another transcript": (
        _confirm_other_transcript,
        {"key_ceremony"},
        ("key_ceremony", "trustee 2 did not sign this transcript"),
    ),
    "polynomial replaced by the server": (
        _replace_polynomial,
        {"key_ceremony"},
        ("key_ceremony", "trustee 3's polynomial is malformed or not signed by them"),
    ),
    "key not from the ceremony": (
        _key_of_another_ceremony,
        {"key_ceremony"},
        ("key_ceremony", "the manifest names another key ceremony"),
    ),
    "audited ballot whose reveal lies": (
        _audited_reveal_lies,
        {"audited_ballots"},
        ("audited_ballots", "do not re-encrypt to what they reveal"),
    ),
    "audited ballot cast": (
        _audited_ballot_cast,
        {"audited_ballots"},
        ("audited_ballots", "were cast although their content is public"),
    ),
    "wrong head hash": (_wrong_head, {"chain"}, ("chain", "head hash")),
    "forged partial decryption": (
        _forge_partial,
        {"partial_decryptions", "decryption", "online_result"},
        ("partial_decryptions", "#1 (trustee 1)"),
    ),
    "forged partial decryption, enough others": (
        _forge_one_of_three_partials,
        {"partial_decryptions"},
        ("partial_decryptions", "#1 (trustee 1)"),
    ),
    "wrong published count": (
        _wrong_count,
        {"online_result"},
        ("online_result", "option 35: published"),
    ),
    "wrong blank count": (_wrong_blank, {"online_result"}, ("online_result", "blank votes")),
    "wrong total": (_wrong_total, {"total_result"}, ("total_result", "option 40")),
}


@pytest.mark.parametrize("case", TAMPERINGS)
def test_tampering_fails_at_the_right_check(case):
    tamper, expected, (check, words) = TAMPERINGS[case]
    record = _copy()
    tamper(record)
    report = verify_record(record)
    assert set(report.failed) == expected
    assert words in report[check].message
    assert "FAILED" in report.render()


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: r.clear(),
        lambda r: r.pop("ballots"),
        lambda r: r.update(extra=1),
        lambda r: r.update(format="parvis-record/9"),
        lambda r: r.update(format="parvis-record/3"),  # a /2 manifest and no equal_shares field in a /3 record
        lambda r: r.update(format="parvis-record/1"),  # a /2 manifest and fields in a /1 record
        lambda r: r.pop("key_ceremony"),
        lambda r: r.update(audited_ballots={}),
        lambda r: r["key_ceremony"]["descriptor"].update(format="other"),
        lambda r: r["ballots"].append("nope"),
        lambda r: r["ballots"][0]["ballot"].update(ciphertexts=7),
        lambda r: r["manifest"].pop("options"),
        lambda r: r["manifest"].update(public_key={}),
        lambda r: r.update(encrypted_sums=[{"alpha": "00"}]),
        lambda r: r["partial_decryptions"].append({"trustee": 9}),
        lambda r: r["result"]["online"].update(counts={"31": 1}),
        lambda r: r["result"]["paper"].update(blank="2"),
        lambda r: r["result"]["total"]["counts"].update({"99": 1}),
    ],
)
def test_malformed_records_fail_without_crashing(mutate):
    record = _copy()
    mutate(record)
    report = verify_record(record)
    assert not report.ok
    assert [c.name for c in report.checks] == NAMES


def test_not_a_record_at_all():
    report = verify_record([])
    assert set(report.failed) == set(NAMES)
    assert report["format"].message == "the record is not a JSON object"


def _run_cli(*args, encoding="utf-8"):
    env = dict(os.environ, PYTHONIOENCODING=encoding)
    command = [sys.executable, *args]
    return subprocess.run(
        command, check=False, cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def record_file(tmp_path):
    def write(record):
        path = tmp_path / "record.json"
        path.write_text(json.dumps(record), encoding="utf-8")
        return str(path)

    return write


def test_cli_passes_and_never_imports_django(record_file):
    done = _run_cli("-X", "importtime", "-m", "voting.verify", record_file(_copy()))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("✓") == len(PASSED) and "✗" not in done.stdout
    assert "Parvis record of contest 7: Aménagement du parc" in done.stdout
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
    assert "voting.verify" not in imported  # run as __main__
    assert {"voting.crypto", "voting.manifest", "coincurve"} <= set(imported)
    assert not [name for name in imported if name.split(".")[0] == "django"]


def test_cli_fails_on_a_tampered_record(record_file):
    record = _copy()
    _swap(record, renumber=True)
    done = _run_cli("-m", "voting.verify", record_file(record))
    assert done.returncode == 1
    assert "✗ Hash chain: broken at position 4" in done.stdout
    assert "1 check(s) FAILED" in done.stdout


def test_cli_options_and_ascii_terminal(record_file):
    path = record_file(_copy())
    done = _run_cli("-m", "voting.verify", "--skip-proofs", "--workers", "2", path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "– Ballot proofs: skipped" in done.stdout
    done = _run_cli("-m", "voting.verify", path, encoding="ascii")
    assert done.returncode == 0 and "[ok] Format" in done.stdout
    assert "Am\\xe9nagement" in done.stdout


def test_cli_refuses_unreadable_input(tmp_path, capsys):
    assert main([str(tmp_path / "missing.json")]) == 2
    duplicate = tmp_path / "duplicate.json"
    duplicate.write_text('{"format": "parvis-record/1", "format": "x"}', encoding="utf-8")
    assert main([str(duplicate)]) == 2
    assert "same key twice" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--workers", "0", str(duplicate)])
