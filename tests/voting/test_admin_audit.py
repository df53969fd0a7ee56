"""The audit log in the admin: readable with its permission, filterable by vote, never writable."""

import pytest

from voting.models import AuditEvent
from voting.services.audit import log

from .factories import make_contest, make_user
from .test_admin_support import ADMIN_ACCESS, log_in

pytestmark = pytest.mark.django_db

AUDIT = "/admin/votes/audit/"


def test_the_log_lists_who_did_what_and_filters_by_vote(client):
    log_in(client, ADMIN_ACCESS, "voting.view_auditevent")
    market, budget = make_contest(title="Place du marché"), make_contest(title="Budget 2027")
    log(contest=market, action="seal", actor=make_user("greffe"))
    log(contest=budget, action="proclaim")

    everything = client.get(AUDIT).content.decode()
    filtered = client.get(AUDIT, {"contest__id__exact": market.pk}).content.decode()

    assert "greffe" in everything and "scheduler" in everything
    assert "seal" in filtered and "proclaim" not in filtered


def test_nobody_writes_to_the_log_not_even_a_superuser(client):
    log_in(client, superuser=True)
    event = log(contest=make_contest(), action="seal")

    refusals = [
        client.get(f"{AUDIT}create/"),
        client.post(f"{AUDIT}edit/{event.pk}/", {"action": "forged"}),
        client.post(f"{AUDIT}delete/{event.pk}/"),
    ]

    assert [refusal["Location"] for refusal in refusals] == ["/admin/"] * 3
    assert AuditEvent.objects.get().action == "seal"


def test_reading_the_log_needs_its_permission(client):
    log_in(client, ADMIN_ACCESS, "voting.change_contest")
    assert client.get(AUDIT)["Location"] == "/admin/"
