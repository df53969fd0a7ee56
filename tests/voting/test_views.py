"""Residents' and trustees' HTTP journeys through the voting views (Django test client)."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from voting.crypto.group import scalar_to_hex
from voting.models import Ballot, Contest, Participation, Trustee
from voting.services import ceremony
from voting.trustee import steps
from voting.trustee.keyfile import open_key_file
from voting.voter import encrypt_choice

from .factories import close, decrypt, make_contest, make_ready_roll, make_user, open_contest, option_ids, vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(client):
    user = make_user("amina")
    client.force_login(user)
    return user


def encrypted(contest, *labels):
    """A ballot as the resident's device makes it: (canonical JSON, tracker, choices, hex nonces)."""
    ids = option_ids(contest)
    ballot, choices, nonces = encrypt_choice(contest.manifest, contest.manifest_hash, contest.public_key,
                                             [ids[label] for label in labels])
    return ballot.to_json(), ballot.hash, choices, [scalar_to_hex(n) for n in nonces]


def test_an_encrypted_ballot_is_cast_and_gives_its_receipt(client, resident):
    contest, _ = open_contest()
    payload, tracker, _choices, _nonces = encrypted(contest, "Oui")

    response = client.post(reverse("voting:cast", args=[contest.pk]),
                           {"ballot": payload, "tracker": tracker, "next": "/consultation/"})

    ballot = Ballot.objects.get()
    assert ballot.tracker == tracker and ballot.payload == payload
    assert response.status_code == 302 and tracker in response["Location"]
    page = client.get(response["Location"])
    assert tracker in page.content.decode() and "/consultation/" in page.content.decode()
    download = client.get(response["Location"], {"download": 1})
    assert download["Content-Disposition"].startswith("attachment") and tracker in download.content.decode()


def test_a_choice_in_clear_is_never_accepted(client, resident):
    contest, _ = open_contest()
    oui = option_ids(contest)["Oui"]

    response = client.post(reverse("voting:cast", args=[contest.pk]), {"choice": str(oui), "next": "/p/"}, follow=True)

    assert not Ballot.objects.exists() and not Participation.objects.exists()
    assert "JavaScript" in response.content.decode()
    assert response.redirect_chain[0][0].endswith(f"#vote-{contest.pk}")


def test_a_ballot_with_another_tracker_or_a_broken_proof_is_refused(client, resident):
    contest, _ = open_contest()
    payload, tracker, _choices, _nonces = encrypted(contest, "Oui")
    tampered = json.loads(payload)
    tampered["sum_proof"][0]["response"] = tampered["sum_proof"][0]["challenge"]

    wrong_tracker = client.post(reverse("voting:cast", args=[contest.pk]), {"ballot": payload, "tracker": "a" * 64})
    broken = client.post(reverse("voting:cast", args=[contest.pk]),
                         {"ballot": json.dumps(tampered, sort_keys=True, separators=(",", ":"))}, follow=True)

    assert wrong_tracker.status_code == 302 and tracker not in wrong_tracker["Location"]
    assert list(broken.context["messages"])
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_a_second_vote_gets_a_message_and_changes_nothing(client, resident):
    contest, _ = open_contest()
    first, _tracker, _c, _n = encrypted(contest, "Oui")
    second, _tracker, _c, _n = encrypted(contest, "Non")
    client.post(reverse("voting:cast", args=[contest.pk]), {"ballot": first})
    again = client.post(reverse("voting:cast", args=[contest.pk]), {"ballot": second, "next": "/p/"}, follow=True)
    assert "déjà voté" in again.content.decode()
    assert Ballot.objects.count() == 1 and Participation.objects.count() == 1


def test_an_audited_ballot_is_published_and_can_never_be_cast(client, resident):
    contest, _ = open_contest()
    payload, tracker, choices, nonces = encrypted(contest, "Non")
    url = reverse("voting:audit", args=[contest.pk])

    answer = client.post(url, json.dumps({"ballot": payload, "choices": choices, "nonces": nonces}),
                         content_type="application/json")
    cast = client.post(reverse("voting:cast", args=[contest.pk]), {"ballot": payload, "tracker": tracker}, follow=True)

    assert answer.status_code == 200 and answer.json()["tracker"] == tracker and answer.json()["labels"] == ["Non"]
    published = client.get(reverse("voting:audited", args=[contest.pk])).json()["audited_ballots"]
    assert [(row["tracker"], row["choices"]) for row in published] == [(tracker, choices)]
    assert list(cast.context["messages"]) and not Ballot.objects.exists() and not Participation.objects.exists()


def test_a_reveal_that_does_not_match_its_ballot_is_refused_and_not_published(client, resident):
    contest, _ = open_contest()
    payload, _tracker, choices, nonces = encrypted(contest, "Oui")
    lie = [1 - c for c in choices]

    answer = client.post(reverse("voting:audit", args=[contest.pk]),
                         json.dumps({"ballot": payload, "choices": lie, "nonces": nonces}), content_type="application/json")

    assert answer.status_code == 400 and answer.json()["error"]
    assert client.get(reverse("voting:audited", args=[contest.pk])).json()["audited_ballots"] == []


def test_the_ballot_page_carries_the_manifest_and_no_form_that_could_send_a_choice(client, resident):
    contest, _ = open_contest()

    html = client.get(reverse("voting:contest", args=[contest.pk])).content.decode()

    assert 'name="choice"' not in html and "data-ballot-question" in html
    assert contest.manifest_hash in html and 'type="application/json"' in html
    assert "<noscript>" in html and 'data-action="continue" disabled' in html
    assert 'type="module" src="/static/voting/js/ballot.js"' in html
    cast_form = html[html.index(f'action="{reverse("voting:cast", args=[contest.pk])}"'):]
    cast_form = cast_form[: cast_form.index("</form>")]
    assert 'name="ballot"' in cast_form and 'name="option-' not in cast_form


def test_next_cannot_send_voters_to_another_site(client, resident):
    contest, _ = open_contest()
    payload, _tracker, _c, _n = encrypted(contest)
    response = client.post(reverse("voting:cast", args=[contest.pk]), {"ballot": payload, "next": "https://evil.example/"})
    assert Ballot.objects.count() == 1 and "evil.example" not in response["Location"]


def test_anonymous_visitors_are_sent_to_log_in_and_csrf_is_enforced(client):
    contest, _ = open_contest()
    payload, _tracker, _c, _n = encrypted(contest)
    response = client.post(reverse("voting:cast", args=[contest.pk]), {"ballot": payload})
    assert response.status_code == 302 and "next=" in response["Location"] and Ballot.objects.count() == 0
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("csrf"))
    assert strict.post(reverse("voting:cast", args=[contest.pk]), {"ballot": payload}).status_code == 403
    assert strict.post(reverse("voting:audit", args=[contest.pk]), json.dumps({"ballot": payload}),
                       content_type="application/json").status_code == 403
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
    assert "data-ballot-question" in page


def test_receipt_check_page(client):
    contest, _ = open_contest()
    tracker = vote(contest, make_user("v"), [])
    found = client.get(reverse("voting:check_receipt", args=[contest.pk]), {"tracker": tracker.upper()})
    assert found.context["found"] is True
    missing = client.get(reverse("voting:check_receipt", args=[contest.pk]), {"tracker": "a" * 64})
    assert missing.context["found"] is False
    assert client.get(reverse("voting:receipt", args=[contest.pk, "b" * 64])).status_code == 404


def test_record_is_published_only_after_the_proclamation(client):
    from voting.services import counting
    from voting.verify import verify_record

    contest, secrets = open_contest()
    vote(contest, make_user("v1"), [option_ids(contest)["Oui"]])
    url = reverse("voting:record", args=[contest.pk])
    assert client.get(url).status_code == 404
    decrypt(close(contest), secrets)
    counting.count_contest(contest=contest)
    assert client.get(url).status_code == 404  # counted but still sealed
    counting.proclaim(contest=contest, actor=make_user("officer"))
    record = json.loads(client.get(url).content)
    assert verify_record(record).ok


# Trustees: their page, the task their device fetches, the answer it posts (JSON) or they upload (file).

PASSPHRASE = "kettle orbit violet harbour"


def trustees_of(contest):
    return list(Trustee.objects.filter(contest=contest).order_by("index"))


def started_contest(**kwargs):
    """A contest whose key ceremony has just started: every trustee must make their keys."""
    return ceremony.start_key_ceremony(contest=make_contest(**kwargs))


def log_in_trustee(client, trustee):
    client.force_login(trustee.user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def task_of(client, trustee) -> dict:
    response = client.get(reverse("voting:trustee_task", args=[trustee.pk]))
    assert response.status_code == 200, response.content
    return response.json()


def post_json(client, trustee, answer):
    return client.post(reverse("voting:trustee_answer", args=[trustee.pk]), json.dumps(answer),
                       content_type="application/json")


def play_step(contest, secrets, step):
    """Every trustee does ``step`` as their device would (key files sealed cheaply); secrets by index."""
    for trustee in trustees_of(contest):
        task = ceremony.ceremony_task(trustee=trustee)
        assert task["step"] == step
        if step == "certificate":
            sealed, answer = steps.new_keys(task, PASSPHRASE, iterations=1_000)
            secrets[trustee.index] = open_key_file(sealed, PASSPHRASE)
        else:
            answer = steps.answer(task, secrets[trustee.index])
        ceremony.submit_ceremony_answer(trustee=trustee, user=trustee.user, answer=answer)
    return secrets


def test_trustee_home_lists_each_trusteeship_with_the_step_due_and_links_to_its_page(client):
    contest = started_contest(title="Place du marché")
    trustee = trustees_of(contest)[0]
    log_in_trustee(client, trustee)

    html = client.get(reverse("voting:trustee_home")).content.decode()

    assert "Place du marché" in html and "To do now: make your keys." in html
    assert f'href="{reverse("voting:trustee_page", args=[trustee.pk])}"' in html
    client.force_login(make_user("nobody"))
    assert "You are not a trustee of any vote." in client.get(reverse("voting:trustee_home")).content.decode()


def test_a_trustees_page_task_and_answer_are_theirs_only(client):
    contest = started_contest()
    trustee = trustees_of(contest)[0]
    task = ceremony.ceremony_task(trustee=trustee)
    _sealed, answer = steps.new_keys(task, PASSPHRASE, iterations=1_000)
    other = trustees_of(contest)[1]  # even another trustee of the same vote
    for intruder in (make_user("intruder"), other.user):
        client.force_login(intruder)
        assert client.get(reverse("voting:trustee_page", args=[trustee.pk])).status_code == 404
        assert client.get(reverse("voting:trustee_task", args=[trustee.pk])).status_code == 404
        assert post_json(client, trustee, answer).status_code == 404
    client.logout()
    assert client.get(reverse("voting:trustee_task", args=[trustee.pk])).status_code == 302  # to the login page
    trustee.refresh_from_db()
    assert trustee.certificate is None


def test_the_page_offers_the_step_due_with_secret_fields_that_no_form_can_send(client):
    contest = started_contest()
    first = trustees_of(contest)[0]
    log_in_trustee(client, first)

    response = client.get(reverse("voting:trustee_page", args=[first.pk]))

    html = response.content.decode()
    assert response.context["step"] == {"step": "certificate"}
    assert 'data-step="certificate"' in html and 'src="/static/voting/js/trustee.js"' in html
    assert f'data-answer-url="{reverse("voting:trustee_answer", args=[first.pk])}"' in html
    assert f'href="{reverse("voting:trustee_task", args=[first.pk])}?download=1"' in html
    assert f"--key cle-garant-1-vote-{contest.pk}.json" in html  # the offline command
    for field in ('id="passphrase"', 'id="passphrase-again"'):
        tag = html[html.rindex("<input", 0, html.index(field)):html.index(">", html.index(field))]
        assert "name=" not in tag  # a secret field has no name: no form can carry it
    assert 'name="answer_file"' in html  # the offline answer's upload

    secrets = play_step(contest, {}, "certificate")
    html = client.get(reverse("voting:trustee_page", args=[first.pk])).content.decode()
    key_file = html[html.rindex("<input", 0, html.index('id="key-file"')):html.index(">", html.index('id="key-file"'))]
    assert 'type="file"' in key_file and "name=" not in key_file
    assert 'data-step="polynomial"' in html and "Send my part of the key" in html
    play_step(contest, secrets, "polynomial")
    first.refresh_from_db()
    first_page = client.get(reverse("voting:trustee_page", args=[first.pk]))
    assert first_page.context["step"] == {"step": "check"}


def test_the_task_holds_what_the_device_needs_at_each_step(client):
    contest = started_contest()
    first = trustees_of(contest)[0]
    log_in_trustee(client, first)

    task = task_of(client, first)
    assert task["format"] == "parvis-trustee-task/1" and task["step"] == "certificate" and task["trustee"] == 1
    assert task["ceremony"] == contest.ceremony_hash and task["descriptor"]["threshold"] == 2
    assert "certificates" not in task
    download = client.get(reverse("voting:trustee_task", args=[first.pk]), {"download": 1})
    assert download["Content-Disposition"] == (
        f'attachment; filename="tache-certificate-vote-{contest.pk}-garant-1.json"'
    )
    assert download["Cache-Control"] == "no-store"

    secrets = play_step(contest, {}, "certificate")
    task = task_of(client, first)
    assert task["step"] == "polynomial" and len(task["certificates"]) == 3 and "polynomials" not in task

    play_step(contest, secrets, "polynomial")
    task = task_of(client, first)
    assert task["step"] == "check" and len(task["polynomials"]) == 3

    play_step(contest, secrets, "check")
    contest.refresh_from_db()
    assert contest.is_sealed
    nothing = client.get(reverse("voting:trustee_task", args=[first.pk]))
    assert nothing.status_code == 404 and nothing.json() == {"error": "There is nothing for you to do now."}

    Contest.objects.filter(pk=contest.pk).update(opens_at=timezone.now() - timedelta(days=1))
    close(contest)
    task = task_of(client, first)
    assert task["step"] == "decrypt" and task["manifest_hash"] == contest.manifest_hash
    assert task["public_key"] == contest.public_key and len(task["encrypted_sums"]) >= 2


def test_the_device_answers_in_json_and_is_told_what_comes_next(client):
    contest = started_contest()
    first, second, _third = trustees_of(contest)
    log_in_trustee(client, first)
    sealed, answer = steps.new_keys(task_of(client, first), PASSPHRASE, iterations=1_000)

    response = post_json(client, first, answer)

    assert response.status_code == 200
    assert response.json() == {"message": "Your keys are registered. Keep your key file and its passphrase safe "
                                          "until the results are proclaimed."}
    first.refresh_from_db()
    assert first.certificate == answer["certificate"]
    assert "ciphertext" not in json.dumps(first.certificate)  # the key file stays on the device
    assert ceremony.ceremony_progress(contest)["blocking"] == "Waiting for Garant 1, Garant 2 to make their keys."

    again = post_json(client, first, answer)  # the step is done: a second answer is refused
    assert again.status_code == 400
    assert again.json() == {"error": "This answer is not for the step your key ceremony is at. Reload the page."}


@pytest.mark.parametrize(("tamper", "error"), [
    (lambda a: {**a, "trustee": 2}, "This answer was made for another trustee."),
    (lambda a: {**a, "ceremony": "0" * 64}, "This answer belongs to another vote or to an earlier key ceremony."),
    (lambda a: {**a, "format": "x"}, "This file is not a trustee's answer. Upload the answer file your device made."),
])
def test_a_wrong_json_answer_gets_its_reason_and_stores_nothing(client, tamper, error):
    contest = started_contest()
    first = trustees_of(contest)[0]
    log_in_trustee(client, first)
    _sealed, answer = steps.new_keys(task_of(client, first), PASSPHRASE, iterations=1_000)

    response = post_json(client, first, tamper(answer))

    assert response.status_code == 400 and response.json() == {"error": error}
    first.refresh_from_db()
    assert first.certificate is None


def test_the_json_answer_needs_the_csrf_header(client):
    from django.test import Client

    contest = started_contest()
    first = trustees_of(contest)[0]
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(first.user)
    strict.get(reverse("voting:trustee_page", args=[first.pk]))  # sets the CSRF cookie the page reads
    _sealed, answer = steps.new_keys(ceremony.ceremony_task(trustee=first), PASSPHRASE, iterations=1_000)
    url = reverse("voting:trustee_answer", args=[first.pk])

    assert strict.post(url, json.dumps(answer), content_type="application/json").status_code == 403
    token = strict.cookies["csrftoken"].value
    accepted = strict.post(url, json.dumps(answer), content_type="application/json", headers={"X-CSRFToken": token})
    assert accepted.status_code == 200


def test_the_offline_tools_answer_file_is_uploaded_with_a_message(client):
    contest = started_contest()
    first = trustees_of(contest)[0]
    log_in_trustee(client, first)
    _sealed, answer = steps.new_keys(task_of(client, first), PASSPHRASE, iterations=1_000)
    url = reverse("voting:trustee_answer", args=[first.pk])
    page = reverse("voting:trustee_page", args=[first.pk])

    not_json = client.post(url, {"answer_file": SimpleUploadedFile("answer.json", b"\x89PNG")}, follow=True)
    assert not_json.redirect_chain == [(page, 302)]
    assert [str(m) for m in not_json.context["messages"]] == [
        "This file is not a trustee's answer (it is not JSON)."]
    missing = client.post(url, {}, follow=True)
    assert [str(m) for m in missing.context["messages"]] == ["This field is required."]
    first.refresh_from_db()
    assert first.certificate is None

    upload = SimpleUploadedFile("answer-certificate.json", json.dumps(answer).encode(), content_type="application/json")
    done = client.post(url, {"answer_file": upload}, follow=True)
    assert done.redirect_chain == [(page, 302)]
    assert [str(m) for m in done.context["messages"]] == [
        "Your keys are registered. Keep your key file and its passphrase safe until the results are proclaimed."]
    first.refresh_from_db()
    assert first.certificate == answer["certificate"]
    assert done.context["step"] is None  # waiting for the others


def test_a_wrong_share_gets_a_complaint_that_stops_the_ceremony(client):
    contest = started_contest()
    secrets = play_step(contest, {}, "certificate")
    first, second, third = trustees_of(contest)
    for trustee in (first, second):
        ceremony.submit_ceremony_answer(
            trustee=trustee, user=trustee.user, answer=steps.answer(ceremony.ceremony_task(trustee=trustee),
                                                                     secrets[trustee.index]))
    # Trustee 3's device sends trustee 1 a wrong sub-share, in a polynomial it signs.
    from voting.crypto import dkg
    from voting.crypto.group import ORDER, base_mul

    task = ceremony.ceremony_task(trustee=third)
    certificates = tuple(dkg.Certificate.from_dict(c) for c in task["certificates"])
    honest = dkg.make_polynomial(contest.ceremony_hash, 2, secrets[3], certificates)
    shares = list(honest.shares)
    shares[0] = dkg.EncryptedSubShare(shares[0].recipient, shares[0].ephemeral, (shares[0].value + 1) % ORDER)
    unsigned = dkg.Polynomial(3, honest.commitments, tuple(shares), honest.signature)
    forged = dkg.sign_polynomial(contest.ceremony_hash, unsigned, secrets[3], certificates)
    ceremony.submit_ceremony_answer(trustee=third, user=third.user, answer={
        "format": "parvis-trustee-answer/1", "step": "polynomial", "ceremony": contest.ceremony_hash,
        "trustee": 3, "polynomial": forged.to_dict()})

    log_in_trustee(client, first)
    answer = steps.answer(task_of(client, first), secrets[1])
    assert answer["complaint"]["accused"] == 3
    response = post_json(client, first, answer)

    assert response.status_code == 200 and "Your complaint holds" in response.json()["message"]
    contest.refresh_from_db()
    assert contest.ceremony_failure["accused"] == 3
    page = client.get(reverse("voting:trustee_page", args=[first.pk]))
    assert page.context["step"] is None and "Garant 2 sent a wrong share" in page.content.decode()


def test_the_last_needed_decryption_starts_the_count_task(client, django_capture_on_commit_callbacks):
    from voting.models import Result

    contest, secrets = open_contest()
    vote(contest, make_user("v1"), [option_ids(contest)["Non"]])
    close(contest)
    first, second, _third = trustees_of(contest)
    log_in_trustee(client, first)
    first_page = client.get(reverse("voting:trustee_page", args=[first.pk]))
    assert first_page.context["step"] == {"step": "decrypt"}
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(client, first, steps.answer(task_of(client, first), secrets[1]))
    assert response.status_code == 200 and not Result.objects.filter(contest=contest).exists()

    log_in_trustee(client, second)
    with django_capture_on_commit_callbacks(execute=True):
        upload = SimpleUploadedFile("answer-decrypt.json",
                                    json.dumps(steps.answer(task_of(client, second), secrets[2])).encode())
        client.post(reverse("voting:trustee_answer", args=[second.pk]), {"answer_file": upload})
    result = Result.objects.get(contest=contest)
    assert result.online_counts[str(option_ids(contest)["Non"])] == 1 and result.proclaimed_at is None


def test_a_decryption_with_another_trustees_key_is_refused(client):
    contest, secrets = open_contest()
    close(contest)
    first = trustees_of(contest)[0]
    log_in_trustee(client, first)
    task = task_of(client, first)
    forged = steps.answer({**task, "trustee": 2}, secrets[2])  # trustee 2's decryption, passed off as 1's

    response = post_json(client, first, {**forged, "trustee": 1})

    assert response.status_code == 400
    assert response.json()["error"].startswith("This decryption does not match your key and this vote's totals")
    first.refresh_from_db()
    assert first.partial_decryption is None
