"""Rolls as town halls really export them: REU columns, three encodings, BOM, CRLF, names of every shape."""

from datetime import date
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import translation

from voting.exceptions import RollImportError, RollMatchFailed
from voting.models import RollEntry, VoterRoll
from voting.services.roll import import_roll, prove_roll_membership
from voting.services.roll_file import detect_encoding
from voting.normalize import name_key

from .factories import make_contest, make_user

pytestmark = pytest.mark.django_db
ROLLS = Path(__file__).parent / "rolls"


def upload(filename: str, roll: VoterRoll | None = None) -> VoterRoll:
    roll = roll or VoterRoll.objects.create(name=filename)
    roll.source_file.save(filename, ContentFile((ROLLS / filename).read_bytes()), save=True)
    return import_roll(roll=roll)


def test_the_fixtures_are_what_town_software_writes():
    raw = (ROLLS / "reu_extract_windows1252.csv").read_bytes()
    assert b"\r\n" in raw and b"\x8c" in raw and b"\x92" in raw  # CRLF, Œ and ’ as Windows-1252 writes them
    assert (ROLLS / "reu_simple_utf8_bom.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_full_reu_extract_in_windows_1252_is_imported_and_extra_columns_ignored():
    roll = upload("reu_extract_windows1252.csv")
    assert roll.status == VoterRoll.Status.READY, roll.errors
    assert roll.rows_total == 6
    coeur = RollEntry.objects.get(match_name="coeurdacier")
    assert coeur.family_name == "CŒURDACIER"  # not 'CÅ\x92URDACIER' (UTF-8 misread) nor a C1 control (Latin-1 misread)
    assert coeur.given_names == "Agnès Marie Thérèse"
    assert coeur.polling_station == "0001" and coeur.postcode == "49000" and coeur.town == "ANGERS"
    assert coeur.address == "12 RUE DE L’ÉGLISE Bât. B"  # built from the REU's address parts
    assert coeur.birthplace_code == "49007"
    ornano = RollEntry.objects.get(match_name="dornano")
    assert ornano.usage_name == "LEFÈVRE-D’ORNANO" and ornano.usage_match_name == "lefevredornano"
    assert ornano.birthplace_code == "2A004"
    assert RollEntry.objects.get(match_name="desaintexupery").address == "Résidence Les Chênes Appartement 3 Le Bourg"


def test_utf8_with_bom_and_commas_inside_quoted_addresses():
    roll = upload("reu_simple_utf8_bom.csv")
    assert roll.status == VoterRoll.Status.READY, roll.errors
    nguyen = RollEntry.objects.get(usage_name="Tran")
    assert nguyen.family_name == "Nguyễn" and nguyen.address == "1, rue d'Anjou, bât. C" and nguyen.polling_station == "3"
    assert RollEntry.objects.get(match_name="oeuvrard").given_names == "Zoé Hélène"


def test_latin1_with_upper_case_headers():
    roll = upload("reu_latin1.csv")
    assert roll.status == VoterRoll.Status.READY, roll.errors
    assert set(RollEntry.objects.values_list("family_name", flat=True)) == {"Lefèvre", "Müller"}


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        ("Cœur;Lefèvre\r\n".encode("utf-8"), "utf-8-sig"),
        (b"\xef\xbb\xbfNom;Pr\xc3\xa9noms\r\n", "utf-8-sig"),
        ("Cœur;l’Église\r\n".encode("cp1252"), "cp1252"),
        ("Lefèvre;Noël\r\n".encode("latin-1"), "latin-1"),
        (b"plain ascii;only\n", "utf-8-sig"),
    ],
)
def test_encoding_is_detected(raw, encoding):
    import io

    assert detect_encoding(io.BytesIO(raw)) == encoding


@pytest.mark.parametrize("raw", ["Nom;Prénoms\r\n".encode("utf-16"), b"Nom;Pr\x81noms\r\n", b"PK\x03\x04\x14\x00\x06\x00"])
def test_unknown_encodings_are_refused(raw):
    import io

    with pytest.raises(RollImportError):
        detect_encoding(io.BytesIO(raw))


def _previous_roll() -> VoterRoll:
    roll = upload("reu_latin1.csv")
    assert roll.status == VoterRoll.Status.READY
    return roll


@pytest.mark.parametrize(
    ("filename", "words"),
    [
        ("spreadsheet_unicode_text.csv", ["encoding", "UTF-8", "Windows-1252"]),
        ("reu_doubled_name_column.csv", ["“Nom”", "“Nom de naissance”", "only one"]),
        ("reu_without_polling_station.csv", ["Bureau de vote", "“Libellé du bureau de vote”", "accepted columns"]),
    ],
)
def test_unreadable_files_fail_clearly_and_leave_the_previous_roll_whole(filename, words):
    roll = _previous_roll()
    before = list(RollEntry.objects.filter(roll=roll).order_by("pk").values())
    with translation.override("en"):  # the report is written in the officer's language: read it in English
        result = upload(filename, roll=roll)
    assert result.status == VoterRoll.Status.FAILED
    message = result.errors[0]["message"]
    assert all(word in message for word in words), message
    assert list(RollEntry.objects.filter(roll=roll).order_by("pk").values()) == before


@pytest.fixture
def reu_contest():
    return make_contest(roll=upload("reu_extract_windows1252.csv"))


@pytest.mark.parametrize(
    ("typed", "born", "place", "expected"),
    [
        ("Coeurdacier", date(1961, 2, 3), "1", "CŒURDACIER"),  # œ typed as two letters
        ("cœurdacier", date(1961, 2, 3), "49000", "CŒURDACIER"),
        ("d'Ornano", date(1977, 9, 21), "0001", "D’ORNANO"),  # straight apostrophe against the roll's curly one
        ("DORNANO", date(1977, 9, 21), "1", "D’ORNANO"),
        ("Lefevre d Ornano", date(1977, 9, 21), "1", "D’ORNANO"),  # the usage name, hyphen typed as a space
        ("Lefèvre-D’Ornano", date(1977, 9, 21), "1", "D’ORNANO"),
        ("de Saint Exupéry", date(1980, 6, 29), "2", "DE SAINT-EXUPÉRY"),  # particle and hyphen
        ("Dupont", date(1980, 7, 14), "0002", "MARTIN"),  # married name: the usage name on the voter card
        ("laetitia nguyen", date(1990, 11, 30), "3", "LÆTITIA-NGUYEN"),
    ],
)
def test_residents_prove_membership_with_birth_or_usage_name_however_written(reu_contest, typed, born, place, expected):
    voter = prove_roll_membership(contest=reu_contest, user=make_user("resident"), family_name=typed, birth_date=born,
                                  place=place)
    assert voter.roll_entry.family_name == expected


def test_homonyms_born_the_same_day_at_the_same_station_are_not_guessed(reu_contest):
    with translation.override("en"), pytest.raises(RollMatchFailed) as refused:
        prove_roll_membership(contest=reu_contest, user=make_user("marie"), family_name="Martin",
                              birth_date=date(1980, 7, 14), place="2")
    assert "Several voters" in str(refused.value.message)


def test_name_key_ignores_every_kind_of_separator_and_ligature():
    assert {name_key(text) for text in ("D’Ornano", "d'ornano", "D ORNANO", "d‘Ornano", "Dornano")} == {"dornano"}
    assert name_key("Cœur-Æther") == "coeuraether"


def test_the_upload_page_documents_the_accepted_columns(admin_client):
    html = admin_client.get("/admin/votes/rolls/new/").content.decode()
    for words in ("Nom de naissance", "Nom d'usage", "Prénoms", "Date de naissance", "Bureau de vote", "Adresse",
                  "Code postal", "Commune", "Windows-1252", "Latin-1", "UTF-8"):
        assert words in html, words
