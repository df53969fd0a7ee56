"""The published record (voting/RECORD.md) and its standalone verifier.

Records are built with the crypto API exactly as the server would, then
tampered with; each tampering must fail at the check(s) meant to catch it.
"""

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from voting.crypto import (
    ContestParameters,
    PartialDecryption,
    build_chain,
    deal,
    encrypt_ballot,
    entry_hash,
    genesis_hash,
    partial_decrypt,
    sum_ballots,
)
from voting.crypto.group import GENERATOR
from voting.manifest import ballot_shape, choices_vector, manifest_hash
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


class Contest:
    """A sealed, closed, counted contest and its published record."""

    def __init__(self, votes, *, allow_blank=True, trustees=(1, 3)):
        self.dealt = deal(3, 2)
        public = self.dealt.public
        self.manifest = {
            "format": "parvis-manifest/1",
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
        self.hash = manifest_hash(self.manifest)
        self.shape = ballot_shape(self.manifest)
        self.params = ContestParameters(
            public.public_key,
            self.shape.n_options,
            self.shape.min_choices,
            self.shape.max_choices,
            self.hash,
            self.shape.blank,
        )
        ballots = [encrypt_ballot(self.params, choices_vector(self.shape, v)) for v in votes]
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
            "format": "parvis-record/1",
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

    def partial(self, trustee) -> PartialDecryption:
        share = self.dealt.shares[trustee - 1]
        return partial_decrypt(share, self.dealt.public, self.sums, self.hash)

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


def _copy():
    return copy.deepcopy(CONTEST.record)


def _failed(record):
    return set(verify_record(record).failed)


def test_valid_record_passes_every_check():
    report = verify_record(_copy())
    assert report.ok and report.failed == ()
    assert [c.name for c in report.checks] == NAMES
    assert all(c.status == "passed" for c in report.checks)
    assert CONTEST.record["result"]["online"]["blank"] == 4
    assert report["online_result"].ok and "exactly" in report["online_result"].message
    text = report.render()
    assert text.count("✓") == len(NAMES) and "All checks passed" in text


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
        {"proofs", "chain", "partial_decryptions", "decryption", "online_result"},
        ("chain", "position 1"),
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
        lambda r: r.update(format="parvis-record/2"),
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
    assert done.stdout.count("✓") == len(NAMES) and "✗" not in done.stdout
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
