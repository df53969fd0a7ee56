"""One mailbox, one account: variants of an address share one canonical form."""

import pytest

from accounts.emails import canonical_email


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        ("jean@example.fr", "jean@example.fr"),
        ("Jean@Example.FR ", "jean@example.fr"),
        ("jean+budget@example.fr", "jean@example.fr"),
        ("jean+1+2@example.fr", "jean@example.fr"),
        ("j.e.a.n@gmail.com", "jean@gmail.com"),
        ("J.ean+vote@googlemail.com", "jean@gmail.com"),
        ("jean.dupont@example.fr", "jean.dupont@example.fr"),  # dots count outside Gmail
    ],
)
def test_canonical_email(address, canonical):
    assert canonical_email(address) == canonical
