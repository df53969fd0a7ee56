"""Security headers: the Content-Security-Policy on the public site, HTTPS-only cookies and HSTS in production."""

import json
import re

import pytest
from django.test import Client

from ..home.utils import make_home
from ..parvis.test_settings import PRODUCTION_ENV, manage

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.fixture
def home():
    return make_home()


def test_public_pages_carry_a_strict_content_security_policy(client, home):
    response = client.get("/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def test_pages_hold_no_inline_script_or_style_element_and_no_nonce(client, home):
    """Anonymous pages are shared through the page cache: a per-response nonce in them would be stale."""
    response = client.get("/")
    html = response.content.decode()
    assert "<style" not in html and "nonce" not in html
    assert "<script>" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "nonce-" not in response["Content-Security-Policy"]
    assert "--parvis-primary: #" in html  # the town's colours, as a style attribute (style-src-attr)


@pytest.mark.parametrize("path", ["/recherche/?q=%3Cscript%3E", "/page-qui-n-existe-pas/", "/compte/login/", "/vote/garant/"])
def test_every_kind_of_page_carries_the_policy_and_the_other_headers(client, home, path):
    response = client.get(path)
    assert "Content-Security-Policy" in response
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_admin_is_left_out_of_the_policy_but_keeps_the_other_headers(admin_client, home):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_500_page_style_is_allowed_by_its_hash(settings):
    """The 500 page is rendered without a request (no nonce): its one <style> is allowed by hash."""
    import base64
    import hashlib

    from django.template.loader import get_template

    html = get_template("500.html").render()
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"]


def test_a_server_error_page_carries_the_policy(home, settings):
    from django.urls import path as url

    client = Client(raise_request_exception=False)

    def boom(request):
        raise RuntimeError("boom")

    import parvis.urls

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [url("boom/", boom)] + parvis.urls.urlpatterns})
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Content-Security-Policy" in response


PRODUCTION_VALUES = """
from django.conf import settings as s
import json
print(json.dumps({name: getattr(s, name) for name in (
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_CROSS_ORIGIN_OPENER_POLICY", "TRUSTED_PROXY_COUNT",
    "ALLAUTH_TRUSTED_PROXY_COUNT", "AXES_CLIENT_IP_CALLABLE", "DEBUG")}))
"""


def production_settings(**env) -> dict:
    result = manage("shell", "-c", PRODUCTION_VALUES, env={**PRODUCTION_ENV, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_cookies_over_https_only_and_asks_browsers_for_https_for_a_year():
    values = production_settings()
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert values["DEBUG"] is False
    # No proxy trusted unless the deployment says so: X-Forwarded-For is then ignored.
    assert values["TRUSTED_PROXY_COUNT"] == 0 == values["ALLAUTH_TRUSTED_PROXY_COUNT"]
    assert values["AXES_CLIENT_IP_CALLABLE"] == "common.http.client_ip"


def test_production_reads_the_number_of_trusted_proxies_from_the_environment():
    values = production_settings(TRUSTED_PROXY_COUNT="2")
    assert values["TRUSTED_PROXY_COUNT"] == 2 == values["ALLAUTH_TRUSTED_PROXY_COUNT"]
