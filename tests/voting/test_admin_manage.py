"""A contest's manage page: its buttons call the services, each behind its own permission."""

from datetime import timedelta

import pytest

from voting import tasks
from voting.models import Contest, Result, Trustee
from voting.phases import Phase, contest_phase
from voting.services import counting

from .factories import close, make_contest, make_ready_roll, make_user, open_contest, sealed, share_file
from .test_admin_support import ADMIN_ACCESS, log_in, messages_of

pytestmark = pytest.mark.django_db


def manage_url(contest, action=""):
    return f"/admin/votes/contests/manage/{contest.pk}/" + (f"{action}/" if action else "")


def phase_of(contest):
    return contest_phase(Contest.objects.get(pk=contest.pk))


def bring_shares(contest, shares, how_many=2):
    for trustee, share in list(zip(Trustee.objects.filter(contest=contest).order_by("index"), shares))[:how_many]:
        counting.submit_share(trustee=trustee, user=trustee.user, share_document=share_file(share))


def officer(client):
    return log_in(client, ADMIN_ACCESS, "voting.view_contest", "voting.seal_contest", "voting.count_contest")


def test_sealing_freezes_the_contest_and_shows_its_manifest_hash(client):
    officer(client)
    contest = make_contest(roll=make_ready_roll())

    response = client.post(manage_url(contest, "seal"), follow=True)

    contest.refresh_from_db()
    assert contest.is_sealed
    assert contest.manifest_hash in response.content.decode()
    assert "The vote is sealed" in messages_of(response)[0]


def test_sealing_an_incomplete_contest_says_what_is_missing(client):
    officer(client)
    contest = make_contest(trustees=0)

    response = client.post(manage_url(contest, "seal"), follow=True)

    assert not Contest.objects.get(pk=contest.pk).is_sealed
    assert "name the trustees" in messages_of(response)[0]


def test_open_now_then_close_now_move_the_dates(client):
    officer(client)
    contest, _shares = sealed(make_contest(opens_in=timedelta(days=2)))
    assert phase_of(contest) is Phase.SCHEDULED

    client.post(manage_url(contest, "open"))
    assert phase_of(contest) is Phase.OPEN

    client.post(manage_url(contest, "close"))
    assert phase_of(contest) is Phase.CLOSED


def test_count_queues_the_task_and_proclaim_publishes(client, monkeypatch):
    user = officer(client)
    contest, shares = open_contest()
    close(contest)
    bring_shares(contest, shares)
    queued = []
    count_now = tasks.count_contest.delay
    monkeypatch.setattr(tasks.count_contest, "delay", lambda pk: queued.append(pk) or count_now(pk))

    counted = client.post(manage_url(contest, "count"), follow=True)
    assert queued == [contest.pk] and phase_of(contest) is Phase.COUNTED
    assert "Results" in counted.content.decode()

    proclaimed = client.post(manage_url(contest, "proclaim"), follow=True)
    result = Result.objects.get(contest=contest)
    assert phase_of(contest) is Phase.PROCLAIMED and result.proclaimed_by == user
    assert f'href="/vote/{contest.pk}/record.json"' in proclaimed.content.decode()


def test_counting_without_enough_shares_is_refused_with_the_reason(client):
    officer(client)
    contest, shares = open_contest()
    close(contest)
    bring_shares(contest, shares, how_many=1)

    response = client.post(manage_url(contest, "count"), follow=True)

    assert not Result.objects.exists()
    assert messages_of(response) == ["2 trustees must bring their key share before counting."]


def test_the_page_shows_the_trustees_shares_and_offers_the_next_step_only(client):
    officer(client)
    contest, shares = open_contest()
    close(contest)
    bring_shares(contest, shares, how_many=1)

    html = client.get(manage_url(contest)).content.decode()

    assert "Key shares brought back: 1, of the 2 needed to count." in html
    assert html.count("not yet") == 2 and "brought" in html  # partial decryptions: 1 of 3
    assert f'action="{manage_url(contest, "count")}"' in html
    assert f'action="{manage_url(contest, "seal")}"' not in html


@pytest.mark.parametrize(("permissions", "action"), [
    (["voting.count_contest"], "seal"),
    (["voting.record_paper"], "close"),
    (["voting.seal_contest"], "count"),
])
def test_each_button_needs_its_own_permission(client, permissions, action):
    log_in(client, ADMIN_ACCESS, *permissions)
    contest, shares = open_contest()
    if action == "count":
        close(contest)
        bring_shares(contest, shares)
    before = phase_of(contest)

    response = client.post(manage_url(contest, action))

    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert phase_of(contest) is before
    assert f'action="{manage_url(contest, action)}"' not in client.get(manage_url(contest)).content.decode()


def test_staff_without_voting_permissions_and_residents_cannot_see_the_page(client):
    contest = make_contest()
    log_in(client, ADMIN_ACCESS, username="communication")
    assert client.get(manage_url(contest))["Location"] == "/admin/"
    client.force_login(make_user("resident"))
    assert client.get(manage_url(contest))["Location"].startswith("/admin/login/")
