"""Starting the real test OpenID Connect provider (tests/oidc_provider) and walking a browser's redirects through it."""

import copy
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "parvis-test"
SECRET = "parvis-test-secret"  # noqa: S105
SCOPE = ["openid", "given_name", "family_name", "birthdate", "birthplace", "gender", "preferred_username"]
MARIE = {
    "given_name": "Marie Anne", "family_name": "MARTIN", "birthdate": "1980-07-14", "birthplace": "75056",
    "birthcountry": "99100", "gender": "female", "preferred_username": "DUPONT",
}
PEOPLE = {name: MARIE for name in (
    "marie", "forged-signature", "expired", "other-audience", "wrong-nonce", "low-acr", "other-subject",
)}


@dataclass
class Provider:
    url: str  # the issuer, e.g. http://127.0.0.1:PORT/o

    def parvis_settings(self) -> dict:
        """SOCIALACCOUNT_PROVIDERS as parvis/settings/base.py builds it from the environment, aimed at this provider."""
        return {"franceconnect": {
            "APPS": [{"provider_id": "franceconnect", "name": "FranceConnect", "client_id": CLIENT_ID, "secret": SECRET,
                      "settings": {"server_url": self.url, "token_auth_method": "client_secret_post"}}],
            "SCOPE": SCOPE,
            "AUTH_PARAMS": {"acr_values": "eidas1"},
        }}


    def allow_in_csp(self, settings) -> None:
        """What parvis/settings/base.py does for FRANCECONNECT_SERVER_URL: the button's redirect passes form-action."""
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["form-action"] = [*policy["DIRECTIVES"]["form-action"], self.url.removesuffix("/o")]
        settings.CONTENT_SECURITY_POLICY = policy


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_provider(workdir: Path, *, parvis_base: str):
    """The provider in its own process, registered for the Parvis served at ``parvis_base``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (workdir / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    (workdir / "people.json").write_text(json.dumps(PEOPLE))
    port = _free_port()
    env = {**os.environ, "OIDC_PROVIDER_DB": str(workdir / "provider.sqlite3"), "OIDC_PROVIDER_KEY": str(workdir / "key.pem"),
           "OIDC_PROVIDER_PEOPLE": str(workdir / "people.json"), "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings"}
    env.pop("DATABASE_URL", None)
    log = open(workdir / "provider.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", str(port), CLIENT_ID, SECRET,
         f"{parvis_base}/compte/franceconnect/login/callback/", f"{parvis_base}/compte/franceconnect/deconnexion/"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    provider = Provider(url=f"http://127.0.0.1:{port}/o")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{provider.url}/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The test OIDC provider did not start: {(workdir / 'provider.log').read_text()}")
            time.sleep(0.2)
        yield provider
    finally:
        process.terminate()
        process.wait(10)
        log.close()


def sign_in_at_provider(authorize_url: str, username: str, browser: requests.Session | None = None) -> str:
    """Follow the provider's pages as a browser would (login form, then consent skipped); return the callback URL."""
    browser = browser or requests.Session()
    response = browser.get(authorize_url, allow_redirects=True)
    assert "/login/" in response.url, response.text[:500]
    response = browser.post(response.url, data={
        "username": username, "password": "pw", "csrfmiddlewaretoken": browser.cookies["provider_csrftoken"],
        "next": urlsplit(response.url).query.split("next=", 1)[1] and requests.utils.unquote(
            urlsplit(response.url).query.split("next=", 1)[1]),
    }, allow_redirects=False)
    location = response.headers["Location"]
    for _hop in range(5):  # the authorize endpoint again, then the way back to Parvis
        if "/compte/franceconnect/" in location:
            return location
        response = browser.get(urljoin(response.url, location), allow_redirects=False)
        location = response.headers["Location"]
    raise AssertionError(f"the provider never sent the browser back: {location}")
