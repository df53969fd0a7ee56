"""Voting-code letters in the admin: printing with progress, downloads logged, reissue, revoke, permission."""

import pytest

from voting.models import LetterRun, RollEntry, VotingCode

from .factories import make_ready_roll, open_contest
from .test_admin_support import ADMIN_ACCESS, log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest():
    contest, _secrets = open_contest(roll=make_ready_roll())
    return contest


def url(contest, rest=""):
    return f"/admin/votes/contests/letters/{contest.pk}/{rest}"


def test_an_officer_prints_the_letters_follows_them_and_downloads_a_file(client, contest, django_capture_on_commit_callbacks):
    officer = log_in(client, ADMIN_ACCESS, "voting.mail_codes")
    manage = client.get(f"/admin/votes/contests/manage/{contest.pk}/")
    assert url(contest).encode() in manage.content
    with django_capture_on_commit_callbacks(execute=True):  # the task runs eagerly once the order commits
        client.post(url(contest, "print/"))
    run = LetterRun.objects.get(contest=contest)
    assert run.status == LetterRun.Status.DONE and run.done == 3 and run.created_by == officer
    page = client.get(url(contest)).content.decode()
    assert 'value="3"' in page and "3 of 3" in page
    response = client.get(url(contest, f"run/{run.pk}/1.pdf"))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert contest.audit_events.filter(action="letters_downloaded", actor=officer).exists()
    client.post(url(contest, f"run/{run.pk}/delete/"))
    run.refresh_from_db()
    assert run.files == [] and client.get(url(contest, f"run/{run.pk}/1.pdf")).status_code == 302


def test_an_officer_reissues_and_revokes_one_electors_code(client, contest, django_capture_on_commit_callbacks):
    log_in(client, ADMIN_ACCESS, "voting.mail_codes")
    martin = RollEntry.objects.get(family_name="Martin")
    assert b"Martin" in client.get(url(contest), {"family_name": "mart"}).content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(contest, f"reissue/{martin.pk}/"))
    first = VotingCode.objects.get(roll_entry=martin, revoked_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(contest, f"reissue/{martin.pk}/"))
    first.refresh_from_db()
    assert first.revoked_at is not None and VotingCode.objects.filter(roll_entry=martin, revoked_at=None).count() == 1
    client.post(url(contest, f"revoke/{martin.pk}/"))
    assert not VotingCode.objects.filter(roll_entry=martin, revoked_at=None).exists()


def test_letters_need_their_permission(client, contest):
    log_in(client, ADMIN_ACCESS, "voting.record_paper", "voting.seal_contest")
    assert client.get(url(contest)).status_code in (302, 403)
    client.post(url(contest, "print/"))
    assert not LetterRun.objects.exists() and not VotingCode.objects.exists()
