"""Importing the electoral roll: formats, per-row errors, all-or-nothing."""

import pytest
from django.core.files.base import ContentFile

from voting.models import RollEntry, VoterRoll
from voting.services.roll import import_roll

from .factories import ROLL_CSV, make_contest, make_roll, sealed

pytestmark = pytest.mark.django_db


def test_utf8_semicolon_file_is_imported_with_normalised_names():
    roll = import_roll(roll=make_roll())
    assert roll.status == VoterRoll.Status.READY
    assert roll.rows_total == roll.rows_done == 4
    entry = RollEntry.objects.get(family_name="Lefèvre")
    assert entry.match_name == "lefevre" and entry.polling_station == "001" and entry.birth_date.year == 1975
    assert len(roll.roll_hash) == 64
    assert not roll.source_file  # the uploaded personal data is deleted once imported


def test_latin1_comma_file_with_english_headers_and_iso_dates():
    csv_text = "Family name,Given names,Birth date,Polling station\nLefèvre,Anne,1960-03-04,3\n"
    roll = import_roll(roll=make_roll(csv_text, encoding="latin-1"))
    assert roll.status == VoterRoll.Status.READY
    assert RollEntry.objects.get().family_name == "Lefèvre"


def test_same_voters_give_the_same_fingerprint():
    first = import_roll(roll=make_roll())
    second = import_roll(roll=make_roll(ROLL_CSV.replace("3 rue des Lilas", "autre adresse")))
    assert first.roll_hash == second.roll_hash


def test_missing_column_fails_and_imports_nothing():
    roll = import_roll(roll=make_roll("nom;prenoms;bureau\nDupont;Marie;001\n"))
    assert roll.status == VoterRoll.Status.FAILED
    assert "date" in roll.errors[0]["message"].lower()
    assert RollEntry.objects.count() == 0


def test_bad_rows_are_all_reported_with_their_line_and_nothing_changes():
    good = import_roll(roll=make_roll())
    broken = ROLL_CSV + "Durand;Luc;31/02/1990;001;;\nLeroy;;01/01/1990;001;;\n"
    good.source_file.save("again.csv", ContentFile(broken.encode()))
    result = import_roll(roll=good)

    assert result.status == VoterRoll.Status.FAILED
    assert [error["line"] for error in result.errors] == [6, 7]
    assert "31/02/1990" in result.errors[0]["message"]
    assert RollEntry.objects.filter(roll=good).count() == 4  # the previous import is intact


def test_empty_file_and_header_only_file_fail_cleanly():
    assert import_roll(roll=make_roll("")).status == VoterRoll.Status.FAILED
    assert import_roll(roll=make_roll("nom;prenoms;date_naissance;bureau\n")).status == VoterRoll.Status.FAILED


def test_a_roll_used_by_a_sealed_contest_cannot_be_reimported():
    roll = import_roll(roll=make_roll())
    sealed(make_contest(roll=roll))
    roll.source_file.save("new.csv", ContentFile(ROLL_CSV.encode()))
    result = import_roll(roll=roll)
    assert result.status == VoterRoll.Status.FAILED and result.errors[0]["line"] == 0
    assert RollEntry.objects.filter(roll=roll).count() == 4 and not result.source_file
