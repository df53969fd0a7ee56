"""The key ceremony's cryptography (voting.crypto.dkg): no dealer, and every cheat is caught."""

import pytest

from voting.crypto import decrypt_tally, dkg, encrypt, partial_decrypt
from voting.crypto.errors import DecodeError, InvalidShareError
from voting.crypto.group import ORDER, base_mul, random_scalar
from voting.crypto.threshold import lagrange_coefficients

CONTEXT = "c0" * 32


def ceremony(n=5, k=3, *, context=CONTEXT, cheat=None):
    """Play n trustees; ``cheat(secrets, polynomial, certificates) -> polynomial`` lets one misbehave."""
    certificates, secrets = zip(*(dkg.make_certificate(context, i) for i in range(1, n + 1)))
    polynomials = []
    for s in secrets:
        polynomial = dkg.make_polynomial(context, k, s, certificates)
        polynomials.append(cheat(s, polynomial, certificates) if cheat else polynomial)
    return list(certificates), list(secrets), polynomials


def test_the_trustees_make_a_key_whose_secret_no_one_holds_but_k_of_them_can_use():
    certificates, secrets, polynomials = ceremony()
    assert all(dkg.verify_certificate(CONTEXT, c) for c in certificates)
    assert all(dkg.verify_polynomial(CONTEXT, p, certificates, 3) for p in polynomials)
    assert all(dkg.bad_polynomials(CONTEXT, polynomials, s) == [] for s in secrets)
    public = dkg.combine(3, polynomials)
    shares = [dkg.derive_share(CONTEXT, polynomials, s, public) for s in secrets]
    # The secret key exists nowhere, but any 3 shares interpolate to it (checked in the exponent only).
    lambdas = lagrange_coefficients([1, 4, 5])
    assert base_mul(sum(lambdas[s.index] * s.value for s in shares if s.index in (1, 4, 5)) % ORDER) == public.public_key
    ciphertext = encrypt(public.public_key, 42, random_scalar())
    partials = [partial_decrypt(shares[i], public, [ciphertext], "ctx") for i in (1, 2, 4)]
    assert decrypt_tally(public, [ciphertext], partials, "ctx", 100).counts == (42,)


def test_everything_published_survives_its_json_form():
    certificates, secrets, polynomials = ceremony(3, 2)
    transcript = dkg.transcript_hash(CONTEXT, certificates, polynomials)
    confirmations = [dkg.make_confirmation(CONTEXT, transcript, s) for s in secrets]
    descriptor = {"format": dkg.CEREMONY_FORMAT, "threshold": 2, "trustees": [{"index": i} for i in (1, 2, 3)]}
    whole = dkg.Ceremony(descriptor, tuple(certificates), tuple(polynomials), tuple(confirmations))
    again = dkg.Ceremony.from_dict(whole.to_dict())
    assert again.to_dict() == whole.to_dict()
    # Confirmations were made for CONTEXT; a ceremony is checked against its own descriptor's hash.
    key, problems = dkg.check_ceremony(again)
    assert key is None and any("did not sign" in p for p in problems)


def test_a_whole_ceremony_checks_from_its_transcript_and_every_gap_is_named():
    descriptor = {"format": dkg.CEREMONY_FORMAT, "threshold": 2, "trustees": [{"index": i} for i in (1, 2, 3)],
                  "nonce": "01"}
    context = dkg.sha256_hex(descriptor)
    certificates, secrets, polynomials = ceremony(3, 2, context=context)
    transcript = dkg.transcript_hash(context, certificates, polynomials)
    confirmations = [dkg.make_confirmation(context, transcript, s) for s in secrets]
    whole = dkg.Ceremony(descriptor, tuple(certificates), tuple(polynomials), tuple(confirmations))
    key, problems = dkg.check_ceremony(whole)
    assert problems == [] and key == dkg.combine(2, polynomials)
    missing = dkg.Ceremony(descriptor, tuple(certificates), tuple(polynomials), tuple(confirmations[:2]))
    assert dkg.check_ceremony(missing) == (None, ["need one confirmation per trustee, in order"])
    _c, stranger = dkg.make_certificate(context, 2)
    forged = list(confirmations)
    forged[1] = dkg.make_confirmation(context, transcript, stranger)  # signed, but not with trustee 2's key
    key, problems = dkg.check_ceremony(dkg.Ceremony(descriptor, tuple(certificates), tuple(polynomials), tuple(forged)))
    assert key is None and problems == ["trustee 2 did not sign this transcript"]


def test_a_polynomial_made_for_forged_certificates_does_not_verify_against_the_real_ones():
    # The server shows trustee 1 its own encryption key in trustee 2's place, to read f_1(2):
    # trustee 1's signature then covers that key, and the polynomial fails against the published certificates.
    certificates, secrets, _ = ceremony(3, 2)
    shown = list(certificates)
    shown[1] = dkg.make_certificate(CONTEXT, 2)[0]
    made = dkg.make_polynomial(CONTEXT, 2, secrets[0], shown)
    assert dkg.verify_polynomial(CONTEXT, made, shown, 2)
    assert not dkg.verify_polynomial(CONTEXT, made, certificates, 2)


def test_a_certificate_or_polynomial_not_signed_by_its_trustee_is_refused():
    certificates, secrets, polynomials = ceremony(3, 2)
    other_context = "d1" * 32
    assert not dkg.verify_certificate(other_context, certificates[0])  # bound to its ceremony
    swapped = dkg.Certificate(1, certificates[0].signing_key, certificates[1].encryption_key, certificates[0].signature)
    assert not dkg.verify_certificate(CONTEXT, swapped)
    # The server replaces trustee 3's polynomial with one it made: it cannot sign as trustee 3.
    _c, server = dkg.make_certificate(CONTEXT, 3)
    assert not dkg.verify_polynomial(CONTEXT, dkg.make_polynomial(CONTEXT, 2, server, certificates), certificates, 2)
    # A changed sub-share breaks the signature; so does a wrong number of commitments.
    p = polynomials[0]
    tampered = dkg.Polynomial(p.trustee, p.commitments, (p.shares[0], p.shares[2], p.shares[1]), p.signature)
    assert not dkg.verify_polynomial(CONTEXT, tampered, certificates, 2)
    assert not dkg.verify_polynomial(CONTEXT, p, certificates, 3)


def _wrong_sub_share_to(victim):
    def cheat(secrets, polynomial, certificates):
        if secrets.trustee != 2:
            return polynomial
        shares = list(polynomial.shares)
        bad = shares[victim - 1]
        shares[victim - 1] = dkg.EncryptedSubShare(bad.recipient, bad.ephemeral, (bad.value + 1) % ORDER)
        unsigned = dkg.Polynomial(2, polynomial.commitments, tuple(shares), polynomial.signature)
        return dkg.sign_polynomial(CONTEXT, unsigned, secrets, certificates)
    return cheat


def test_a_wrong_sub_share_is_caught_and_the_complaint_proves_who_cheated():
    certificates, secrets, polynomials = ceremony(4, 2, cheat=_wrong_sub_share_to(3))
    assert all(dkg.verify_polynomial(CONTEXT, p, certificates, 2) for p in polynomials)  # well signed, yet wrong
    assert dkg.bad_polynomials(CONTEXT, polynomials, secrets[2]) == [2]
    assert dkg.bad_polynomials(CONTEXT, polynomials, secrets[0]) == []
    complaint = dkg.make_complaint(CONTEXT, polynomials[1], secrets[2])
    assert (complaint.trustee, complaint.accused) == (3, 2)
    assert dkg.complaint_holds(CONTEXT, dkg.Complaint.from_dict(complaint.to_dict()), certificates, polynomials)
    with pytest.raises(InvalidShareError):  # the victim's share would not match the key
        dkg.derive_share(CONTEXT, polynomials, secrets[2], dkg.combine(2, polynomials))


def test_an_unfounded_or_forged_complaint_does_not_hold():
    certificates, secrets, polynomials = ceremony(3, 2)
    honest = dkg.make_complaint(CONTEXT, polynomials[0], secrets[1])  # trustee 1's share to 2 is right
    assert not dkg.complaint_holds(CONTEXT, honest, certificates, polynomials)
    # Trustee 2 lies about the shared secret to frame trustee 1: the proof fails.
    lie = dkg.Complaint(2, 1, base_mul(7), honest.proof)
    assert not dkg.complaint_holds(CONTEXT, lie, certificates, polynomials)
    # Someone else cannot complain in trustee 2's name (they lack its encryption key).
    _c, stranger = dkg.make_certificate(CONTEXT, 2)
    forged = dkg.make_complaint(CONTEXT, polynomials[0], stranger)
    assert not dkg.complaint_holds(CONTEXT, forged, certificates, polynomials)


@pytest.mark.parametrize("data", [
    None, {}, {"trustee": 1},
    {"trustee": 0, "signing_key": "00", "encryption_key": "00", "signature": {}},
    {"trustee": True, "signing_key": "02" + "00" * 32, "encryption_key": "02" + "00" * 32,
     "signature": {"challenge": "00" * 32, "response": "00" * 32}},
])
def test_malformed_certificates_are_refused_when_decoded(data):
    with pytest.raises(DecodeError):
        dkg.Certificate.from_dict(data)


def test_sub_shares_are_secret_from_the_server():
    # What the server relays for trustee 2 is not f_1(2): without e_2 it is a uniformly masked value.
    certificates, secrets, polynomials = ceremony(3, 2)
    share = polynomials[0].shares[1]
    opened = dkg.bad_polynomials(CONTEXT, polynomials, secrets[1])
    assert opened == [] and base_mul(share.value) != dkg.verification_key(polynomials[0].commitments, 2)
