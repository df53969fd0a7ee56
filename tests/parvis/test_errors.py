"""A service outage gets 503 "try again" with Retry-After; any other error keeps the 500 page."""

import pytest
from django.test import Client

from parvis import urls


@pytest.fixture
def client(db):
    # The database is up here (the host check reads the sites); the views raise the outages themselves.
    return Client(raise_request_exception=False)


def test_production_urls_use_the_outage_aware_handler():
    assert urls.handler500 == "parvis.errors.server_error"


@pytest.mark.urls("tests.parvis.urls_errors")
@pytest.mark.parametrize("path", ["/database-down/", "/database-lost/", "/redis-down/", "/broker-down/"])
def test_outage_answers_503_with_retry_advice(client, path):
    response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Réessayez dans une minute" in body
    assert "elle indique si votre vote a été enregistré" in body
    assert "Please try again in a minute" in body


@pytest.mark.urls("tests.parvis.urls_errors")
def test_other_errors_keep_the_500_page(client):
    response = client.get("/bug/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Une erreur est survenue" in response.content.decode()
