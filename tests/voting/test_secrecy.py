"""The ballot table cannot be joined to voters: schema and rows inspected."""

import re

import pytest
from django.db import connection, models

from voting.models import AuditedBallot, Ballot, Participation, Voter

from .factories import make_user, open_contest, option_ids, vote

pytestmark = pytest.mark.django_db


def test_ballot_schema_has_no_link_to_voters_no_time_and_no_sequence():
    fields = {field.name: field for field in Ballot._meta.get_fields()}
    # "group": the commune of its voter, public by design so results come per town; never one voter's
    # (groups under voting.groups.MIN_BALLOTS are merged before anything is decrypted).
    assert set(fields) == {"id", "contest", "position", "payload", "tracker", "group", "entry_hash"}
    relations = [f for f in fields.values() if f.is_relation]
    assert [f.name for f in relations] == ["contest"]
    assert not any(isinstance(f, (models.DateField, models.TimeField, models.AutoField, models.BigAutoField))
                   for f in fields.values())
    assert isinstance(fields["id"], models.UUIDField)
    # Nor on the people's side: participations carry no time and no sequential id either.
    for model in (Participation, Voter):
        assert isinstance(model._meta.pk, models.UUIDField)
        assert not any(isinstance(f, models.DateTimeField) for f in model._meta.get_fields() if hasattr(f, "column"))
    # And the database agrees with the models.
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, Ballot._meta.db_table)]
    assert sorted(columns) == sorted(["id", "contest_id", "position", "payload", "tracker", "ballot_group", "entry_hash"])
    # Ballots opened for checking (Benaloh audits) are public: they too name no voter and carry no time.
    audited = {field.name: field for field in AuditedBallot._meta.get_fields()}
    assert [f.name for f in audited.values() if f.is_relation] == ["contest"]
    assert not any(isinstance(f, (models.DateField, models.TimeField)) for f in audited.values())
    assert isinstance(audited["id"], models.UUIDField)


def test_ballot_rows_hold_nothing_of_the_voter():
    contest, _ = open_contest()
    users = [make_user(f"secret{n}") for n in range(3)]
    for user in users:
        vote(contest, user, [option_ids(contest)["Oui"]])
    identifiers = set()
    for user in users:
        identifiers |= {str(user.pk), user.username, user.email}
    identifiers |= {str(pk) for pk in Participation.objects.values_list("pk", flat=True)}
    identifiers |= {str(pk) for pk in Voter.objects.values_list("pk", flat=True)}
    for row in Ballot.objects.values("id", "position", "payload", "tracker", "entry_hash"):
        text = " ".join(str(value) for value in row.values())
        # Whole tokens: a number such as an account id could otherwise "appear" inside a hex ciphertext by chance.
        tokens = set(re.split(r"[^0-9A-Za-z@._-]+", text))
        assert not identifiers & tokens
        assert not any(identifier in text for identifier in identifiers if not identifier.isdigit())
    # Three identical choices give three different ciphertexts (randomised encryption).
    assert len(set(Ballot.objects.values_list("payload", flat=True))) == 3
