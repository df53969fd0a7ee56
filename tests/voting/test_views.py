"""Residents' and trustees' HTTP journeys through the voting views (Django test client)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from voting.models import Ballot, Participation, Trustee
from voting.services.casting import cast_vote

from .factories import close, make_ready_roll, make_user, open_contest, option_ids, share_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(client):
    user = make_user("amina")
    client.force_login(user)
    return user


def test_confirm_then_cast_gives_a_receipt(client, resident):
    contest, _ = open_contest()
    oui = option_ids(contest)["Oui"]
    confirm = client.post(reverse("voting:confirm", args=[contest.pk]), {"choice": str(oui), "next": "/consultation/"})
    assert confirm.status_code == 200 and "Oui" in confirm.content.decode()
    assert Ballot.objects.count() == 0  # nothing is cast before the confirmation

    response = client.post(reverse("voting:cast", args=[contest.pk]), {"choice": str(oui), "next": "/consultation/"})
    ballot = Ballot.objects.get()
    assert response.status_code == 302 and ballot.tracker in response["Location"]
    page = client.get(response["Location"])
    assert ballot.tracker in page.content.decode()
    download = client.get(response["Location"], {"download": 1})
    assert download["Content-Disposition"].startswith("attachment") and ballot.tracker in download.content.decode()


def test_blank_vote_through_the_form(client, resident):
    contest, _ = open_contest()
    client.post(reverse("voting:cast", args=[contest.pk]), {"choice": "blank"})
    assert Ballot.objects.count() == 1


def test_second_vote_and_forged_choice_get_a_message_and_change_nothing(client, resident):
    contest, _ = open_contest()
    ids = option_ids(contest)
    client.post(reverse("voting:cast", args=[contest.pk]), {"choice": str(ids["Oui"])})
    again = client.post(reverse("voting:cast", args=[contest.pk]), {"choice": str(ids["Non"]), "next": "/p/"}, follow=True)
    assert "déjà voté" in again.content.decode()
    forged = client.post(reverse("voting:cast", args=[contest.pk]), {"choice": "999999"}, follow=True)
    assert forged.status_code == 200
    assert Ballot.objects.count() == 1 and Participation.objects.count() == 1


def test_next_cannot_send_voters_to_another_site(client, resident):
    contest, _ = open_contest()
    response = client.post(reverse("voting:cast", args=[contest.pk]), {"choice": "blank", "next": "https://evil.example/"})
    assert "evil.example" not in response["Location"]


def test_anonymous_visitors_are_sent_to_log_in_and_csrf_is_enforced(client):
    contest, _ = open_contest()
    response = client.post(reverse("voting:cast", args=[contest.pk]), {"choice": "blank"})
    assert response.status_code == 302 and "next=" in response["Location"] and Ballot.objects.count() == 0
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("csrf"))
    assert strict.post(reverse("voting:cast", args=[contest.pk]), {"choice": "blank"}).status_code == 403
    assert Ballot.objects.count() == 0


def test_roll_proof_form_then_vote(client, resident):
    contest, _ = open_contest(roll=make_ready_roll())
    page = client.get(reverse("voting:contest", args=[contest.pk])).content.decode()
    assert "électorale" in page  # the roll step is offered first
    prefix = f"roll{contest.pk}"
    client.post(reverse("voting:prove_roll", args=[contest.pk]), {
        f"{prefix}-family_name": "DUPONT", f"{prefix}-birth_date": "1980-07-14", f"{prefix}-place": "49000",
    })
    page = client.get(reverse("voting:contest", args=[contest.pk])).content.decode()
    assert 'name="choice"' in page


def test_receipt_check_page(client):
    contest, _ = open_contest()
    tracker = cast_vote(contest=contest, user=make_user("v"), option_ids=[])
    found = client.get(reverse("voting:check_receipt", args=[contest.pk]), {"tracker": tracker.upper()})
    assert found.context["found"] is True
    missing = client.get(reverse("voting:check_receipt", args=[contest.pk]), {"tracker": "a" * 64})
    assert missing.context["found"] is False
    assert client.get(reverse("voting:receipt", args=[contest.pk, "b" * 64])).status_code == 404


def test_record_is_published_only_after_the_proclamation(client):
    from voting.services import counting
    from voting.verify import verify_record

    contest, shares = open_contest()
    cast_vote(contest=contest, user=make_user("v1"), option_ids=[option_ids(contest)["Oui"]])
    url = reverse("voting:record", args=[contest.pk])
    assert client.get(url).status_code == 404
    close(contest)
    for trustee, share in zip(Trustee.objects.filter(contest=contest).order_by("index"), shares, strict=True):
        counting.submit_share(trustee=trustee, user=trustee.user, share_document=share_file(share))
    counting.count_contest(contest=contest)
    assert client.get(url).status_code == 404  # counted but still sealed
    counting.proclaim(contest=contest, actor=make_user("officer"))
    record = json.loads(client.get(url).content)
    assert verify_record(record).ok


def test_trustee_downloads_once_and_brings_the_share_back(client):
    contest, _ = open_contest()
    from voting.services import setup

    # A fresh contest whose shares are still waiting.
    from .factories import make_contest

    waiting = setup.seal_contest(contest=make_contest())
    trustee = Trustee.objects.filter(contest=waiting).order_by("index").first()
    client.force_login(trustee.user)
    first = client.post(reverse("voting:download_share", args=[trustee.pk]))
    assert first.status_code == 200 and json.loads(first.content)["trustee"] == trustee.index
    second = client.post(reverse("voting:download_share", args=[trustee.pk]), follow=True)
    assert "déjà été téléchargée" in second.content.decode()

    other = make_user("other")
    client.force_login(other)
    assert client.post(reverse("voting:download_share", args=[trustee.pk])).status_code == 404


def test_the_last_needed_share_starts_the_count_task(client, django_capture_on_commit_callbacks):
    from voting.models import Result

    contest, shares = open_contest()
    cast_vote(contest=contest, user=make_user("v1"), option_ids=[option_ids(contest)["Non"]])
    close(contest)
    first, second, _third = Trustee.objects.filter(contest=contest).order_by("index")
    for trustee, share in ((first, shares[0]), (second, shares[1])):
        client.force_login(trustee.user)
        upload = SimpleUploadedFile("share.json", share_file(share), content_type="application/json")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("voting:upload_share", args=[trustee.pk]), {"share_file": upload})
    result = Result.objects.get(contest=contest)
    assert result.online_counts[str(option_ids(contest)["Non"])] == 1 and result.proclaimed_at is None
