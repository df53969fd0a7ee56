"""Paper day in the admin: station lists marking online voters, paper voters once, stations' counts."""

from datetime import date

import pytest

from voting.models import PaperResult, Participation, RollEntry
from voting.services.roll import prove_roll_membership

from .factories import close, make_contest, make_ready_roll, make_user, open_contest, option_ids, vote
from .test_admin_support import ADMIN_ACCESS, log_in, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest():
    """Closed; Marie Dupont (station 001) voted online, Jean Lefèvre (001) and Paul Martin (002) did not."""
    contest, _secrets = open_contest(roll=make_ready_roll())
    marie = make_user("marie")
    prove_roll_membership(contest=contest, user=marie, family_name="Dupont", birth_date=date(1980, 7, 14), place="001")
    vote(contest, marie, [option_ids(contest)["Oui"]])
    return close(contest)


@pytest.fixture
def officer(client):
    return log_in(client, ADMIN_ACCESS, "voting.record_paper")


def paper_url(contest, rest=""):
    return f"/admin/votes/contests/paper/{contest.pk}/{rest}"


def test_paper_day_lists_the_rolls_polling_stations(client, officer, contest):
    html = client.get(paper_url(contest)).content.decode()
    assert paper_url(contest, "001/") in html and paper_url(contest, "002/") in html


def test_the_printable_list_and_its_csv_mark_who_voted_online(client, officer, contest):
    html = client.get(paper_url(contest, "001/list/")).content.decode()
    export = client.get(paper_url(contest, "001/list.csv"))
    rows = export.content.decode("utf-8-sig").splitlines()

    assert "@media print" in html
    marie_row = html[html.index("Dupont"):html.index("Lefèvre")]
    assert "VOTED ONLINE" in marie_row and "VOTED ONLINE" not in html[html.index("Lefèvre"):]
    assert export["Content-Type"].startswith("text/csv")
    assert rows == [
        "Family name;Given names;Birth date;Voted online",
        "Dupont;Marie;07/14/1980;yes",
        "Lefèvre;Jean;01/02/1975;",
    ]


def test_an_officer_finds_a_voter_by_family_name_and_records_them_once(client, officer, contest):
    jean = RollEntry.objects.get(family_name="Lefèvre")
    found = client.get(paper_url(contest, "001/"), {"family_name": "lefe"}).content.decode()
    assert "Lefèvre" in found and "Dupont" not in found
    assert f'action="{paper_url(contest, f"voter/{jean.pk}/")}"' in found

    first = client.post(paper_url(contest, f"voter/{jean.pk}/"), {"family_name": "lefe"}, follow=True)
    second = client.post(paper_url(contest, f"voter/{jean.pk}/"), {"family_name": "lefe"}, follow=True)

    assert first.redirect_chain[-1][0] == paper_url(contest, "001/?family_name=lefe")
    assert messages_of(first) == ["Lefèvre Jean is recorded as having voted on paper."]
    assert messages_of(second) == ["This person has already voted (paper)."]
    assert Participation.objects.filter(contest=contest, channel="paper").count() == 1
    assert "voted on paper" in second.content.decode()


def test_someone_who_voted_online_cannot_be_recorded_on_paper(client, officer, contest):
    marie = RollEntry.objects.get(family_name="Dupont")
    found = client.get(paper_url(contest, "001/"), {"family_name": "dupont"}).content.decode()
    assert "voted online" in found and f"voter/{marie.pk}/" not in found

    refused = client.post(paper_url(contest, f"voter/{marie.pk}/"), follow=True)

    assert messages_of(refused) == ["This person has already voted (online)."]
    assert not Participation.objects.filter(channel="paper").exists()


def station_count(contest, oui, non, blank=0, invalid=0):
    ids = option_ids(contest)
    return {f"option_{ids['Oui']}": oui, f"option_{ids['Non']}": non, "blank": blank, "invalid": invalid}


def test_a_stations_count_is_saved(client, officer, contest):
    response = client.post(paper_url(contest, "001/"), station_count(contest, oui=0, non=1), follow=True)

    result = PaperResult.objects.get(contest=contest)
    assert (result.polling_station, result.counts, result.recorded_by) == (
        "001", {str(option_ids(contest)["Non"]): 1, str(option_ids(contest)["Oui"]): 0}, officer
    )
    assert messages_of(response) == ["The count of polling station 001 is saved."]


@pytest.mark.parametrize(("count", "error"), [
    ({"oui": 1, "non": 1}, "2 ballots is more than the 1 voters of this station who did not vote online."),
    ({"oui": -1, "non": 0}, "Ensure this value is greater than or equal to 0."),
])
def test_a_wrong_count_is_shown_on_the_form_and_nothing_is_saved(client, officer, contest, count, error):
    response = client.post(paper_url(contest, "001/"), station_count(contest, **count))

    assert response.status_code == 200 and error in response.content.decode()
    assert not PaperResult.objects.exists()


def test_paper_day_needs_its_permission_and_a_sealed_contest_with_a_roll(client, contest):
    log_in(client, ADMIN_ACCESS, "voting.seal_contest", "voting.count_contest")
    assert client.get(paper_url(contest))["Location"] == "/admin/"
    jean = RollEntry.objects.get(family_name="Lefèvre")
    client.post(paper_url(contest, f"voter/{jean.pk}/"))
    assert not Participation.objects.filter(channel="paper").exists()

    log_in(client, ADMIN_ACCESS, "voting.record_paper", username="clerk")
    assert client.get(paper_url(make_contest(roll=make_ready_roll()))).status_code == 404
    assert client.get(paper_url(contest, "999/")).status_code == 404
