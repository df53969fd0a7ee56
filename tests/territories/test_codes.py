import pytest
from django.core.exceptions import ValidationError

from territories import codes


@pytest.mark.parametrize("code", ["49", "01", "2A", "2B", "95", "974", "976"])
def test_departement_codes_as_insee_writes_them(code):
    codes.validate_departement(code)


@pytest.mark.parametrize("code", ["20", "00", "96", "977", "4", "49000", "ab"])
def test_what_is_not_a_departement(code):
    with pytest.raises(ValidationError):
        codes.validate_departement(code)


@pytest.mark.parametrize("code", ["49007", "01001", "2A004", "2B033", "97411"])
def test_commune_codes(code):
    codes.validate_commune(code)


@pytest.mark.parametrize("code", ["1001", "00123", "2C004", "490070", "49 07", ""])
def test_what_is_not_a_commune_code(code):
    # "1001" is 01001 with its leading zero eaten by a spreadsheet: refused, never guessed.
    with pytest.raises(ValidationError):
        codes.validate_commune(code)


def test_siren_checksum_catches_a_mistyped_digit():
    codes.validate_siren("244900015")  # Angers Loire Métropole
    with pytest.raises(ValidationError):
        codes.validate_siren("244900016")
    with pytest.raises(ValidationError):
        codes.validate_siren("24490001")


def test_codes_normalised_as_spreadsheets_leave_them():
    assert codes.normalise(" 2a004 ") == "2A004"
    assert codes.normalise("244 900 015") == "244900015"
    assert codes.commune_departement("97411") == "974"
    assert codes.commune_departement("2A004") == "2A"
