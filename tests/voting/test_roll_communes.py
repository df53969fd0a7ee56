"""Rolls of several communes, as the engine alone sees them: commune codes, station keys, the hooks.

The engine knows commune codes, not territories: which communes a collectivity may list is asked
through ``voting.services.areas`` hooks (implemented by ``territories``, tested in
tests/territories/test_votes_across.py). Here the hooks are registered temporarily.
"""

import pytest
from django.utils import translation
from wagtail import hooks

from voting.models import RollEntry, VoterRoll
from voting.services import areas, paper
from voting.services.roll import import_roll
from voting.stations import entries_q, split_key, station_key

from .factories import make_contest, make_roll

pytestmark = pytest.mark.django_db

DEPARTEMENTAL = """Code de la commune;Bureau de vote;Nom de naissance;Prénoms;Date de naissance
49050;001;Dupont;Marie;14/07/1980
49092;001;Dupont;Marie;14/07/1980
49092;002;Martin;Paul;01/05/2001
"""


def test_each_entry_keeps_its_commune_and_stations_are_keyed_by_commune():
    roll = import_roll(roll=make_roll(DEPARTEMENTAL))
    assert roll.status == VoterRoll.Status.READY, roll.errors
    assert sorted(RollEntry.objects.values_list("commune", "polling_station")) == [
        ("49050", "001"), ("49092", "001"), ("49092", "002")]
    contest = make_contest(roll=roll)
    assert paper.stations(contest) == ["49050-001", "49092-001", "49092-002"]
    assert [e.commune for e in paper.station_entries(contest, "49092-001")] == ["49092"]


def test_station_keys_round_trip_and_a_plain_number_matches_any_commune():
    assert split_key(station_key("49050", "001")) == ("49050", "001")
    assert split_key("2A004-3") == ("2A004", "3") and split_key("001") == ("", "001")
    roll = import_roll(roll=make_roll(DEPARTEMENTAL))
    assert RollEntry.objects.filter(entries_q(["001"]), roll=roll).count() == 2
    assert RollEntry.objects.filter(entries_q(["49092-001"]), roll=roll).count() == 1


def test_the_fingerprint_covers_the_commune_only_when_the_roll_has_one():
    one = import_roll(roll=make_roll(DEPARTEMENTAL))
    moved = import_roll(roll=make_roll(DEPARTEMENTAL.replace("49050;001", "49301;001")))
    assert one.roll_hash != moved.roll_hash  # an elector moved to another commune is another roll
    plain = "Bureau de vote;Nom de naissance;Prénoms;Date de naissance\n001;Dupont;Marie;14/07/1980\n"
    unchanged = "nom;prenoms;date_naissance;bureau\nDupont;Marie;14/07/1980;001\n"
    assert import_roll(roll=make_roll(plain)).roll_hash == import_roll(roll=make_roll(unchanged)).roll_hash


def test_a_hook_refusing_the_communes_leaves_the_roll_empty_with_its_message():
    seen = {}

    def refuse(roll, communes):
        seen.update(communes)
        return "Commune 49092 is outside this collectivity."

    roll = make_roll(DEPARTEMENTAL)
    with hooks.register_temporarily(areas.ROLL_COMMUNES_HOOK, refuse), translation.override("en"):
        roll = import_roll(roll=roll)
    assert roll.status == VoterRoll.Status.FAILED
    assert roll.errors == [{"line": 0, "message": "Commune 49092 is outside this collectivity."}]
    assert seen == {"49050": [2], "49092": [3, 4]}  # each commune with its first lines
    assert not RollEntry.objects.filter(roll=roll).exists()
