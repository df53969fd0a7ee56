"""A contest's manage page: its buttons call the services, each behind its own permission."""

from datetime import timedelta

import pytest

from voting import tasks
from voting.models import Contest, Result, Trustee
from voting.phases import Phase, contest_phase
from voting.services import ceremony
from voting.trustee import steps
from voting.trustee.keyfile import open_key_file

from .factories import close, decrypt, make_contest, make_ready_roll, make_user, open_contest, sealed
from .test_admin_support import ADMIN_ACCESS, log_in, messages_of

pytestmark = pytest.mark.django_db


def manage_url(contest, action=""):
    return f"/admin/votes/contests/manage/{contest.pk}/" + (f"{action}/" if action else "")


def phase_of(contest):
    return contest_phase(Contest.objects.get(pk=contest.pk))


def bring_shares(contest, secrets, how_many=2):
    """After the close, the first ``how_many`` trustees decrypt the totals on their devices."""
    decrypt(contest, secrets, indices=list(range(1, how_many + 1)))


def officer(client):
    return log_in(client, ADMIN_ACCESS, "voting.view_contest", "voting.seal_contest", "voting.count_contest")


def test_starting_the_ceremony_freezes_the_contest_and_shows_what_the_seal_waits_for(client):
    officer(client)
    contest = make_contest(roll=make_ready_roll())

    response = client.post(manage_url(contest, "seal"), follow=True)

    contest.refresh_from_db()
    assert contest.is_frozen and not contest.is_sealed
    assert messages_of(response) == [
        "The key ceremony has started. Each trustee has been asked to make their part of the key."]
    html = response.content.decode()
    assert "Waiting for Garant 0, Garant 1, Garant 2 to make their keys." in html
    assert html.count("not yet") == 3 * 4  # keys, polynomial, check, decryption for each trustee
    assert f'action="{manage_url(contest, "restart_ceremony")}"' in html
    assert f'action="{manage_url(contest, "seal")}"' not in html


def test_the_trustees_table_follows_the_ceremony_step_by_step_until_the_seal(client):
    officer(client)
    contest = ceremony.start_key_ceremony(contest=make_contest())
    trustees = list(Trustee.objects.filter(contest=contest).order_by("index"))
    secrets = {}
    for trustee in trustees:
        key_file, answer = steps.new_keys(ceremony.ceremony_task(trustee=trustee), "a long passphrase", iterations=1_000)
        secrets[trustee.index] = open_key_file(key_file, "a long passphrase")
        ceremony.submit_ceremony_answer(trustee=trustee, user=trustee.user, answer=answer)
    first = trustees[0]
    first.refresh_from_db()
    ceremony.submit_ceremony_answer(trustee=first, user=first.user,
                                    answer=steps.answer(ceremony.ceremony_task(trustee=first), secrets[1]))

    html = client.get(manage_url(contest)).content.decode()

    assert "Waiting for Garant 1, Garant 2 to make their polynomial." in html
    assert html.count("<td>done</td>") == 3 + 1  # three key sets, one polynomial
    assert "Totals decrypted by" not in html  # not before the seal

    for step in ("polynomial", "check"):
        for trustee in trustees:
            trustee.refresh_from_db()
            task = ceremony.ceremony_task(trustee=trustee)
            if task is not None:
                ceremony.submit_ceremony_answer(trustee=trustee, user=trustee.user,
                                                answer=steps.answer(task, secrets[trustee.index]))
    html = client.get(manage_url(contest)).content.decode()
    assert "The key ceremony is done: the vote is sealed with its key." in html
    assert "Waiting for" not in html
    assert html.count("<td>done</td>") == 3 * 3
    assert "Totals decrypted by 0 trustees, of the 2 needed to count." in html
    assert Contest.objects.get(pk=contest.pk).manifest_hash in html


def test_a_complaint_that_holds_names_the_faulty_trustee_and_offers_a_restart(client):
    officer(client)
    contest = ceremony.start_key_ceremony(contest=make_contest())
    Contest.objects.filter(pk=contest.pk).update(ceremony_failure={"accused": 2, "by": 1, "complaint": {}})

    html = client.get(manage_url(contest)).content.decode()

    assert ("Garant 1 sent a wrong share (a complaint proved it): start the ceremony again, or cancel it to "
            "replace this trustee first.") in html
    assert f'action="{manage_url(contest, "restart_ceremony")}"' in html
    assert f'action="{manage_url(contest, "cancel_ceremony")}"' in html


def test_sealing_an_incomplete_contest_says_what_is_missing(client):
    officer(client)
    contest = make_contest(trustees=0)

    response = client.post(manage_url(contest, "seal"), follow=True)

    assert not Contest.objects.get(pk=contest.pk).is_frozen
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
    assert messages_of(response) == ["2 trustees must decrypt the totals before counting."]


def test_the_page_shows_the_trustees_decryptions_and_offers_the_next_step_only(client):
    officer(client)
    contest, secrets = open_contest()
    close(contest)
    bring_shares(contest, secrets, how_many=1)

    html = client.get(manage_url(contest)).content.decode()

    assert "Totals decrypted by 1 trustees, of the 2 needed to count." in html
    assert html.count("not yet") == 2 and html.count("<td>done</td>") == 3 * 3 + 1
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
