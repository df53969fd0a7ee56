"""A real Varnish (Debian's varnish, deploy/varnish.vcl) in front of the site: caching, purge on publish, purge failure.

Varnish is started on 127.0.0.1 in front of pytest-django's live server;
Wagtail's frontend cache sends it PURGE requests when content changes.
"""

import http.client
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from ..home.utils import make_home

VCL = Path(__file__).resolve().parents[2] / "deploy" / "varnish.vcl"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("varnishd") is None, reason="Debian package varnish (added by .ci/run)"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def varnish(migrated_data, live_server, tmp_path):
    """Varnish on a free port, its backend the live server; its port."""
    backend_port = live_server.url.rsplit(":", 1)[1]
    vcl = tmp_path / "parvis.vcl"
    vcl.write_text(VCL.read_text().replace('.port = "8000";', f'.port = "{backend_port}";'))
    port = free_port()
    process = subprocess.Popen(
        ["varnishd", "-F", "-n", str(tmp_path / "varnish"), "-a", f"127.0.0.1:{port}", "-f", str(vcl),
         "-s", "malloc,32m", "-j", "none"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get(port, "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(port: int, path: str, **headers) -> tuple[http.client.HTTPResponse, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": "localhost", **headers})
        response = connection.getresponse()
        return response, response.read().decode()
    finally:
        connection.close()


def publish(home, title: str) -> None:
    home.hero_title = title
    home.save_revision().publish()


def test_varnish_caches_anonymous_pages_and_a_publish_purges_them(varnish, settings):
    settings.PARVIS_PAGE_CACHE = {"ALIAS": "pages", "SECONDS": 60}
    settings.WAGTAILFRONTENDCACHE = {"varnish": {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": f"http://127.0.0.1:{varnish}",
    }}
    home = make_home()

    first, html = get(varnish, "/")
    assert first.status == 200 and "Bienvenue" in html and first.getheader("X-Varnish-Cache") == "miss"
    second, _ = get(varnish, "/", Cookie="csrftoken=abc; _pk_id=1")  # cookies of anonymous visitors: same page
    assert second.getheader("X-Varnish-Cache") == "hit"
    signed_in, _ = get(varnish, "/", Cookie="sessionid=not-anonymous")
    assert signed_in.getheader("X-Varnish-Cache") == "miss"  # passed to Parvis, never served from the cache

    publish(home, "Le vote est ouvert")

    after, html = get(varnish, "/")
    assert after.getheader("X-Varnish-Cache") == "miss" and "Le vote est ouvert" in html


def test_a_failed_purge_is_logged_and_the_page_is_fresh_after_its_expiry(varnish, settings, caplog):
    settings.PARVIS_PAGE_CACHE = {"ALIAS": "pages", "SECONDS": 2}
    settings.WAGTAILFRONTENDCACHE = {"varnish": {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend", "LOCATION": f"http://127.0.0.1:{free_port()}",
    }}
    home = make_home()
    get(varnish, "/")
    assert get(varnish, "/")[0].getheader("X-Varnish-Cache") == "hit"

    publish(home, "Résultats proclamés")

    assert "Couldn't purge 'http://localhost/'" in caplog.text
    deadline = time.monotonic() + 30  # s-maxage (2 s) + Varnish's grace (5 s), with room for a busy machine
    while "Résultats proclamés" not in get(varnish, "/")[1]:
        assert time.monotonic() < deadline, "the page never became fresh"
        time.sleep(0.5)
