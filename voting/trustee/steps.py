"""What a trustee's device does at each step, from the task the server hands out.

The server gives each trustee a *task* (JSON, ``parvis-trustee-task/1``):
the step due and the public material it needs. The device answers with a
JSON *answer* (``parvis-trustee-answer/1``) that the trustee uploads. The
browser page (``voting/static/voting/js/trustee.js``) and this module build
the same answers from the same tasks.

A task is not trusted: the device recomputes the ceremony's hash from its
descriptor, checks every certificate and polynomial signature, checks that
its own certificate is the one it made, and, before decrypting, that the
key the sums are encrypted to is the one the ceremony produced.

Task::

    {"format": "parvis-trustee-task/1", "step": "certificate" | "polynomial" | "check" | "decrypt",
     "trustee": 2, "descriptor": {...}, "ceremony": hex,
     "certificates": [...],          # polynomial, check, decrypt
     "polynomials": [...],           # check, decrypt
     "manifest_hash": hex, "public_key": {...}, "encrypted_sums": [...],   # decrypt
     "mix": {"inputs", "outputs", "proof", "head_hash", "n_options"}}      # decrypt, equal shares only

Answer::

    {"format": "parvis-trustee-answer/1", "step": ..., "ceremony": hex, "trustee": 2,
     "certificate" | "polynomial" | "confirmation" | "complaint" | "partial_decryption": {...},
     "mix_decryption": {...}}    # with a "mix" task: the shuffled ballots' partial decryption
"""

from __future__ import annotations

from collections.abc import Mapping

from ..crypto import Ciphertext, ThresholdPublicKey, partial_decrypt
from ..crypto import dkg
from ..crypto.errors import CryptoError, DecodeError
from ..crypto.folding import flatten
from ..crypto.shuffle_proof import ballots_from_list
from ..crypto.shuffle_verify import verify_shuffle_json
from ..mixnet import generator_seed, mix_context
from . import keyfile

TASK_FORMAT = "parvis-trustee-task/1"
ANSWER_FORMAT = "parvis-trustee-answer/1"
STEPS = ("certificate", "polynomial", "check", "decrypt")


class TaskError(CryptoError):
    """The task cannot be carried out safely; the message says why."""


def _task(task: object, step: str | None = None) -> Mapping[str, object]:
    if not isinstance(task, Mapping) or task.get("format") != TASK_FORMAT or task.get("step") not in STEPS:
        raise TaskError("this is not a Parvis trustee task")
    if step is not None and task["step"] != step:
        raise TaskError(f"this task is for the step {task['step']!r}, not {step!r}")
    descriptor = task.get("descriptor")
    if dkg.sha256_hex(descriptor) != task.get("ceremony"):
        raise TaskError("the task's ceremony does not match its description")
    trustees, threshold, trustee = descriptor.get("trustees"), descriptor.get("threshold"), task.get("trustee")  # type: ignore[union-attr]
    if not isinstance(trustees, list) or type(threshold) is not int or not 1 <= threshold <= len(trustees) \
            or type(trustee) is not int or not 1 <= trustee <= len(trustees):
        raise TaskError("the task's ceremony is malformed")
    return task


def _answer(task: Mapping[str, object], step: str, **content: object) -> dict[str, object]:
    return {"format": ANSWER_FORMAT, "step": step, "ceremony": task["ceremony"], "trustee": task["trustee"], **content}


def _certificates(task: Mapping[str, object], secrets: dkg.TrusteeSecrets) -> tuple[dkg.Certificate, ...]:
    ceremony = str(task["ceremony"])
    try:
        certificates = tuple(dkg.Certificate.from_dict(c) for c in task["certificates"])  # type: ignore[union-attr]
    except (DecodeError, KeyError, TypeError):
        raise TaskError("the trustees' certificates are malformed") from None
    n = len(task["descriptor"]["trustees"])  # type: ignore[index]
    if [c.trustee for c in certificates] != list(range(1, n + 1)):
        raise TaskError("the task does not hold one certificate per trustee")
    for certificate in certificates:
        if not dkg.verify_certificate(ceremony, certificate):
            raise TaskError(f"trustee {certificate.trustee}'s certificate is not validly signed")
    if not dkg.certificate_matches(certificates[secrets.trustee - 1], secrets):
        raise TaskError("your certificate in this ceremony is not the one your key file made: do not go on, "
                        "and tell the election officer")
    return certificates


def _polynomials(task: Mapping[str, object], certificates) -> tuple[dkg.Polynomial, ...]:
    ceremony, threshold = str(task["ceremony"]), int(task["descriptor"]["threshold"])  # type: ignore[index]
    try:
        polynomials = tuple(dkg.Polynomial.from_dict(p) for p in task["polynomials"])  # type: ignore[union-attr]
    except (DecodeError, KeyError, TypeError):
        raise TaskError("the trustees' polynomials are malformed") from None
    if [p.trustee for p in polynomials] != [c.trustee for c in certificates]:
        raise TaskError("the task does not hold one polynomial per trustee")
    for polynomial in polynomials:
        if not dkg.verify_polynomial(ceremony, polynomial, certificates, threshold):
            raise TaskError(f"trustee {polynomial.trustee}'s polynomial is malformed or not signed by them")
    return polynomials


def new_keys(task: object, passphrase: str, *, iterations: int = keyfile.ITERATIONS) -> tuple[dict, dict]:
    """Step 1: draw this trustee's keys; return (key file to keep, answer to upload)."""
    task = _task(task, "certificate")
    if len(passphrase) < keyfile.MIN_PASSPHRASE:
        raise keyfile.KeyFileError(f"the passphrase must have at least {keyfile.MIN_PASSPHRASE} characters")
    certificate, secrets = dkg.make_certificate(str(task["ceremony"]), int(task["trustee"]))  # type: ignore[arg-type]
    label = str(task["descriptor"].get("title", ""))  # type: ignore[union-attr]
    sealed = keyfile.seal(secrets, ceremony=str(task["ceremony"]), passphrase=passphrase, label=label,
                          iterations=iterations)
    return sealed, _answer(task, "certificate", certificate=certificate.to_dict())


def answer(task: object, secrets: dkg.TrusteeSecrets) -> dict[str, object]:
    """Steps 2 to 4 with the secrets from the trustee's key file."""
    task = _task(task)
    if task["trustee"] != secrets.trustee:
        raise TaskError("this task is for another trustee")
    step, ceremony = task["step"], str(task["ceremony"])
    if step == "certificate":
        raise TaskError("this step makes new keys: use new_keys")
    certificates = _certificates(task, secrets)
    threshold = int(task["descriptor"]["threshold"])  # type: ignore[index]
    if step == "polynomial":
        polynomial = dkg.make_polynomial(ceremony, threshold, secrets, certificates)
        return _answer(task, step, polynomial=polynomial.to_dict())
    polynomials = _polynomials(task, certificates)
    if step == "check":
        bad = dkg.bad_polynomials(ceremony, polynomials, secrets)
        if bad:
            complaint = dkg.make_complaint(ceremony, polynomials[bad[0] - 1], secrets)
            return _answer(task, step, complaint=complaint.to_dict())
        transcript = dkg.transcript_hash(ceremony, certificates, polynomials)
        return _answer(task, step, confirmation=dkg.make_confirmation(ceremony, transcript, secrets).to_dict())
    partial = _decrypt(task, polynomials, secrets)
    if "mix" in task:
        return _answer(task, step, partial_decryption=partial, mix_decryption=_decrypt_mix(task, polynomials, secrets))
    return _answer(task, step, partial_decryption=partial)


def _decrypt(task: Mapping[str, object], polynomials, secrets: dkg.TrusteeSecrets) -> dict[str, object]:
    try:
        public = ThresholdPublicKey.from_dict(task["public_key"])
        sums = [Ciphertext.from_dict(c, allow_identity=True) for c in task["encrypted_sums"]]  # type: ignore[union-attr]
    except (DecodeError, KeyError, TypeError):
        raise TaskError("the encrypted totals are malformed") from None
    threshold = task["descriptor"]["threshold"]  # type: ignore[index]
    if public.threshold != threshold or public != dkg.combine(threshold, polynomials):
        raise TaskError("the totals are not encrypted to the key of this ceremony")
    manifest_hash = task.get("manifest_hash")
    if not isinstance(manifest_hash, str) or len(manifest_hash) != 64:
        raise TaskError("the task does not say which vote's totals these are")
    share = dkg.derive_share(str(task["ceremony"]), polynomials, secrets, public)
    return partial_decrypt(share, public, sums, manifest_hash).to_dict()


def _decrypt_mix(task: Mapping[str, object], polynomials, secrets: dkg.TrusteeSecrets) -> dict[str, object]:
    """Equal shares: check the proof of shuffle, then decrypt each shuffled ballot partially.

    Refusing an unproven shuffle is what keeps a server from slipping one
    voter's own ballot among those the trustees decrypt.
    """
    mix = task["mix"]
    manifest_hash = str(task["manifest_hash"])
    public = ThresholdPublicKey.from_dict(task["public_key"])
    try:
        inputs, outputs, proof = mix["inputs"], mix["outputs"], mix["proof"]  # type: ignore[index]
        seed = generator_seed(manifest_hash, str(mix["head_hash"]))  # type: ignore[index]
    except (KeyError, TypeError):
        raise TaskError("the shuffled ballots are malformed") from None
    if inputs == outputs == [] and proof is None:
        shuffled = []
    elif verify_shuffle_json(public.public_key, inputs, outputs, proof, generator_seed=seed,
                             context=mix_context(manifest_hash)):
        shuffled = ballots_from_list(outputs)
    else:
        raise TaskError("the proof of shuffle does not verify: do not decrypt, and tell the election officer")
    share = dkg.derive_share(str(task["ceremony"]), polynomials, secrets, public)
    return partial_decrypt(share, public, flatten(shuffled), mix_context(manifest_hash)).to_dict()
