"""Contests in the admin: the form with options and trustees inline, its checks, frozen once sealed, the menu."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from wagtail.admin.menu import admin_menu
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from voting.models import Contest

from .factories import make_contest, make_ready_roll, make_user, sealed
from .test_admin_support import ADMIN_ACCESS, log_in, messages_of

pytestmark = pytest.mark.django_db

INDEX = "/admin/votes/contests/"
ADD = "/admin/votes/contests/new/"


def contest_form(*, roll, trustees, **overrides) -> dict:
    data = {
        "title": "Place du marché",
        "question": "Faut-il piétonniser la place du marché ?",
        "description": "",
        "rule": "single",
        "max_choices": "",
        "seats": "1",
        "envelope": "",
        "allow_blank": "on",
        "winners_rule": "greedy",
        "opens_at": "2030-03-01 08:00",
        "closes_at": "2030-03-14 20:00",
        "proclaims_at": "2030-03-15 10:00",
        "eligibility": "roll",
        "roll": str(roll.pk) if roll else "",
        "polling_stations": "001, 002",
        "threshold": "2",
        "options": inline_formset([
            {"label": "Oui", "description": "", "cost": "", "position": "0", "reference": ""},
            {"label": "Non", "description": "", "cost": "", "position": "1", "reference": ""},
        ]),
        "trustees": inline_formset([{"name": name, "user": user.email} for name, user in trustees]),
    }
    data.update(overrides)
    return nested_form_data(data)


def test_an_officer_creates_a_contest_with_its_options_and_trustees(client):
    log_in(client, ADMIN_ACCESS, "voting.add_contest", "voting.change_contest")
    roll = make_ready_roll()
    mayor, opposition = make_user("mairie"), make_user("opposition")

    response = client.post(ADD, contest_form(roll=roll, trustees=[("Mairie", mayor), ("Opposition", opposition)]))

    contest = Contest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{INDEX}manage/{contest.pk}/"
    assert [option.label for option in contest.options.all()] == ["Oui", "Non"]
    assert [(trustee.name, trustee.user) for trustee in contest.trustees.order_by("pk")] == [
        ("Mairie", mayor), ("Opposition", opposition)
    ]
    assert contest.roll == roll and contest.polling_stations == ["001", "002"] and not contest.is_sealed


def test_the_contests_rules_show_on_their_fields_and_nothing_is_saved(client):
    log_in(client, superuser=True)
    response = client.post(ADD, contest_form(
        roll=None, trustees=[("Mairie", make_user("mairie"))],
        rule="approval", closes_at="2030-02-01 08:00", proclaims_at="2030-02-02 08:00",
    ))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"closes_at", "max_choices", "roll"} <= errors.keys()
    assert "The vote must close after it opens." in errors["closes_at"]
    assert not Contest.objects.exists()


def test_a_draft_contest_is_edited_then_its_manage_page_shows(client):
    log_in(client, ADMIN_ACCESS, "voting.change_contest")
    contest = make_contest(trustees=0)
    form = contest_form(roll=None, trustees=[], eligibility="residents", title="Nouveau titre", polling_stations="")
    form.update({"options-TOTAL_FORMS": "0"})

    response = client.post(f"{INDEX}edit/{contest.pk}/", form)

    assert response.status_code == 302 and response["Location"] == f"{INDEX}manage/{contest.pk}/"
    assert Contest.objects.get(pk=contest.pk).title == "Nouveau titre"


def test_a_sealed_contest_cannot_be_edited_nor_deleted(client):
    log_in(client, superuser=True)
    contest, _shares = sealed(make_contest())
    manage = f"{INDEX}manage/{contest.pk}/"

    shown = client.get(f"{INDEX}edit/{contest.pk}/", follow=True)
    posted = client.post(
        f"{INDEX}edit/{contest.pk}/",
        contest_form(roll=None, trustees=[], eligibility="residents", title="Changé"),
        follow=True,
    )
    deleted = client.post(f"{INDEX}delete/{contest.pk}/", follow=True)

    for response in (shown, posted, deleted):
        assert response.redirect_chain[-1][0] == manage
        assert any("This vote is sealed" in message for message in messages_of(response))
    contest.refresh_from_db()
    assert contest.title == "Consultation" and contest.is_sealed and contest.options.count() == 2


def test_the_winners_rule_of_a_sealed_contest_cannot_change(client):
    log_in(client, superuser=True)
    contest, _shares = sealed(make_contest(rule=Contest.Rule.APPROVAL, max_choices=2, envelope=5_000,
                                           options=[("Parc", 2_000), ("Bancs", 1_000)]))
    posted = client.post(
        f"{INDEX}edit/{contest.pk}/",
        contest_form(roll=None, trustees=[], eligibility="residents", rule="approval", max_choices="2",
                     envelope="5000", winners_rule="equal-shares"),
        follow=True,
    )
    assert any("This vote is sealed" in message for message in messages_of(posted))
    contest.refresh_from_db()
    assert contest.winners_rule == "greedy" and contest.manifest["winners_rule"] == "greedy"


def test_equal_shares_needs_a_vote_on_projects_with_an_envelope(client):
    log_in(client, superuser=True)
    response = client.post(ADD, contest_form(roll=None, trustees=[("Mairie", make_user("mairie"))],
                                             eligibility="residents", winners_rule="equal-shares"))
    assert response.status_code == 200
    assert "needs a vote on projects" in str(response.context["form"].errors["winners_rule"])
    response = client.post(ADD, contest_form(roll=None, trustees=[("Mairie", make_user("mairie2"))],
                                             eligibility="residents", rule="approval", max_choices="2",
                                             winners_rule="equal-shares"))
    assert "envelope" in response.context["form"].errors
    assert not Contest.objects.exists()


def test_the_listing_shows_each_contests_phase_and_ballots(client):
    log_in(client, ADMIN_ACCESS, "voting.change_contest")
    make_contest(title="Brouillon")
    sealed(make_contest(title="Scellé"))

    html = client.get(INDEX).content.decode()

    assert "Brouillon" in html and "in preparation" in html
    assert "Scellé" in html and "upcoming" in html
    assert "Online ballots" in html


def menu_names(user) -> set[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return {item.name for item in admin_menu.menu_items_for_request(request)}


def test_residents_and_staff_without_voting_permissions_are_kept_out(client):
    communications = log_in(client, ADMIN_ACCESS, username="communication")

    refused = client.get(INDEX)

    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert "votes" not in menu_names(communications)
    assert "votes" in menu_names(log_in(client, ADMIN_ACCESS, "voting.view_contest", username="observer"))

    client.logout()
    assert client.get(INDEX)["Location"].startswith("/admin/login/")
    client.force_login(make_user("resident"))
    assert client.get(INDEX)["Location"].startswith("/admin/login/")
    assert "votes" not in menu_names(AnonymousUser())
