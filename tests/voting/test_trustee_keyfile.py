"""A trustee's key file and the offline tool's steps (voting.trustee): secrets stay sealed, wrong files are named."""

import json

import pytest

from voting.crypto import dkg
from voting.trustee import keyfile, steps

CEREMONY = {"format": dkg.CEREMONY_FORMAT, "contest": 3, "title": "Budget", "threshold": 2,
            "trustees": [{"index": 1, "name": "Mairie"}, {"index": 2, "name": "Opposition"}], "nonce": "aa"}
HASH = dkg.sha256_hex(CEREMONY)
PASSPHRASE = "correct horse battery staple"


def sealed_for(trustee=1, ceremony=HASH):
    _certificate, secrets = dkg.make_certificate(ceremony, trustee)
    return secrets, keyfile.seal(secrets, ceremony=ceremony, passphrase=PASSPHRASE, iterations=1_000)


def test_the_key_file_opens_with_its_passphrase_and_keeps_only_public_keys_in_clear():
    secrets, document = sealed_for()
    text = json.dumps(document)
    assert format(secrets.signing, "064x") not in text and format(secrets.encryption, "064x") not in text
    assert keyfile.open_key_file(text, PASSPHRASE, ceremony=HASH, trustee=1) == secrets


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d, "wrong passphrase"),
    (lambda d: d.update(trustee=2), "another trustee"),
    (lambda d: d.update(ceremony="ff" * 32), "another vote"),
    (lambda d: d.update(format="x"), "not a Parvis trustee key file"),
    (lambda d: d.update(label="Opposition"), "wrong passphrase, or the key file was altered"),
    (lambda d: d.update(ciphertext=d["ciphertext"][:-2]), "wrong passphrase, or the key file was altered"),
    (lambda d: d["kdf"].update(iterations=1), "out of range"),
    (lambda d: d.pop("cipher"), "damaged"),
])
def test_a_wrong_or_altered_key_file_is_refused_by_name(change, message):
    _secrets, document = sealed_for()
    change(document)
    passphrase = "not the passphrase at all" if message == "wrong passphrase" else PASSPHRASE
    with pytest.raises(keyfile.KeyFileError, match=message):
        keyfile.open_key_file(document, passphrase, ceremony=HASH, trustee=1)


def test_a_short_passphrase_is_refused():
    _c, secrets = dkg.make_certificate(HASH, 1)
    with pytest.raises(keyfile.KeyFileError, match="at least 12"):
        keyfile.seal(secrets, ceremony=HASH, passphrase="short", iterations=1_000)


def task(step, **extra):
    return {"format": steps.TASK_FORMAT, "step": step, "trustee": 1, "descriptor": CEREMONY, "ceremony": HASH, **extra}


def test_a_task_whose_ceremony_does_not_match_its_description_is_refused():
    forged = task("certificate")
    forged["descriptor"] = dict(CEREMONY, threshold=1)  # the server lowers the threshold behind the hash
    with pytest.raises(steps.TaskError, match="does not match its description"):
        steps.new_keys(forged, PASSPHRASE, iterations=1_000)


def test_a_device_refuses_to_go_on_when_its_own_certificate_was_replaced():
    key_file, answer = steps.new_keys(task("certificate"), PASSPHRASE, iterations=1_000)
    mine = keyfile.open_key_file(key_file, PASSPHRASE)
    other, _ = dkg.make_certificate(HASH, 2)
    impostor, _ = dkg.make_certificate(HASH, 1)  # the server's own keys in trustee 1's place
    with pytest.raises(steps.TaskError, match="not the one your key file made"):
        steps.answer(task("polynomial", certificates=[impostor.to_dict(), other.to_dict()]), mine)
    polynomial = steps.answer(task("polynomial", certificates=[answer["certificate"], other.to_dict()]), mine)
    assert polynomial["step"] == "polynomial" and polynomial["polynomial"]["trustee"] == 1


@pytest.mark.parametrize("change", [
    lambda t: t.update(trustee=3), lambda t: t.update(trustee="1"),
    lambda t: t["descriptor"].pop("trustees"), lambda t: t["descriptor"].update(threshold=0),
])
def test_a_malformed_task_is_refused_by_name(change):
    broken = json.loads(json.dumps(task("certificate")))
    change(broken)
    broken["ceremony"] = dkg.sha256_hex(broken["descriptor"])
    with pytest.raises(steps.TaskError):
        steps.new_keys(broken, PASSPHRASE, iterations=1_000)


def test_a_short_passphrase_is_refused_before_any_key_is_made():
    with pytest.raises(keyfile.KeyFileError, match="at least 12"):
        steps.new_keys(task("certificate"), "short", iterations=1_000)


def test_totals_under_a_key_with_another_threshold_are_refused():
    from voting.crypto import ThresholdPublicKey, deal

    descriptor = dict(CEREMONY, trustees=[{"index": 1, "name": "A"}, {"index": 2, "name": "B"}, {"index": 3, "name": "C"}])
    context = dkg.sha256_hex(descriptor)
    certificates, secrets = zip(*(dkg.make_certificate(context, i) for i in (1, 2, 3)))
    polynomials = [dkg.make_polynomial(context, 2, s, certificates) for s in secrets]
    full = dkg.combine(2, polynomials)
    for public in (ThresholdPublicKey(1, 3, full.commitments[:1]), deal(3, 3).public):
        decrypt = {"format": steps.TASK_FORMAT, "step": "decrypt", "trustee": 1, "descriptor": descriptor,
                   "ceremony": context, "certificates": [c.to_dict() for c in certificates],
                   "polynomials": [p.to_dict() for p in polynomials], "manifest_hash": "ab" * 32,
                   "public_key": public.to_dict(), "encrypted_sums": []}
        with pytest.raises(steps.TaskError, match="not encrypted to the key of this ceremony"):
            steps.answer(decrypt, secrets[0])
