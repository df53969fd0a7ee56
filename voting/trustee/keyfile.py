"""A trustee's key file: their two secret keys, sealed with a passphrase they choose.

The file never leaves the trustee's hands (the server never sees it, nor the
passphrase). It is made and opened the same way by the browser page (Web
Crypto) and by this command-line tool, so either can open the other's:

* PBKDF2-HMAC-SHA256 stretches the passphrase (600,000 iterations, OWASP's
  figure for it; a random 16-byte salt) into an AES-256 key, chosen because
  every browser has both natively and audited;
* AES-256-GCM seals the secrets, with the file's public header as associated
  data, so a header edited to pass as another trustee's or another vote's
  makes the file fail to open rather than mislead.

The header names the ceremony and the trustee's public keys, so a file of
another vote is refused by name before any passphrase is tried.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from ..crypto.dkg import TrusteeSecrets, canonical_json
from ..crypto.errors import CryptoError, DecodeError
from ..crypto.group import base_mul, scalar_from_hex, scalar_to_hex

FORMAT = "parvis-trustee-key/1"
ITERATIONS = 600_000
MIN_ITERATIONS, MAX_ITERATIONS = 1_000, 10_000_000
MIN_PASSPHRASE = 12


class KeyFileError(CryptoError):
    """The key file cannot be used: the message says why, and never shows a secret."""


def _aes_key(passphrase: str, salt: bytes, iterations: int) -> bytes:
    kdf = PBKDF2HMAC(algorithm=SHA256(), length=32, salt=salt, iterations=iterations)
    return kdf.derive(passphrase.encode("utf-8"))


def seal(secrets: TrusteeSecrets, *, ceremony: str, passphrase: str, label: str = "",
         iterations: int = ITERATIONS) -> dict[str, object]:
    """The key file's JSON for these secrets."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise KeyFileError(f"the passphrase must have at least {MIN_PASSPHRASE} characters")
    header = {
        "format": FORMAT,
        "ceremony": ceremony,
        "label": label,
        "trustee": secrets.trustee,
        "signing_key": base_mul(secrets.signing).to_hex(),
        "encryption_key": base_mul(secrets.encryption).to_hex(),
        "kdf": {"algorithm": "PBKDF2-HMAC-SHA256", "iterations": iterations, "salt": os.urandom(16).hex()},
        "cipher": {"algorithm": "AES-256-GCM", "nonce": os.urandom(12).hex()},
    }
    plaintext = canonical_json({
        "signing": scalar_to_hex(secrets.signing), "encryption": scalar_to_hex(secrets.encryption),
    }).encode("ascii")
    key = _aes_key(passphrase, bytes.fromhex(header["kdf"]["salt"]), iterations)
    sealed = AESGCM(key).encrypt(bytes.fromhex(header["cipher"]["nonce"]), plaintext, canonical_json(header).encode("ascii"))
    return {**header, "ciphertext": sealed.hex()}


def read_header(document: object, *, ceremony: str | None = None, trustee: int | None = None) -> Mapping[str, object]:
    """Check the public part of a key file; refuse one of another vote or trustee by name."""
    if isinstance(document, (str, bytes)):
        try:
            document = json.loads(document)
        except (ValueError, UnicodeDecodeError):
            raise KeyFileError("this is not a key file (not JSON)") from None
    if not isinstance(document, Mapping) or document.get("format") != FORMAT:
        raise KeyFileError("this is not a Parvis trustee key file")
    if ceremony is not None and document.get("ceremony") != ceremony:
        raise KeyFileError("this key file belongs to another vote or another key ceremony")
    if trustee is not None and document.get("trustee") != trustee:
        raise KeyFileError("this key file belongs to another trustee of this vote")
    return document


def open_key_file(document: object, passphrase: str, *, ceremony: str | None = None,
                  trustee: int | None = None) -> TrusteeSecrets:
    """The secrets in a key file; a wrong passphrase or an altered file is refused."""
    document = read_header(document, ceremony=ceremony, trustee=trustee)
    header = {key: value for key, value in document.items() if key != "ciphertext"}
    try:
        kdf, cipher = header["kdf"], header["cipher"]
        iterations = kdf["iterations"]
        if type(iterations) is not int or not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
            raise KeyFileError("the key file's parameters are out of range")
        key = _aes_key(passphrase, bytes.fromhex(kdf["salt"]), iterations)
        plaintext = AESGCM(key).decrypt(
            bytes.fromhex(cipher["nonce"]), bytes.fromhex(document["ciphertext"]), canonical_json(header).encode("ascii")
        )
    except InvalidTag:
        raise KeyFileError("wrong passphrase, or the key file was altered") from None
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, KeyFileError):
            raise
        raise KeyFileError("the key file is damaged") from None
    if type(header["trustee"]) is not int:
        raise KeyFileError("the key file is damaged")
    try:
        values = json.loads(plaintext)
        secrets = TrusteeSecrets(
            header["trustee"], scalar_from_hex(values["signing"], nonzero=True),
            scalar_from_hex(values["encryption"], nonzero=True),
        )
    except (DecodeError, KeyError, TypeError, ValueError):
        raise KeyFileError("the key file is damaged") from None
    if base_mul(secrets.signing).to_hex() != header["signing_key"] or \
            base_mul(secrets.encryption).to_hex() != header["encryption_key"]:
        raise KeyFileError("the key file is damaged")
    return secrets
