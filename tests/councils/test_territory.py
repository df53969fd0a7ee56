"""What residents type is compared with what editors entered, whatever the spelling."""

import pytest

from councils.territory import normalise_postcode, normalise_street


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Rue des Tilleuls", "rue des tilleuls"),
        ("12 r. des tilleuls", "rue des tilleuls"),
        ("3 ter, Av. Jean-Jaurès", "avenue jean jaures"),
        ("12bis bd Saint-Michel", "boulevard saint michel"),
        ("Pl. de l'Église", "place de l eglise"),
        ("  ALLÉE   des  Acacias ", "allee des acacias"),
        ("Ste-Anne", "sainte anne"),
        ("", ""),
    ],
)
def test_street_names_compare_without_case_accents_numbers_or_abbreviations(typed, key):
    assert normalise_street(typed) == key


def test_postcode_spaces_are_forgiven():
    assert normalise_postcode(" 49 000 ") == "49000"
