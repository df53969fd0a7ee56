"""On the roll without typing: a resident signed in with FranceConnect is found from their certified identity."""

from datetime import date, timedelta

import pytest
from django.utils import translation

from accounts.identity import store_certified_identity
from voting.exceptions import NotEligible, RollMatchFailed
from voting.models import RollEntry, Voter, VoterRoll
from voting.normalize import code_key, name_key
from voting.services.eligibility import is_verified_resident
from voting.services.roll import prove_roll_membership
from voting.services.roll_matching import CivilIdentity, certified_identity, prove_roll_membership_by_identity

from .factories import make_contest, make_user, sealed

pytestmark = pytest.mark.django_db
BORN = date(1980, 7, 14)


def roll_of(*rows) -> VoterRoll:
    """rows: (birth name, given names, birth date, station, usage name, birthplace code)."""
    roll = VoterRoll.objects.create(name="Liste", status=VoterRoll.Status.READY, roll_hash="0" * 64)
    for birth_name, given, born, station, usage, birthplace in rows:
        RollEntry.objects.create(
            roll=roll, family_name=birth_name, given_names=given, birth_date=born, polling_station=code_key(station),
            usage_name=usage, birthplace_code=birthplace, match_name=name_key(birth_name), usage_match_name=name_key(usage),
        )
    return roll


def marie(**changes) -> CivilIdentity:
    fields = {"birth_name": "MARTIN", "given_names": "Marie Anne Josèphe", "birth_date": BORN, "birthplace": "75056",
              "usage_name": "DUPONT"}
    return CivilIdentity(**{**fields, **changes})


def prove(contest, identity, user=None):
    with translation.override("en"):
        return prove_roll_membership_by_identity(contest=contest, user=user or make_user("marie"), identity=identity)


@pytest.mark.parametrize(
    ("on_roll", "identity"),
    [
        (("Martin", "Marie Anne Josèphe"), marie()),  # every given name, as FranceConnect gives them
        (("MARTIN", "Marie"), marie()),  # the roll lists only the first given name
        (("Martin", "Marie-Anne Josèphe"), marie()),  # hyphen on one side, space on the other
        (("D’Ornano", "Jean-Baptiste"), marie(birth_name="D'ORNANO", given_names="Jean Baptiste")),
        (("Cœurdacier", "Agnès"), marie(birth_name="COEURDACIER", given_names="Agnes")),
        (("Lætitia", "Zoé"), marie(birth_name="LAETITIA", given_names="Zoe")),
    ],
)
def test_the_resident_is_found_from_their_identity(on_roll, identity):
    contest = make_contest(roll=roll_of((*on_roll, BORN, "001", "", "")))
    voter = prove(contest, identity)
    assert voter.roll_entry.family_name == on_roll[0] and voter.user.username == "marie"


def test_the_usage_name_finds_a_resident_whose_birth_name_the_roll_spells_otherwise():
    contest = make_contest(roll=roll_of(("Martinn", "Marie Anne Josèphe", BORN, "001", "Dupont", "")))
    assert prove(contest, marie()).roll_entry.usage_name == "Dupont"


@pytest.mark.parametrize(
    "identity",
    [marie(birth_date=date(1980, 7, 15), usage_name=""), marie(given_names="Marie Claire", usage_name=""),
     marie(birth_name="MARTINEZ", usage_name="")],
)
def test_no_match_explains_and_falls_back_to_the_typed_proof(identity):
    contest = make_contest(roll=roll_of(("Martin", "Marie Anne Josèphe", BORN, "001", "", "75056")))
    resident = make_user("marie")
    with pytest.raises(RollMatchFailed) as refused:
        prove(contest, identity, resident)
    assert "is not on this vote's electoral roll" in str(refused.value.message) and "voter card" in str(refused.value.message)
    assert not Voter.objects.exists()
    # The certified identity was not a guess: the typed proof is still open, nothing was counted against it.
    voter = prove_roll_membership(contest=contest, user=resident, family_name="Martin", birth_date=BORN, place="1")
    assert voter.user == resident


def test_homonyms_are_told_apart_by_birthplace_when_the_roll_has_it():
    contest = make_contest(roll=roll_of(
        ("Martin", "Marie Anne Josèphe", BORN, "001", "", "13055"),
        ("Martin", "Marie Anne Josèphe", BORN, "002", "", "75056"),
    ))
    assert prove(contest, marie()).roll_entry.polling_station == "002"


@pytest.mark.parametrize(("birthplaces", "identity"), [(("", ""), marie()), (("13055", "75056"), marie(birthplace=""))])
def test_homonyms_the_identity_cannot_tell_apart_are_not_guessed(birthplaces, identity):
    contest = make_contest(roll=roll_of(
        ("Martin", "Marie Anne Josèphe", BORN, "001", "", birthplaces[0]),
        ("Martin", "Marie Anne Josèphe", BORN, "002", "", birthplaces[1]),
    ))
    with pytest.raises(RollMatchFailed) as refused:
        prove(contest, identity)
    assert "Several voters on the roll share your FranceConnect identity" in str(refused.value.message)
    assert not Voter.objects.exists()


def test_all_given_names_win_over_a_homonym_listed_with_the_first_only():
    contest = make_contest(roll=roll_of(
        ("Martin", "Marie", BORN, "001", "", ""),
        ("Martin", "Marie Anne Josèphe", BORN, "002", "", ""),
    ))
    assert prove(contest, marie()).roll_entry.polling_station == "002"


def test_the_contests_polling_stations_bound_the_search():
    contest = make_contest(roll=roll_of(("Martin", "Marie Anne Josèphe", BORN, "001", "", "")), polling_stations=["002"])
    with pytest.raises(RollMatchFailed):
        prove(contest, marie())


def test_an_entry_another_account_holds_is_refused():
    contest = make_contest(roll=roll_of(("Martin", "Marie Anne Josèphe", BORN, "001", "", "")))
    prove(contest, marie(), make_user("first"))
    with pytest.raises(NotEligible):
        prove(contest, marie(), make_user("second"))
    assert Voter.objects.get().user.username == "first"


def test_the_identity_stored_at_sign_in_reaches_the_engine_through_the_hook_and_verifies_the_resident():
    resident = make_user("marie", verified=False)
    assert certified_identity(resident) is None and not is_verified_resident(resident)
    store_certified_identity(user=resident, provider="franceconnect", claims={
        "sub": "abc", "family_name": "MARTIN", "given_name": "Marie Anne Josèphe", "birthdate": "1980-07-14",
        "birthplace": "75056", "gender": "female", "preferred_username": "DUPONT",
    })
    assert certified_identity(resident) == marie()
    assert is_verified_resident(resident)  # FranceConnect certifies more than a confirmed e-mail does


def test_the_ballot_offers_the_one_button_proof_and_it_links_the_voter(client):
    roll = roll_of(("Martin", "Marie Anne Josèphe", BORN, "001", "", ""))
    contest, _secrets = sealed(make_contest(roll=roll, opens_in=-timedelta(hours=1)))
    resident = make_user("marie")
    store_certified_identity(user=resident, provider="franceconnect", claims={
        "sub": "abc", "family_name": "MARTIN", "given_name": "Marie Anne Josèphe", "birthdate": "1980-07-14"})
    client.force_login(resident)
    page = client.get(f"/vote/{contest.pk}/").content.decode()
    assert 'name="proof" value="identity"' in page
    client.post(f"/vote/{contest.pk}/inscription/", {"proof": "identity"})
    assert Voter.objects.get(contest=contest).user == resident
