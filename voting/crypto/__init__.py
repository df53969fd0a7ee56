"""Cryptographic core of Parvis' verifiable, sealed ballot box.

Follows the approach of the Belenios specification: exponential ElGamal over
a prime-order group (secp256k1 via coincurve, see :mod:`.group` for why),
strong Fiat-Shamir zero-knowledge proofs (:mod:`.proofs`), a k-of-n threshold
key (:mod:`.threshold`), homomorphic tallying (:mod:`.tally`) and an
append-only hash chain over the ballot box (:mod:`.chain`).

Deliberately framework-free: depends only on the standard library and
coincurve, so auditors can run it without the web application.

Public API summary (re-exported here):

* contest setup: the trustees' key ceremony (:mod:`.dkg`),
  :class:`ThresholdPublicKey`, :class:`KeyShare`, :func:`verify_share`,
  :class:`ContestParameters` (:func:`deal`, a trusted dealer, is kept for
  tests and benchmarks only)
* casting: :func:`encrypt_ballot` (the voter's device), :class:`Ballot`,
  :func:`verify_ballot`, :func:`verify_audit` (Benaloh challenge),
  :func:`genesis_hash`, :func:`entry_hash`
* counting: :func:`verify_chain`, :func:`find_invalid_ballots`,
  :func:`sum_ballots`, :func:`sum_encoded`, :func:`partial_decrypt`,
  :class:`PartialDecryption`, :func:`decrypt_tally`, :func:`tally`,
  :class:`TallyResult`

The standalone verifier of a published contest record, built on this API,
is :mod:`voting.verify`.
"""

from .ballot import (
    Ballot,
    ContestParameters,
    encrypt_ballot,
    encrypt_ballot_with_nonces,
    verify_audit,
    verify_ballot,
)
from .chain import build_chain, entry_hash, genesis_hash, verify_chain
from .dlog import discrete_log
from .elgamal import Ciphertext, encrypt, sum_ciphertexts
from .errors import (
    CryptoError,
    DecodeError,
    DiscreteLogError,
    InvalidBallotError,
    InvalidShareError,
    NotEnoughSharesError,
)
from .group import Point
from .proofs import ChaumPedersenProof, RangeProof
from .tally import (
    TallyResult,
    decrypt_tally,
    find_invalid_ballots,
    sum_ballots,
    sum_encoded,
    tally,
)
from .threshold import (
    DealtKey,
    KeyShare,
    PartialDecryption,
    ThresholdPublicKey,
    combine_partial_decryptions,
    deal,
    partial_decrypt,
    verify_partial_decryption,
    verify_share,
)

__all__ = [
    "Ballot",
    "ChaumPedersenProof",
    "Ciphertext",
    "ContestParameters",
    "CryptoError",
    "DealtKey",
    "DecodeError",
    "DiscreteLogError",
    "InvalidBallotError",
    "InvalidShareError",
    "KeyShare",
    "NotEnoughSharesError",
    "PartialDecryption",
    "Point",
    "RangeProof",
    "TallyResult",
    "ThresholdPublicKey",
    "build_chain",
    "combine_partial_decryptions",
    "deal",
    "decrypt_tally",
    "discrete_log",
    "encrypt",
    "encrypt_ballot",
    "encrypt_ballot_with_nonces",
    "entry_hash",
    "find_invalid_ballots",
    "genesis_hash",
    "partial_decrypt",
    "sum_ballots",
    "sum_ciphertexts",
    "sum_encoded",
    "tally",
    "verify_audit",
    "verify_ballot",
    "verify_chain",
    "verify_partial_decryption",
    "verify_share",
]
