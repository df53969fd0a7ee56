"""The trustee's browser code (``trustee-core.js``) against the Python reference.

A whole key ceremony (5 trustees, threshold 3) where trustees 1, 3 and 5 run
the JavaScript in Node and trustees 2 and 4 run :mod:`voting.trustee.steps`,
each handed the tasks the server would build from the others' answers: the
transcript must pass :func:`voting.crypto.dkg.check_ceremony`, key files must
open in the other language, tampering must be refused with the codes the page
translates, a wrong sub-share must give a complaint Python upholds, and
partial decryptions from both sides must combine into the right counts. The
offline command (``python -m voting.trustee``) is run end to end too.

Node runs ``tests/js/trustee_interop.mjs``, one process for the module.
"""

from __future__ import annotations

import json
import os
import secrets as pysecrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from voting.crypto import Ciphertext, decrypt_tally, dkg, verify_partial_decryption
from voting.crypto.elgamal import encrypt, sum_ciphertexts
from voting.crypto.group import (
    ORDER,
    base_mul,
    random_scalar,
    scalar_from_hex,
    scalar_to_hex,
)
from voting.crypto.threshold import PartialDecryption, ThresholdPublicKey, deal
from voting.trustee import keyfile, steps

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "js" / "trustee_interop.mjs"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not on PATH")

ITERATIONS = 1000  # the key files' minimum: keeps the tests fast
JS_TRUSTEES = (1, 3, 5)
PY_TRUSTEES = (2, 4)
MANIFEST_HASH = "ab" * 32
COUNTS = (0, 1, 2, 3, 5, 8, 13, 21, 0, 7, 4, 12, 1)  # 13 sums, as for a contest of 13 options
MAX_COUNT = 30


class JsError(Exception):
    def __init__(self, reply: dict) -> None:
        super().__init__(f"{reply['code']}: {reply['message']}")
        self.code, self.message, self.trustee, self.stack = (
            reply["code"], reply["message"], reply["trustee"], reply.get("stack"),
        )


class Node:
    """One Node process answering JSON requests line by line."""

    def __init__(self, log: Path) -> None:
        self.log = log
        with log.open("w") as stderr:
            self.process = subprocess.Popen(
                [NODE, str(SCRIPT)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                text=True, encoding="utf-8",
            )
        self.next_id = 0
        self.timings: dict[str, list[float]] = {}

    def __call__(self, op: str, **arguments):
        self.next_id += 1
        self.process.stdin.write(json.dumps({"id": self.next_id, "op": op, **arguments}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"node exited: {self.log.read_text()}")
        reply = json.loads(line)
        assert reply["id"] == self.next_id
        if not reply["ok"]:
            raise JsError(reply)
        self.timings.setdefault(op, []).append(reply["ms"])
        return reply["result"]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    process = Node(tmp_path_factory.mktemp("node") / "stderr.txt")
    yield process
    process.close()


# -- Tasks, built as the server does (voting.trustee.steps' docstring) -------------------------------


def make_descriptor(n: int = 5, threshold: int = 3) -> dict:
    names = ["Zoë Lefèvre", "Jean Dupont", "Łukasz «Luke» Nowak", 'Ana "Tab"\tSilva', "陳大文 🌳"]
    return {
        "format": dkg.CEREMONY_FORMAT, "contest": 42,
        "title": "Budget participatif 2025 — écoles & parcs 🌳",
        "threshold": threshold,
        "trustees": [{"index": i, "name": names[(i - 1) % len(names)]} for i in range(1, n + 1)],
        "nonce": pysecrets.token_hex(16),
    }


def make_task(step: str, trustee: int, descriptor: dict, *, certificates=None, polynomials=None,
              public_key=None, encrypted_sums=None, manifest_hash: str = MANIFEST_HASH) -> dict:
    task = {
        "format": steps.TASK_FORMAT, "step": step, "trustee": trustee,
        "descriptor": descriptor, "ceremony": dkg.sha256_hex(descriptor),
    }
    if step in ("polynomial", "check", "decrypt"):
        task["certificates"] = certificates
    if step in ("check", "decrypt"):
        task["polynomials"] = polynomials
    if step == "decrypt":
        task.update(manifest_hash=manifest_hash, public_key=public_key, encrypted_sums=encrypted_sums)
    return json.loads(json.dumps(task))  # as it travels: a fresh copy, nothing shared


def check_envelope(answer: dict, task: dict, content: str) -> dict:
    assert answer["format"] == steps.ANSWER_FORMAT
    assert (answer["step"], answer["ceremony"], answer["trustee"]) == (task["step"], task["ceremony"], task["trustee"])
    assert set(answer) == {"format", "step", "ceremony", "trustee", content}
    return answer[content]


class JsTrustee:
    def __init__(self, node: Node, index: int) -> None:
        self.node, self.index = node, index
        self.passphrase = f"js trustee {index} — correct horse"
        self.key_file: dict | None = None

    def certificate(self, task: dict) -> dict:
        result = self.node("newKeys", task=task, passphrase=self.passphrase, iterations=ITERATIONS)
        self.key_file = result["keyFile"]
        return result["answer"]

    def answer(self, task: dict, *, any_trustee: bool = False) -> dict:
        result = self.node("answer", task=task, keyFile=self.key_file, passphrase=self.passphrase,
                           anyTrustee=any_trustee)
        self.node.timings.setdefault(f"answer:{task['step']}", []).append(result["answerMs"])
        return result["answer"]


class PyTrustee:
    def __init__(self, index: int) -> None:
        self.index = index
        self.passphrase = f"python trustee {index} — battery staple"
        self.key_file: dict | None = None

    def certificate(self, task: dict) -> dict:
        self.key_file, answer = steps.new_keys(task, self.passphrase, iterations=ITERATIONS)
        return answer

    def secrets(self, ceremony: str) -> dkg.TrusteeSecrets:
        return keyfile.open_key_file(json.dumps(self.key_file), self.passphrase, ceremony=ceremony, trustee=self.index)

    def answer(self, task: dict) -> dict:
        return steps.answer(task, self.secrets(task["ceremony"]))


class Ceremony:
    """A ceremony run to the end, step by step, every trustee on its own task."""

    def __init__(self, trustees: dict, descriptor: dict) -> None:
        self.trustees, self.descriptor = trustees, descriptor
        self.hash = dkg.sha256_hex(descriptor)
        n = len(trustees)
        self.certificates = [
            check_envelope(trustees[i].certificate(make_task("certificate", i, descriptor)),
                           make_task("certificate", i, descriptor), "certificate")
            for i in range(1, n + 1)
        ]
        self.polynomials = []
        for i in range(1, n + 1):
            task = self.task("polynomial", i)
            self.polynomials.append(check_envelope(trustees[i].answer(task), task, "polynomial"))
        self.confirmations = []
        for i in range(1, n + 1):
            task = self.task("check", i)
            self.confirmations.append(check_envelope(trustees[i].answer(task), task, "confirmation"))

    def task(self, step: str, trustee: int, **extra) -> dict:
        return make_task(step, trustee, self.descriptor, certificates=self.certificates,
                         polynomials=self.polynomials if step != "polynomial" else None, **extra)

    def transcript(self) -> dkg.Ceremony:
        return dkg.Ceremony.from_dict({
            "descriptor": self.descriptor, "certificates": self.certificates,
            "polynomials": self.polynomials, "confirmations": self.confirmations,
        })

    def parsed(self):
        certificates = [dkg.Certificate.from_dict(c) for c in self.certificates]
        polynomials = [dkg.Polynomial.from_dict(p) for p in self.polynomials]
        return certificates, polynomials


@pytest.fixture(scope="module")
def ceremony(node):
    trustees = {i: JsTrustee(node, i) for i in JS_TRUSTEES} | {i: PyTrustee(i) for i in PY_TRUSTEES}
    return Ceremony(trustees, make_descriptor())


def encrypted_sums(public: ThresholdPublicKey) -> list[Ciphertext]:
    """One sum per count: a few ballots' ciphertexts added up (the first option's is empty)."""
    sums = []
    for position, count in enumerate(COUNTS):
        parts = [] if position == 0 else [count // 2, count - count // 2, 0]
        sums.append(sum_ciphertexts(encrypt(public.public_key, m, random_scalar()) for m in parts))
    assert sums[0].alpha.is_identity  # a sum of nothing: both components are the identity
    return sums


# -- The ceremony -------------------------------------------------------------------------------------


def test_the_mixed_ceremony_gives_a_key_python_accepts(ceremony):
    key, problems = dkg.check_ceremony(ceremony.transcript())
    assert problems == []
    assert key is not None and key.threshold == 3 and key.n_trustees == 5
    transcripts = {c["transcript"] for c in ceremony.confirmations}
    certificates, polynomials = ceremony.parsed()
    assert transcripts == {dkg.transcript_hash(ceremony.hash, certificates, polynomials)}
    # Every trustee's share, derived on its device, is the one the key commits to.
    for i in PY_TRUSTEES:
        dkg.derive_share(ceremony.hash, polynomials, ceremony.trustees[i].secrets(ceremony.hash), key)


def test_canonical_json_is_pythons(node):
    values = [
        make_descriptor(),
        {"b": 1, "a": [True, False, None, -5, 0, 2**53 - 1], "é": {"z": "", "": "\u007f\u0000\u001f\n\r\t\b\f"}},
        {"\U0001f333": 1, "\uffff": 2, "\ue000": 3, "Z": 4, "a": 5, "\\": '"quoted" \\ /'},
        ["\ud83c", "lone surrogate above", "\u2028\u2029"],
    ]
    for value in values:
        assert node("canonicalJson", value=value) == dkg.canonical_json(value)


# -- Key files ----------------------------------------------------------------------------------------


def test_key_files_made_in_javascript_open_in_python(ceremony):
    certificates, _ = ceremony.parsed()
    for i in JS_TRUSTEES:
        trustee = ceremony.trustees[i]
        assert trustee.key_file["kdf"]["iterations"] == ITERATIONS
        assert trustee.key_file["label"] == ceremony.descriptor["title"]
        secrets = keyfile.open_key_file(json.dumps(trustee.key_file), trustee.passphrase,
                                        ceremony=ceremony.hash, trustee=i)
        assert dkg.certificate_matches(certificates[i - 1], secrets)


def test_key_files_made_in_python_open_in_javascript(node, ceremony):
    for i in PY_TRUSTEES:
        trustee = ceremony.trustees[i]
        secrets = trustee.secrets(ceremony.hash)
        opened = node("open", document=json.dumps(trustee.key_file), passphrase=trustee.passphrase,
                      ceremony=ceremony.hash, trustee=i)
        assert opened == {"trustee": i, "signing": scalar_to_hex(secrets.signing),
                          "encryption": scalar_to_hex(secrets.encryption)}
    # And a file sealed in JavaScript with a label far from ASCII (it is in the authenticated header).
    secrets = ceremony.trustees[2].secrets(ceremony.hash)
    sealed = node("seal", secrets={"trustee": 2, "signing": scalar_to_hex(secrets.signing),
                                   "encryption": scalar_to_hex(secrets.encryption)},
                  ceremony=ceremony.hash, passphrase="ünïcödé pässphrase 🔑", label="Vote « spécial » 🌳\n",
                  iterations=ITERATIONS)
    assert keyfile.open_key_file(sealed, "ünïcödé pässphrase 🔑", ceremony=ceremony.hash) == secrets


def test_key_files_are_refused_with_the_pages_codes(node, ceremony):
    js, py = ceremony.trustees[1], ceremony.trustees[2]

    def refusal(document, passphrase, **expected) -> str:
        with pytest.raises(JsError) as caught:
            node("open", document=document, passphrase=passphrase, **expected)
        return caught.value.code

    for trustee in (js, py):
        assert refusal(trustee.key_file, "not the passphrase", ceremony=ceremony.hash) == "wrong-passphrase"
        with pytest.raises(keyfile.KeyFileError, match="wrong passphrase"):
            keyfile.open_key_file(trustee.key_file, "not the passphrase")
        other_vote = dkg.sha256_hex(make_descriptor())
        assert refusal(trustee.key_file, trustee.passphrase, ceremony=other_vote) == "other-vote"
        assert refusal(trustee.key_file, trustee.passphrase, ceremony=ceremony.hash, trustee=4) == "other-trustee"
    assert refusal("not json at all", js.passphrase) == "not-a-key-file"
    assert refusal(json.dumps({**js.key_file, "format": "parvis-trustee-key/2"}), js.passphrase) == "not-a-key-file"
    assert refusal(json.dumps(["a", "list"]), js.passphrase) == "not-a-key-file"
    # A header edited to pass as someone else's: the authenticated data differ, the file does not open.
    for edit in ({"label": "another label"}, {"trustee": 2}, {"signing_key": py.key_file["signing_key"]}):
        edited = {**js.key_file, **edit}
        assert refusal(edited, js.passphrase) == "wrong-passphrase"
        with pytest.raises(keyfile.KeyFileError, match="wrong passphrase, or the key file was altered"):
            keyfile.open_key_file(edited, js.passphrase)
    for damage in ({"ciphertext": "zz"}, {"kdf": "PBKDF2"}, {"cipher": {"algorithm": "AES-256-GCM"}},
                   {"kdf": {**js.key_file["kdf"], "iterations": 10}}):
        damaged = {**js.key_file, **damage}
        assert refusal(damaged, js.passphrase) == "damaged"
        with pytest.raises(keyfile.KeyFileError):
            keyfile.open_key_file(damaged, js.passphrase)
    missing = {key: value for key, value in js.key_file.items() if key != "ciphertext"}
    assert refusal(missing, js.passphrase) == "damaged"
    # Short passphrases are refused when the file is made, in both languages.
    secrets = {"trustee": 1, "signing": "01" * 32, "encryption": "02" * 32}
    with pytest.raises(JsError) as caught:
        node("seal", secrets=secrets, ceremony=ceremony.hash, passphrase="eleven char", iterations=ITERATIONS)
    assert caught.value.code == "short-passphrase"
    with pytest.raises(JsError) as caught:
        node("newKeys", task=make_task("certificate", 1, ceremony.descriptor), passphrase="short",
             iterations=ITERATIONS)
    assert caught.value.code == "short-passphrase"
    with pytest.raises(keyfile.KeyFileError, match="at least 12"):
        steps.new_keys(make_task("certificate", 1, ceremony.descriptor), "eleven char", iterations=ITERATIONS)
    # Twelve characters, counted as Python counts them (code points, not UTF-16 units).
    node("seal", secrets=secrets, ceremony=ceremony.hash, passphrase="🔑" * 12, iterations=ITERATIONS)
    with pytest.raises(JsError) as caught:
        node("seal", secrets=secrets, ceremony=ceremony.hash, passphrase="🔑" * 11, iterations=ITERATIONS)
    assert caught.value.code == "short-passphrase"


def test_key_file_with_the_default_iterations(node):
    descriptor = make_descriptor(n=1, threshold=1)
    task = make_task("certificate", 1, descriptor)
    passphrase = "the default, 600,000 iterations"
    result = node("newKeys", task=task, passphrase=passphrase)
    assert result["keyFile"]["kdf"] == {
        "algorithm": "PBKDF2-HMAC-SHA256", "iterations": keyfile.ITERATIONS, "salt": result["keyFile"]["kdf"]["salt"],
    }
    opened = node("open", document=result["keyFile"], passphrase=passphrase, ceremony=task["ceremony"], trustee=1)
    certificate = dkg.Certificate.from_dict(result["answer"]["certificate"])
    assert certificate.signing_key == base_mul(scalar_from_hex(opened["signing"]))
    assert dkg.verify_certificate(task["ceremony"], certificate)
    sealed = node("seal", secrets=opened, ceremony=task["ceremony"], passphrase=passphrase)
    assert sealed["kdf"]["iterations"] == keyfile.ITERATIONS and sealed["label"] == ""
    assert node("open", document=sealed, passphrase=passphrase) == opened


# -- What the device checks before each step ----------------------------------------------------------


def js_refusal(ceremony, trustee: int, task: dict) -> JsError:
    with pytest.raises(JsError) as caught:
        ceremony.trustees[trustee].answer(task)
    return caught.value


def test_a_tampered_polynomial_is_refused_by_its_signature(ceremony):
    task = ceremony.task("check", 3)
    share = task["polynomials"][1]["shares"][2]  # trustee 2's sub-share for trustee 3
    assert share["recipient"] == 3
    share["value"] = scalar_to_hex((scalar_from_hex(share["value"]) + 1) % ORDER)
    error = js_refusal(ceremony, 3, task)
    assert (error.code, error.trustee) == ("polynomial-signature", 2)
    with pytest.raises(steps.TaskError, match="trustee 2's polynomial"):
        ceremony.trustees[4].answer({**task, "trustee": 4})


def test_a_wrong_sub_share_gives_a_complaint_python_upholds(ceremony):
    certificates, polynomials = ceremony.parsed()
    cheat = ceremony.trustees[2].secrets(ceremony.hash)
    honest = dkg.make_polynomial(ceremony.hash, 3, cheat, certificates)
    shares = list(honest.shares)
    shares[2] = dkg.EncryptedSubShare(3, shares[2].ephemeral, (shares[2].value + 1) % ORDER)  # for trustee 3
    forged = dkg.sign_polynomial(
        ceremony.hash, dkg.Polynomial(2, honest.commitments, tuple(shares), honest.signature), cheat, certificates
    )
    assert dkg.verify_polynomial(ceremony.hash, forged, certificates, 3)
    polynomials[1] = forged
    published = [p.to_dict() for p in polynomials]

    task = make_task("check", 3, ceremony.descriptor, certificates=ceremony.certificates, polynomials=published)
    complaint = dkg.Complaint.from_dict(check_envelope(ceremony.trustees[3].answer(task), task, "complaint"))
    assert (complaint.trustee, complaint.accused) == (3, 2)
    assert dkg.complaint_holds(ceremony.hash, complaint, certificates, polynomials)
    # Trustee 1's sub-share from trustee 2 is right: it confirms that transcript.
    task = make_task("check", 1, ceremony.descriptor, certificates=ceremony.certificates, polynomials=published)
    confirmation = dkg.Confirmation.from_dict(check_envelope(ceremony.trustees[1].answer(task), task, "confirmation"))
    assert confirmation.transcript == dkg.transcript_hash(ceremony.hash, certificates, polynomials)
    assert dkg.verify_confirmation(ceremony.hash, confirmation, certificates)
    # The complaint holds against the polynomial it was made on, not against the honest one.
    polynomials[1] = dkg.Polynomial.from_dict(ceremony.polynomials[1])
    assert not dkg.complaint_holds(ceremony.hash, complaint, certificates, polynomials)


def test_the_device_checks_the_task(ceremony):
    task = ceremony.task("check", 1)
    task["descriptor"]["threshold"] = 2  # the ceremony hash no longer matches
    assert js_refusal(ceremony, 1, task).code == "ceremony-mismatch"

    task = ceremony.task("check", 1)
    task["certificates"][3]["encryption_key"] = task["certificates"][2]["encryption_key"]
    error = js_refusal(ceremony, 1, task)
    assert (error.code, error.trustee) == ("certificate-signature", 4)

    # The server swapped this trustee's certificate for one of its own making.
    task = ceremony.task("polynomial", 1)
    forged, _ = dkg.make_certificate(ceremony.hash, 1)
    task["certificates"][0] = forged.to_dict()
    assert js_refusal(ceremony, 1, task).code == "not-own-certificate"

    # A task for another trustee: the page opens the key file for the task's trustee, which refuses it,
    # and answer() checks it again.
    assert js_refusal(ceremony, 1, ceremony.task("check", 3)).code == "other-trustee"
    with pytest.raises(JsError) as caught:
        ceremony.trustees[1].answer(ceremony.task("check", 3), any_trustee=True)
    assert caught.value.code == "task-other-trustee"
    task = ceremony.task("check", 1)
    del task["polynomials"][4]
    assert js_refusal(ceremony, 1, task).code == "polynomials-missing"
    task = ceremony.task("check", 1)
    task["certificates"][1]["signing_key"] = task["certificates"][1]["signing_key"].upper()
    assert js_refusal(ceremony, 1, task).code == "certificates-malformed"
    assert js_refusal(ceremony, 1, {**ceremony.task("check", 1), "format": "x"}).code == "not-a-task"
    assert js_refusal(ceremony, 1, make_task("certificate", 1, ceremony.descriptor)).code == "wrong-step"


# -- Decryption ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def decryption(ceremony):
    key, problems = dkg.check_ceremony(ceremony.transcript())
    assert not problems
    sums = encrypted_sums(key)
    partials = {}
    for i, trustee in ceremony.trustees.items():
        task = ceremony.task("decrypt", i, public_key=key.to_dict(), encrypted_sums=[s.to_dict() for s in sums])
        partials[i] = PartialDecryption.from_dict(check_envelope(trustee.answer(task), task, "partial_decryption"))
    return key, sums, partials


def test_partial_decryptions_from_both_sides_combine_into_the_counts(decryption):
    key, sums, partials = decryption
    for i, partial in partials.items():
        assert partial.trustee == i
        assert verify_partial_decryption(partial, key, sums, MANIFEST_HASH)
    for chosen in ((1, 3, 5), (1, 2, 3), (2, 4, 5), (3, 4, 5), (1, 2, 3, 4, 5)):
        result = decrypt_tally(key, sums, [partials[i] for i in chosen], MANIFEST_HASH, MAX_COUNT)
        assert result.counts == COUNTS
        assert result.rejected_trustees == ()
        assert result.trustees == tuple(sorted(chosen)[:3])


def test_decryption_is_refused_for_another_key(ceremony, decryption):
    key, sums, _ = decryption
    other = deal(5, 3).public
    for public, code in ((other.to_dict(), "wrong-key"),
                         ({**key.to_dict(), "commitments": key.to_dict()["commitments"][:2], "threshold": 2},
                          "wrong-key"),
                         ({**key.to_dict(), "trustees": 4}, "wrong-key"),
                         ({"threshold": 3}, "sums-malformed")):
        task = ceremony.task("decrypt", 3, public_key=public, encrypted_sums=[s.to_dict() for s in sums])
        assert js_refusal(ceremony, 3, task).code == code
    task = ceremony.task("decrypt", 2, public_key=other.to_dict(), encrypted_sums=[s.to_dict() for s in sums])
    with pytest.raises(steps.TaskError, match="not encrypted to the key of this ceremony"):
        ceremony.trustees[2].answer(task)
    task = ceremony.task("decrypt", 5, public_key=key.to_dict(), encrypted_sums=[{"alpha": "00"}])
    assert js_refusal(ceremony, 5, task).code == "sums-malformed"


def test_timings(node, ceremony, decryption):
    """Not an assertion of speed: prints what the report quotes (run with -s)."""
    timings = {op: [round(ms) for ms in values] for op, values in node.timings.items()}
    print(f"\nNode timings (ms): {json.dumps(timings)}")
    print(f"sealing with {keyfile.ITERATIONS} iterations: {timings.get('seal', [None])[-1]} ms; "
          f"a check step (5 trustees): {timings.get('answer:check')} ms; "
          f"a partial decryption of {len(COUNTS)} sums: {timings.get('answer:decrypt')} ms")


# -- The offline command ------------------------------------------------------------------------------


def run_cli(tmp_path: Path, task: dict, key: Path, passphrase: str, name: str) -> subprocess.CompletedProcess:
    task_path, passphrase_path = tmp_path / f"task-{name}.json", tmp_path / f"pass-{name}.txt"
    task_path.write_text(json.dumps(task), encoding="utf-8")
    passphrase_path.write_text(passphrase + "\n", encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "voting.trustee", str(task_path), "--key", str(key),
         "--passphrase-file", str(passphrase_path)],
        check=False, cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


class CliTrustee:
    def __init__(self, tmp_path: Path, index: int) -> None:
        self.tmp_path, self.index = tmp_path, index
        self.key = tmp_path / "my-key.json"
        self.passphrase = "the offline machine's passphrase"

    def run(self, task: dict) -> dict:
        done = run_cli(self.tmp_path, task, self.key, self.passphrase, task["step"])
        assert done.returncode == 0, done.stderr
        answer_path = self.tmp_path / f"answer-{task['step']}.json"
        assert str(answer_path) in done.stdout
        return json.loads(answer_path.read_text(encoding="utf-8"))

    certificate = answer = run


def test_the_offline_command_end_to_end(node, tmp_path):
    cli = CliTrustee(tmp_path, 1)
    trustees = {1: cli, 2: JsTrustee(node, 2), 3: PyTrustee(3)}
    started = time.perf_counter()
    ceremony = Ceremony(trustees, make_descriptor(n=3, threshold=2))
    assert json.loads(cli.key.read_text(encoding="utf-8"))["kdf"]["iterations"] == keyfile.ITERATIONS
    key, problems = dkg.check_ceremony(ceremony.transcript())
    assert problems == [] and key is not None

    sums = encrypted_sums(key)
    task = ceremony.task("decrypt", 1, public_key=key.to_dict(), encrypted_sums=[s.to_dict() for s in sums])
    # A wrong passphrase: refused, exit status 1, and no answer written.
    done = run_cli(tmp_path, task, cli.key, "not the right passphrase", "wrong")
    assert done.returncode == 1
    assert done.stderr.strip() == "Refused: wrong passphrase, or the key file was altered."
    assert not (tmp_path / "answer-decrypt.json").exists()
    # A key file of another trustee: refused by name.
    done = run_cli(tmp_path, {**task, "trustee": 2}, cli.key, cli.passphrase, "other")
    assert (done.returncode, done.stderr.strip()) == (1, "Refused: this key file belongs to another trustee of this vote.")

    partials = [PartialDecryption.from_dict(cli.run(task)["partial_decryption"])]
    task = ceremony.task("decrypt", 2, public_key=key.to_dict(), encrypted_sums=[s.to_dict() for s in sums])
    partials.append(PartialDecryption.from_dict(trustees[2].answer(task)["partial_decryption"]))
    assert decrypt_tally(key, sums, partials, MANIFEST_HASH, MAX_COUNT).counts == COUNTS
    print(f"\nOffline command ceremony and decryption: {time.perf_counter() - started:.1f} s")


def mix_task(ceremony, key, trustee: int, sums, masks=(1, 2, 3, 0)) -> dict:
    """A decryption task with shuffled folded ballots (equal shares), shuffled and proven in Python."""
    from voting.crypto.shuffle import shuffle_and_prove
    from voting.crypto.shuffle_proof import ballots_to_list
    from voting.mixnet import generator_seed, mix_context

    inputs = [(encrypt(key.public_key, mask, random_scalar()),) for mask in masks]
    head = "cd" * 32
    outputs, proof = shuffle_and_prove(key.public_key, inputs, generator_seed=generator_seed(MANIFEST_HASH, head),
                                       context=mix_context(MANIFEST_HASH))
    task = ceremony.task("decrypt", trustee, public_key=key.to_dict(), encrypted_sums=[s.to_dict() for s in sums])
    task["mix"] = {"inputs": ballots_to_list(inputs), "outputs": ballots_to_list(outputs), "proof": proof.to_dict(),
                   "head_hash": head, "n_options": 2}
    return task


def test_browser_and_offline_devices_check_the_shuffle_and_decrypt_the_same_ballots(ceremony, decryption):
    """Equal shares: the browser checks the proof of shuffle as the offline tool does, then decrypts each
    shuffled ballot; JavaScript and Python decryptions combine into the shuffled ballots' masks."""
    from voting.crypto.folding import decrypt_folded
    from voting.crypto.shuffle_proof import ballots_from_list
    from voting.mixnet import mix_context

    key, sums, _ = decryption
    task = mix_task(ceremony, key, 1, sums)
    partials = []
    for index in (1, 2, 3):  # JavaScript, Python, JavaScript
        answer = ceremony.trustees[index].answer(dict(task, trustee=index))
        partials.append(PartialDecryption.from_dict(answer["mix_decryption"]))
    shuffled = ballots_from_list(task["mix"]["outputs"])
    approvals = decrypt_folded(key, shuffled, partials, mix_context(MANIFEST_HASH), 2)
    assert sorted(approvals) == sorted([(0,), (1,), (0, 1), ()])

    tampered = dict(task, mix=dict(task["mix"], proof=dict(task["mix"]["proof"], s1=task["mix"]["proof"]["s2"])))
    assert js_refusal(ceremony, 1, tampered).code == "shuffle-unproven"
    unshuffled = dict(task, mix=dict(task["mix"], outputs=task["mix"]["inputs"]))  # the box's own ballots
    assert js_refusal(ceremony, 3, dict(unshuffled, trustee=3)).code == "shuffle-unproven"
    with pytest.raises(steps.TaskError, match="proof of shuffle"):
        ceremony.trustees[2].answer(dict(unshuffled, trustee=2))
