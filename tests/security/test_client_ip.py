"""Per-client limits see the client, not the proxy, and a client cannot choose its own address."""

import pytest

from common.http import client_ip


def request(rf, forwarded=None, remote="10.0.0.5"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **extra)


def test_without_a_trusted_proxy_the_header_is_ignored(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request(rf, "203.0.113.9")) == "10.0.0.5"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        # A client writing its own X-Forwarded-For cannot dodge its limit: our proxy appends the real address.
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        # A request that bypassed the proxies (header too short) or garbage: the connection's address.
        (2, "203.0.113.9", "10.0.0.5"),
        (1, "not-an-address", "10.0.0.5"),
    ],
)
def test_behind_proxies_the_address_our_first_proxy_saw(rf, settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request(rf, forwarded)) == expected


def test_axes_counts_failures_against_the_same_address(rf, settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXY_COUNT = 1
    assert get_client_ip_address(request(rf, "1.2.3.4, 203.0.113.9")) == "203.0.113.9"
