"""Print a new VAPID key pair for web push: the private key goes into the environment (VAPID_PRIVATE_KEY)."""

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management.base import BaseCommand


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Command(BaseCommand):
    help = "Make a VAPID key pair (P-256) for web push."

    def handle(self, *args, **options):
        key = ec.generate_private_key(ec.SECP256R1())
        public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        self.stdout.write(f"VAPID_PRIVATE_KEY={_b64url(key.private_numbers().private_value.to_bytes(32, 'big'))}")
        self.stdout.write(f"# public key (applicationServerKey, shown to browsers): {_b64url(public)}")
