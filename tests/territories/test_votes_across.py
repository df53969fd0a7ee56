"""Votes across territories: rolls with communes, votes targeting a territory, paper day per town.

The département's site issues a vote open in its towns; its roll is one départemental file or the
towns' rolls combined; a roll or a vote outside the issuer's territory is refused with a clear
message and nothing changed; a town's officers run only their town's polling stations.
"""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from territories.models import Residence, StaffGroup
from voting.exceptions import NotEligible, NotReady, RollImportError, RollMatchFailed
from voting.models import Contest, PaperResult, RollEntry, Voter, VoterRoll
from voting.services import paper, roll_matching, setup
from voting.services.by_commune import paper_by_commune, turnout_by_commune
from voting.services.roll import import_roll
from voting.services.roll_combine import combine_rolls

from ..voting.factories import make_contest, make_user, option_ids, sealed
from .factories import join

pytestmark = pytest.mark.django_db

HEADER = "Code du département;Code de la commune;Libellé de la commune;Code du bureau de vote;Nom de naissance;Prénoms;Date de naissance"


def rows(*communes, start=0):
    return [f"49;{code};Ville;0001;Nom{start + n};Prénom;0{1 + n % 9}/01/1970" for n, code in enumerate(communes)]


def upload(site, lines, header=HEADER, name="Liste départementale") -> VoterRoll:
    roll = VoterRoll.objects.create(name=name, site=site)
    roll.source_file.save("liste.csv", ContentFile("\n".join([header, *lines]).encode()), save=True)
    with translation.override("en"):
        return import_roll(roll=roll)


@pytest.fixture
def dep_site(platform):
    return join(platform.places["dep"], "departement.localhost")


def test_a_departemental_roll_lists_electors_of_its_communes_with_their_code(platform, dep_site):
    roll = upload(dep_site, rows("49050", "49050", "49092", "49023", "49301"))
    assert roll.status == VoterRoll.Status.READY, roll.errors
    assert sorted(RollEntry.objects.filter(roll=roll).values_list("commune", flat=True)) == [
        "49023", "49050", "49050", "49092", "49301"]


@pytest.mark.parametrize("column", ["Code commune", "DEPCOM", "code_commune_ref", "Code INSEE", "CODGEO"])
def test_the_commune_column_is_read_as_insee_and_reu_files_name_it(dep_site, column):
    roll = upload(dep_site, ["49050;0001;Nom;Prénom;01/01/1970"],
                  header=f"{column};Bureau de vote;Nom de naissance;Prénoms;Date de naissance")
    assert roll.status == VoterRoll.Status.READY, roll.errors
    assert RollEntry.objects.get(roll=roll).commune == "49050"


def test_a_roll_with_communes_outside_the_territory_is_refused_its_first_rows_named_nothing_imported(
        platform, dep_site):
    roll = upload(dep_site, rows("49050", "75056", "49092", "44109", "75056"))
    assert roll.status == VoterRoll.Status.FAILED
    message = roll.errors[0]["message"]
    assert "outside Maine-et-Loire" in message
    assert "line 3: 75056" in message and "line 5: 44109" in message and "line 6: 75056" in message
    assert "Nothing was imported" in message
    assert not RollEntry.objects.filter(roll=roll).exists()


def test_a_town_roll_may_omit_the_commune_but_not_name_another_town(platform):
    own = upload(platform.site_b, ["0001;Nom;Prénom;01/01/1970"], header="Bureau de vote;Nom de naissance;Prénoms;Date de naissance")
    assert own.status == VoterRoll.Status.READY and RollEntry.objects.get(roll=own).commune == ""
    other = upload(platform.site_b, rows("49092"))
    assert other.status == VoterRoll.Status.FAILED and "outside Brissac-Loire" in other.errors[0]["message"]


def test_a_departemental_roll_needs_every_electors_commune(dep_site):
    roll = upload(dep_site, ["0001;Nom;Prénom;01/01/1970"], header="Bureau de vote;Nom de naissance;Prénoms;Date de naissance")
    assert roll.status == VoterRoll.Status.FAILED and "line 2: no commune" in roll.errors[0]["message"]


def test_a_commune_code_a_spreadsheet_damaged_is_a_row_error(dep_site):
    roll = upload(dep_site, ["49;9050;Ville;0001;Nom;Prénom;01/01/1970"])
    assert roll.status == VoterRoll.Status.FAILED
    assert roll.errors[0]["line"] == 2 and "not an INSEE commune code" in roll.errors[0]["message"]


# -- combining the towns' rolls --------------------------------------------------------------------

TOWN_HEADER = "Bureau de vote;Nom de naissance;Prénoms;Date de naissance"


def test_towns_rolls_combine_into_one_roll_of_their_communes(platform, dep_site):
    aubin = upload(platform.site_a, ["0001;Martin;Paul;01/01/1970", "0002;Durand;Anne;02/02/1972"], TOWN_HEADER, "Aubin")
    brissac = upload(platform.site_b, ["0001;Petit;Luc;03/03/1973"], TOWN_HEADER, "Brissac")
    combined = combine_rolls(sources=[aubin, brissac], name="Départementale", site=dep_site)
    assert combined.status == VoterRoll.Status.READY and combined.rows_total == 3 and combined.site == dep_site
    assert sorted(RollEntry.objects.filter(roll=combined).values_list("commune", "family_name")) == [
        ("49050", "Petit"), ("49301", "Durand"), ("49301", "Martin")]
    # The sources are unchanged; the fingerprint is that of the same electors imported from one file.
    assert RollEntry.objects.filter(roll=aubin).count() == 2
    same = upload(dep_site, ["49301;0001;Martin;Paul;01/01/1970", "49301;0002;Durand;Anne;02/02/1972",
                             "49050;0001;Petit;Luc;03/03/1973"], f"Code commune;{TOWN_HEADER}")
    assert combined.roll_hash == same.roll_hash


def test_combining_outside_ones_territory_is_refused_and_nothing_is_made(platform):
    aubin = upload(platform.site_a, ["0001;Martin;Paul;01/01/1970"], TOWN_HEADER, "Aubin")
    brissac = upload(platform.site_b, ["0001;Petit;Luc;03/03/1973"], TOWN_HEADER, "Brissac")
    before = VoterRoll.objects.count(), RollEntry.objects.count()
    with translation.override("en"), pytest.raises(RollImportError) as refused:
        combine_rolls(sources=[aubin, brissac], name="Brissac + Aubin", site=platform.site_b)
    assert "outside Brissac-Loire" in str(refused.value.message) and "49301" in str(refused.value.message)
    assert (VoterRoll.objects.count(), RollEntry.objects.count()) == before


def test_the_combine_page_makes_the_roll_on_the_officers_site(platform, dep_site, client):
    aubin = upload(platform.site_a, ["0001;Martin;Paul;01/01/1970"], TOWN_HEADER, "Aubin")
    brissac = upload(platform.site_b, ["0001;Petit;Luc;03/03/1973"], TOWN_HEADER, "Brissac")
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.org", "x"))
    client.defaults["HTTP_HOST"] = "departement.localhost"
    assert "Regrouper des listes" in client.get("/admin/votes/rolls/").content.decode()  # the admin speaks French
    response = client.post("/admin/votes/rolls/combine/", {"name": "Maine-et-Loire", "rolls": [aubin.pk, brissac.pk]})
    combined = VoterRoll.objects.get(name="Maine-et-Loire")
    assert response.status_code == 302 and combined.site == dep_site and combined.rows_total == 2


# -- a vote targeting a territory ------------------------------------------------------------------

def test_a_vote_targets_its_issuers_territory_or_a_part_never_outside(platform, dep_site):
    loire_site = join(platform.places["loire"], "loire.localhost")
    roll = upload(loire_site, rows("49050", "49301"))
    contest = make_contest(roll=roll, site=loire_site)
    setup.check_ready_to_seal(contest)  # the intercommunality's own territory
    Contest.objects.filter(pk=contest.pk).update(area="200060127")  # Mauges, the other intercommunality
    contest.refresh_from_db()
    with translation.override("en"), pytest.raises(NotReady) as refused:
        setup.check_ready_to_seal(contest)
    assert "Loire Métropole can hold a vote only within its territory: Mauges Communauté is outside it" in str(
        refused.value.message)


def test_a_vote_for_part_of_the_territory_needs_a_roll_of_that_part(platform, dep_site):
    roll = upload(dep_site, rows("49050", "49092"))
    contest = make_contest(roll=roll, site=dep_site, area="244900015")  # Loire, but 49092 is in Mauges
    with translation.override("en"), pytest.raises(NotReady) as refused:
        setup.check_ready_to_seal(contest)
    assert "lists electors outside Loire Métropole (communes 49092)" in str(refused.value.message)
    Contest.objects.filter(pk=contest.pk).update(area="49")
    contest.refresh_from_db()
    setup.check_ready_to_seal(contest)


def test_the_contest_form_refuses_a_territory_outside_and_saves_nothing(platform, client):
    from ..voting.test_admin_contests import contest_form

    client.force_login(platform.staff_of_a())
    client.defaults["HTTP_HOST"] = "saint-aubin.localhost"
    trustees = [("Mairie", make_user("mairie")), ("Opposition", make_user("opposition"))]
    form = contest_form(roll=None, trustees=trustees, eligibility="residents", polling_stations="", area="49092")
    response = client.post("/admin/votes/contests/new/", form)
    assert response.status_code == 200 and "en est en dehors" in response.content.decode()  # the admin speaks French
    assert not Contest.objects.filter(title="Place du marché").exists()


# -- paper day across towns ------------------------------------------------------------------------

@pytest.fixture
def dep_vote(platform, dep_site):
    roll = upload(dep_site, rows("49050", "49050", "49301", "49301", "49301"))
    contest, _secrets = sealed(make_contest(roll=roll, site=dep_site))
    now = timezone.now()  # closed: paper day
    Contest.objects.filter(pk=contest.pk).update(opens_at=now - timedelta(days=2), closes_at=now - timedelta(minutes=1),
                                                 proclaims_at=now + timedelta(days=1))
    contest.refresh_from_db()
    return contest


def officer_of(territory, username):
    user = get_user_model().objects.create_user(username=username, email=f"{username}@example.org", password="x")
    user.groups.add(territory.staff_groups.get(role=StaffGroup.Role.OFFICER).group)
    return user


def test_stations_are_keyed_by_commune_and_a_towns_officers_record_only_theirs(platform, dep_vote):
    assert paper.stations(dep_vote) == ["49050-0001", "49301-0001"]
    aubin_officer = officer_of(platform.a, "officier-aubin")
    assert paper.officer_communes(aubin_officer, dep_vote) == {"49301"}
    ids = list(option_ids(dep_vote).values())
    paper.record_paper_result(contest=dep_vote, station="49301-0001", counts={ids[0]: 2}, blank=1, invalid=0,
                              actor=aubin_officer)
    with translation.override("en"), pytest.raises(NotEligible):
        paper.record_paper_result(contest=dep_vote, station="49050-0001", counts={ids[0]: 1}, blank=0, invalid=0,
                                  actor=aubin_officer)
    brissac_entry = RollEntry.objects.filter(roll=dep_vote.roll, commune="49050").first()
    with pytest.raises(NotEligible):
        paper.record_paper_voter(contest=dep_vote, roll_entry=brissac_entry, actor=aubin_officer)
    assert list(PaperResult.objects.values_list("polling_station", flat=True)) == ["49301-0001"]
    assert not Voter.objects.filter(roll_entry=brissac_entry).exists()
    assert paper_by_commune(dep_vote) == {"49301": {"counts": {str(ids[0]): 2}, "blank": 1, "invalid": 0, "stations": 1}}


def test_paper_day_pages_show_a_town_officer_their_stations_only(platform, dep_vote, client):
    client.force_login(officer_of(platform.a, "officier-aubin"))
    client.defaults["HTTP_HOST"] = "saint-aubin.localhost"
    page = client.get(f"/admin/votes/contests/paper/{dep_vote.pk}/").content.decode()
    assert "49301-0001" in page and "49050-0001" not in page
    assert client.get(f"/admin/votes/contests/paper/{dep_vote.pk}/49301-0001/").status_code == 200
    assert client.get(f"/admin/votes/contests/paper/{dep_vote.pk}/49050-0001/").status_code == 404
    assert client.get(f"/admin/votes/contests/paper/{dep_vote.pk}/49050-0001/list.csv").status_code == 404
    # The département's own officers run every station.
    client.force_login(officer_of(platform.places["dep"], "officier-dep"))
    page = client.get(f"/admin/votes/contests/paper/{dep_vote.pk}/").content.decode()
    assert "49301-0001" in page and "49050-0001" in page


def test_turnout_by_commune_counts_each_towns_voters_against_its_electorate(platform, dep_vote):
    entries = {code: list(RollEntry.objects.filter(roll=dep_vote.roll, commune=code)) for code in ("49050", "49301")}
    paper.record_paper_voter(contest=dep_vote, roll_entry=entries["49301"][0], actor=None)
    paper.record_paper_voter(contest=dep_vote, roll_entry=entries["49301"][1], actor=None)
    paper.record_paper_voter(contest=dep_vote, roll_entry=entries["49050"][0], actor=None)
    assert turnout_by_commune(dep_vote) == [
        {"commune": "49050", "electorate": 2, "online": 0, "paper": 1, "total": 1, "percent": 50.0},
        {"commune": "49301", "electorate": 3, "online": 0, "paper": 2, "total": 2, "percent": 66.7},
    ]


# -- homonyms of a départemental roll --------------------------------------------------------------

TWINS = [  # same name, birth date and station number (each small town's first), in two towns
    "49;49050;Brissac-Loire;0001;MARTIN;Marie;14/07/1950;49320",
    "49;49092;Chemillé-en-Anjou;0001;MARTIN;Marie;14/07/1950;49120",
]


@pytest.fixture
def twins_vote(dep_site):
    roll = upload(dep_site, TWINS, header=f"{HEADER};Code postal")
    assert roll.status == VoterRoll.Status.READY, roll.errors
    contest, _secrets = sealed(make_contest(roll=roll, site=dep_site))
    return contest


def prove(contest, user, place):
    with translation.override("en"):
        return roll_matching.prove_roll_membership(contest=contest, user=user, family_name="Martin",
                                                   birth_date=date(1950, 7, 14), place=place)


def test_homonyms_in_two_towns_are_told_apart_by_the_town_the_resident_lives_in(platform, twins_vote):
    marie = make_user("marie-chemille")
    Residence.objects.create(user=marie, commune=platform.places["chemille"], postcode="49120")
    assert prove(twins_vote, marie, "1").roll_entry.commune == "49092"


def test_without_an_address_homonyms_in_two_towns_are_asked_their_postcode_not_guessed(platform, twins_vote):
    marie = make_user("marie")
    with pytest.raises(RollMatchFailed) as refused:
        prove(twins_vote, marie, "1")
    assert str(refused.value.message) == ("Several voters match these details. Type the postcode printed on your "
                                          "voter card instead of the polling station number.")
    assert not Voter.objects.filter(contest=twins_vote).exists()
    assert prove(twins_vote, marie, "49320").roll_entry.commune == "49050"


def test_an_address_in_neither_town_guesses_neither(platform, twins_vote):
    elsewhere = make_user("marie-aubin")
    Residence.objects.create(user=elsewhere, commune=platform.a, postcode="49320")
    with pytest.raises(RollMatchFailed):
        prove(twins_vote, elsewhere, "1")
    assert not Voter.objects.filter(contest=twins_vote).exists()
