"""A real push service on 127.0.0.1, for the tests and the benchmark: what a phone's push server does.

It speaks HTTPS with a certificate signed by a throw-away CA (the client
trusts it through ``PUSH_CA_BUNDLE``), checks each request's VAPID JWT
(ES256 against the site's public key, ``aud`` = its own origin, ``exp`` in
the future: RFC 8292), then decrypts the aes128gcm body (RFC 8291) with the
private keys of the "phone" that subscribed, and keeps what the phone would
show. Each endpoint has a behaviour: answer 201, 404, 410, 500, or hang.
"""

from __future__ import annotations

import base64
import datetime
import ipaddress
import json
import secrets
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import http_ece
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.oid import NameOID


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def write_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A CA and a certificate for 127.0.0.1 signed by it; returns (ca.pem, cert.pem, key.pem)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Parvis test push CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ))
    return paths


@dataclass
class Phone:
    """A browser's side of a subscription: its keys and what it was shown."""

    token: str
    behaviour: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    shown: list = field(default_factory=list)
    attempts: int = 0

    def subscription(self, origin: str) -> dict:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"endpoint": f"{origin}/push/{self.token}", "expirationTime": None,
                "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)}}


def make_phone(behaviour: str = "ok", *, shared: tuple | None = None) -> Phone:
    """A new phone; ``shared`` = (private key, auth) reuses keys (the benchmark's speed-up)."""
    key, auth = shared or (ec.generate_private_key(ec.SECP256R1()), secrets.token_bytes(16))
    return Phone(token=secrets.token_urlsafe(12), behaviour=behaviour, private_key=key, auth=auth)


def verify_vapid(authorization: str, *, public_key: str, audience: str) -> dict:
    """Check ``vapid t=<JWT>, k=<key>`` (RFC 8292); return the JWT's claims or raise ValueError."""
    scheme, _, params = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise ValueError("not a VAPID authorization")
    values = dict(part.strip().split("=", 1) for part in params.split(","))
    if values.get("k") != public_key:
        raise ValueError("not the site's VAPID key")
    header, claims, signature = values["t"].split(".")
    if json.loads(unb64url(header)) != {"typ": "JWT", "alg": "ES256"}:
        raise ValueError("not an ES256 JWT")
    raw = unb64url(signature)
    if len(raw) != 64:
        raise ValueError("not a raw ES256 signature")
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_key))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise ValueError("bad VAPID signature") from None
    decoded = json.loads(unb64url(claims))
    if decoded.get("aud") != audience:
        raise ValueError(f"aud {decoded.get('aud')!r} is not {audience!r}")
    if not isinstance(decoded.get("exp"), int) or decoded["exp"] < time.time() or not decoded.get("sub"):
        raise ValueError("expired or no subscriber contact")
    return decoded


class PushService:
    """The server; ``phones`` by token, ``refused`` keeps requests that failed the checks."""

    def __init__(self, folder: Path, *, vapid_public_key: str, hang_seconds: float = 3.0, record: bool = True,
                 shared_phone: Phone | None = None):
        self.ca, cert, key = write_certificates(folder)
        self.vapid_public_key = vapid_public_key
        self.hang_seconds = hang_seconds
        self.record = record
        self.phones: dict[str, Phone] = {}
        self.shared_phone = shared_phone  # the benchmark: every endpoint is a phone with the same keys
        self.refused: list[str] = []
        self.tokens: set[str] = set()  # the VAPID JWTs accepted (recorded phones only)
        self.connections = 0  # TLS connections accepted: kept-alive ones are counted once
        self.delivered = 0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.origin = f"https://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def add(self, phone: Phone) -> Phone:
        self.phones[phone.token] = phone
        return phone

    def receive(self, path: str, headers, body: bytes) -> int:
        """Handle one push request; return the status to answer."""
        phone = self.phones.get(path.rsplit("/", 1)[-1]) or self.shared_phone
        if phone is None:
            return 404
        with self.lock:
            phone.attempts += 1
        try:
            authorization = headers.get("Authorization", "")
            verify_vapid(authorization, public_key=self.vapid_public_key, audience=self.origin)
            if headers.get("Content-Encoding") != "aes128gcm" or "TTL" not in headers:
                raise ValueError("missing Content-Encoding: aes128gcm or TTL")
            shown = json.loads(http_ece.decrypt(body, private_key=phone.private_key, auth_secret=phone.auth,
                                                version="aes128gcm"))
        except Exception as error:  # noqa: BLE001 - every failure is recorded and answered 400
            with self.lock:
                self.refused.append(f"{type(error).__name__}: {error}")
            return 400
        if phone.behaviour == "hang":
            time.sleep(self.hang_seconds)
            return 201
        if phone.behaviour in {"404", "410", "500"}:
            return int(phone.behaviour)
        with self.lock:
            self.delivered += 1
            if self.record:
                phone.shown.append(shown)
                self.tokens.add(authorization)
        return 201

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real push services do

            def setup(self):
                super().setup()
                with service.lock:
                    service.connections += 1

            def do_GET(self):  # noqa: N802 - /stats, for the benchmark
                body = json.dumps({"delivered": service.delivered, "refused": len(service.refused),
                                   "first_refusal": service.refused[:1]}).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = service.receive(self.path, self.headers, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler


def serve_shared(folder: Path, vapid_public_key: str) -> None:
    """Serve until killed, every endpoint a phone whose keys are printed first (one JSON line)."""
    phone = make_phone()
    with PushService(folder, vapid_public_key=vapid_public_key, record=False, shared_phone=phone) as service:
        print(json.dumps({"origin": service.origin, "ca": str(service.ca),
                          "subscription": phone.subscription(service.origin)}), flush=True)
        service.thread.join()


if __name__ == "__main__":
    import sys

    serve_shared(Path(sys.argv[1]), sys.argv[2])
