"""Distributed key generation: the election key is born on the trustees' devices.

A threshold ``k``-of-``n`` ElGamal key without a dealer (Pedersen's DKG with
Feldman commitments, as Belenios runs it). No one, the server included, ever
holds the secret key, not even for a moment; the server only relays and
stores what trustees publish, and cannot forge it because trustees sign it.

The ceremony has three steps, each trustee ``i`` doing its part on its own
device (the browser page or ``python -m voting.trustee``):

1. **Certificate.** ``i`` draws a signing key ``d_i`` and an encryption key
   ``e_i`` and publishes ``(D_i, E_i) = (d_i*G, e_i*G)``, self-signed. The two
   secrets go to a passphrase-protected file the trustee keeps
   (:mod:`voting.trustee.keyfile`).
2. **Polynomial.** Once every certificate is published, ``i`` draws a random
   polynomial ``f_i`` of degree ``k - 1``, publishes its Feldman commitments
   ``C_{i,l} = a_{i,l}*G`` and, for every trustee ``j`` (itself included),
   the sub-share ``f_i(j)`` encrypted to ``E_j`` (hashed ElGamal: an
   ephemeral ``R = r*G`` and ``f_i(j) + H(R, r*E_j)`` mod ``n``), all signed
   with ``d_i``. The polynomial is then forgotten.
3. **Check.** Once every polynomial is published, ``j`` decrypts the ``n``
   sub-shares addressed to it and checks each against its commitments
   (``f_i(j)*G == sum_l j^l C_{i,l}``). If all pass, ``j`` signs the hash of
   the whole transcript (a :class:`Confirmation`). If one does not, ``j``
   files a :class:`Complaint`: it reveals the Diffie-Hellman secret of that
   one sub-share with a proof that it is right, so anyone can decrypt it and
   see that trustee ``i`` cheated, and nothing else about ``j``'s keys leaks.

The key is fixed once all ``n`` trustees confirmed the same transcript:
``Y = sum_i C_{i,0}``; trustee ``j``'s share ``s_j = sum_i f_i(j)`` is
derived on its device from its encryption key and the public transcript,
whenever it is needed (:func:`derive_share`); combined commitments
``C_l = sum_i C_{i,l}`` make a :class:`~.threshold.ThresholdPublicKey`, so
partial decryption and counting are unchanged.

Why signatures matter: the server relays every message, so without them it
could replace a trustee's certificate with its own and read the sub-shares
sent to it. Each trustee signs what it publishes and confirms only a
transcript holding its own certificate; the key exists only when every
trustee confirmed, so an honest trustee's confirmation is missing from any
transcript the server tampered with.

The messages themselves (certificates, polynomials, confirmations,
complaints, the whole ceremony) and their JSON live in :mod:`.dkg_messages`,
re-exported here.

Known limit, shared with Belenios: the last trustee to publish its
polynomial can bias the distribution of the public key (Gennaro et al.,
2007). It cannot learn the secret key, and ElGamal stays secure under such
bias; committing to the commitments first would remove it at the cost of a
fourth step.
"""

from __future__ import annotations

from collections.abc import Sequence

from .dkg_messages import (  # noqa: F401  (re-exported: dkg.Certificate etc. is the public API)
    CEREMONY_FORMAT,
    Ceremony,
    Certificate,
    Complaint,
    Confirmation,
    EncryptedSubShare,
    Polynomial,
    TrusteeSecrets,
    canonical_json,
    sha256_hex,
)
from .errors import DecodeError
from .group import (
    ORDER,
    Point,
    base_mul,
    hash_items,
    hash_to_scalar,
    random_scalar,
    sum_points,
)
from .proofs import (
    ChaumPedersenProof,
    prove_equal_logs,
    sign,
    verify_equal_logs,
    verify_signature,
)
from .threshold import (
    MAX_TRUSTEES,
    KeyShare,
    ThresholdPublicKey,
    verification_key,
    verify_share,
)


def make_certificate(ceremony: str, trustee: int) -> tuple[Certificate, TrusteeSecrets]:
    """Draw a trustee's two key pairs; the secrets are for its key file only."""
    if type(trustee) is not int or not 1 <= trustee <= MAX_TRUSTEES:
        raise DecodeError("trustee must be a trustee number")
    secrets = TrusteeSecrets(trustee, random_scalar(), random_scalar())
    signing_key, encryption_key = base_mul(secrets.signing), base_mul(secrets.encryption)
    signature = sign(secrets.signing, signing_key, "dkg/certificate", ceremony, trustee, encryption_key)
    return Certificate(trustee, signing_key, encryption_key, signature), secrets


def verify_certificate(ceremony: str, certificate: Certificate) -> bool:
    return verify_signature(
        certificate.signing_key, certificate.signature, "dkg/certificate",
        ceremony, certificate.trustee, certificate.encryption_key,
    )


def certificate_matches(certificate: Certificate, secrets: TrusteeSecrets) -> bool:
    """Whether a published certificate is the one made with these secrets."""
    return (
        certificate.trustee == secrets.trustee
        and certificate.signing_key == base_mul(secrets.signing)
        and certificate.encryption_key == base_mul(secrets.encryption)
    )


def _pad(ceremony: str, sender: int, recipient: int, ephemeral: Point, shared: Point) -> int:
    return hash_to_scalar("dkg/sub-share", ceremony, sender, recipient, ephemeral, shared)


def _evaluate(coefficients: Sequence[int], at: int) -> int:
    result = 0
    for coefficient in reversed(coefficients):  # Horner
        result = (result * at + coefficient) % ORDER
    return result


def make_polynomial(
    ceremony: str, threshold: int, secrets: TrusteeSecrets, certificates: Sequence[Certificate]
) -> Polynomial:
    """Draw this trustee's polynomial, encrypt a sub-share to every trustee, sign.

    ``certificates`` must be every trustee's, in trustee order, already
    checked with :func:`verify_certificate`.
    """
    if not 1 <= threshold <= len(certificates):
        raise ValueError("need 1 <= threshold <= number of trustees")
    coefficients = [random_scalar() for _ in range(threshold)]
    shares = []
    for certificate in certificates:
        value = _evaluate(coefficients, certificate.trustee)
        nonce = random_scalar()
        ephemeral = base_mul(nonce)
        pad = _pad(ceremony, secrets.trustee, certificate.trustee, ephemeral, certificate.encryption_key * nonce)
        shares.append(EncryptedSubShare(certificate.trustee, ephemeral, (value + pad) % ORDER))
    return sign_polynomial(
        ceremony, Polynomial(secrets.trustee, tuple(base_mul(a) for a in coefficients), tuple(shares),
                             ChaumPedersenProof(0, 0)),
        secrets, certificates,
    )


def sign_polynomial(
    ceremony: str, polynomial: Polynomial, secrets: TrusteeSecrets, certificates: Sequence[Certificate]
) -> Polynomial:
    """``polynomial`` signed by its trustee (tests use it to forge well-signed but wrong sub-shares)."""
    signature = sign(
        secrets.signing, base_mul(secrets.signing), "dkg/polynomial", *polynomial.signed_items(ceremony, certificates)
    )
    return Polynomial(polynomial.trustee, polynomial.commitments, polynomial.shares, signature)


def verify_polynomial(
    ceremony: str, polynomial: Polynomial, certificates: Sequence[Certificate], threshold: int
) -> bool:
    """Shape and signature: ``threshold`` commitments, one sub-share per trustee in order."""
    n_trustees = len(certificates)
    if not 1 <= polynomial.trustee <= n_trustees or len(polynomial.commitments) != threshold:
        return False
    if [share.recipient for share in polynomial.shares] != list(range(1, n_trustees + 1)):
        return False
    signer = certificates[polynomial.trustee - 1].signing_key
    return verify_signature(
        signer, polynomial.signature, "dkg/polynomial", *polynomial.signed_items(ceremony, certificates)
    )


def _open_sub_share(ceremony: str, polynomial: Polynomial, recipient: int, shared: Point) -> int:
    share = polynomial.shares[recipient - 1]
    return (share.value - _pad(ceremony, polynomial.trustee, recipient, share.ephemeral, shared)) % ORDER


def _sub_share_is_valid(polynomial: Polynomial, recipient: int, value: int) -> bool:
    return base_mul(value) == verification_key(polynomial.commitments, recipient)


def bad_polynomials(ceremony: str, polynomials: Sequence[Polynomial], secrets: TrusteeSecrets) -> list[int]:
    """The trustees whose sub-share for this trustee does not match their commitments."""
    bad = []
    for polynomial in polynomials:
        share = polynomial.shares[secrets.trustee - 1]
        value = _open_sub_share(ceremony, polynomial, secrets.trustee, share.ephemeral * secrets.encryption)
        if not _sub_share_is_valid(polynomial, secrets.trustee, value):
            bad.append(polynomial.trustee)
    return bad


def transcript_hash(ceremony: str, certificates: Sequence[Certificate], polynomials: Sequence[Polynomial]) -> str:
    """What every trustee confirms: the ceremony, every certificate and every polynomial."""
    return sha256_hex({
        "ceremony": ceremony,
        "certificates": [c.to_dict() for c in certificates],
        "polynomials": [p.to_dict() for p in polynomials],
    })


def make_confirmation(ceremony: str, transcript: str, secrets: TrusteeSecrets) -> Confirmation:
    signature = sign(
        secrets.signing, base_mul(secrets.signing), "dkg/confirmation", ceremony, secrets.trustee, transcript
    )
    return Confirmation(secrets.trustee, transcript, signature)


def verify_confirmation(ceremony: str, confirmation: Confirmation, certificates: Sequence[Certificate]) -> bool:
    if not 1 <= confirmation.trustee <= len(certificates):
        return False
    return verify_signature(
        certificates[confirmation.trustee - 1].signing_key, confirmation.signature, "dkg/confirmation",
        ceremony, confirmation.trustee, confirmation.transcript,
    )


def _complaint_context(ceremony: str, trustee: int, accused: int) -> bytes:
    return hash_items("dkg/complaint", ceremony, trustee, accused)


def make_complaint(ceremony: str, polynomial: Polynomial, secrets: TrusteeSecrets) -> Complaint:
    ephemeral = polynomial.shares[secrets.trustee - 1].ephemeral
    shared = ephemeral * secrets.encryption
    proof = prove_equal_logs(
        secrets.encryption, base_mul(secrets.encryption), ephemeral, shared,
        _complaint_context(ceremony, secrets.trustee, polynomial.trustee),
    )
    return Complaint(secrets.trustee, polynomial.trustee, shared, proof)


def complaint_holds(
    ceremony: str, complaint: Complaint, certificates: Sequence[Certificate], polynomials: Sequence[Polynomial]
) -> bool:
    """True when the complaint proves that ``accused`` sent ``trustee`` a wrong sub-share.

    False for an unfounded complaint (the sub-share was right) or one whose
    proof fails: the accused is then not at fault.
    """
    n = len(certificates)
    if not (1 <= complaint.trustee <= n and 1 <= complaint.accused <= n) or len(polynomials) != n:
        return False
    polynomial = polynomials[complaint.accused - 1]
    ephemeral = polynomial.shares[complaint.trustee - 1].ephemeral
    if not verify_equal_logs(
        certificates[complaint.trustee - 1].encryption_key, ephemeral, complaint.shared, complaint.proof,
        _complaint_context(ceremony, complaint.trustee, complaint.accused),
    ):
        return False
    value = _open_sub_share(ceremony, polynomial, complaint.trustee, complaint.shared)
    return not _sub_share_is_valid(polynomial, complaint.trustee, value)


def combine(threshold: int, polynomials: Sequence[Polynomial]) -> ThresholdPublicKey:
    """The election key from every trustee's commitments: ``C_l = sum_i C_{i,l}``."""
    commitments = tuple(
        sum_points(polynomial.commitments[level] for polynomial in polynomials) for level in range(threshold)
    )
    return ThresholdPublicKey(threshold, len(polynomials), commitments)


def derive_share(
    ceremony: str, polynomials: Sequence[Polynomial], secrets: TrusteeSecrets, public: ThresholdPublicKey
) -> KeyShare:
    """This trustee's share ``s_j = sum_i f_i(j)``, rebuilt on its device when needed."""
    total = 0
    for polynomial in polynomials:
        share = polynomial.shares[secrets.trustee - 1]
        total += _open_sub_share(ceremony, polynomial, secrets.trustee, share.ephemeral * secrets.encryption)
    share = KeyShare(secrets.trustee, total % ORDER)
    verify_share(share, public)
    return share


def check_ceremony(ceremony: Ceremony) -> tuple[ThresholdPublicKey | None, list[str]]:
    """Re-check a finished ceremony from its public transcript alone.

    Returns the election key and an empty list when every certificate,
    polynomial and confirmation is in place and signed; otherwise ``None``
    and what is wrong, in English.
    """
    problems: list[str] = []
    context = ceremony.hash
    trustees = ceremony.descriptor.get("trustees")
    n = len(trustees) if isinstance(trustees, list) else 0
    threshold = ceremony.descriptor.get("threshold")
    if type(threshold) is not int or not 1 <= threshold <= n:
        return None, ["the ceremony's threshold and trustees are inconsistent"]
    for what, items in (("certificate", ceremony.certificates), ("polynomial", ceremony.polynomials),
                        ("confirmation", ceremony.confirmations)):
        if [item.trustee for item in items] != list(range(1, n + 1)):
            problems.append(f"need one {what} per trustee, in order")
    if problems:
        return None, problems
    for certificate in ceremony.certificates:
        if not verify_certificate(context, certificate):
            problems.append(f"trustee {certificate.trustee}'s certificate is not self-signed")
    for polynomial in ceremony.polynomials:
        if not verify_polynomial(context, polynomial, ceremony.certificates, threshold):
            problems.append(f"trustee {polynomial.trustee}'s polynomial is malformed or not signed by them")
    transcript = transcript_hash(context, ceremony.certificates, ceremony.polynomials)
    for confirmation in ceremony.confirmations:
        if confirmation.transcript != transcript or not verify_confirmation(
            context, confirmation, ceremony.certificates
        ):
            problems.append(f"trustee {confirmation.trustee} did not sign this transcript")
    if problems:
        return None, problems
    try:
        return combine(threshold, ceremony.polynomials), []
    except ValueError as error:
        return None, [f"the combined key is degenerate ({error})"]
