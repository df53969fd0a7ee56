"""The seal that holds against the server, end to end: trustees make the key, residents vote, trustees decrypt.

Trustees 1 (on a phone) and 2 (on a desktop) do every step on their trustee
page; trustee 3 downloads each task from the same page, runs
``python -m voting.trustee`` on it and uploads the answer file. The vote is
sealed by their key ceremony; three residents vote on their phones, the
first checking one encryption of their ballot before casting (Benaloh);
after the close trustee 1 (browser) and trustee 3 (offline) decrypt the
totals; the proclaimed record passes the standalone verifier.

Every request of the three trustees' browsers is recorded: none may carry a
trustee's secret scalars, passphrase or key file's ciphertext; none of the
residents' phones sends a choice in clear. Refusals are
checked in the browser too (wrong passphrase, another vote's or another
trustee's key file: a clear message, nothing sent), and the page passes axe.
"""

import json
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD, make_resident
from voting.crypto import Ballot, dkg
from voting.crypto.group import scalar_to_hex
from voting.models import Contest, Result, Trustee
from voting.services import ceremony, counting
from voting.trustee import steps
from voting.trustee.keyfile import open_key_file

from tests.voting.factories import make_contest, make_user, option_ids

from .conftest import blocking_violations, open_page

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASES = {1: "bouilloire orbite violette port", 2: "Quatre mots au hasard, 2027!", 3: "le garant hors ligne a sa phrase"}


def log_in(page, base: str, user, next_path: str) -> None:
    page.goto(f"{base}/compte/login/?next={next_path}")
    page.get_by_label("E-mail").fill(user.email)
    page.locator("#id_password").fill("pw")  # tests.voting.factories.make_user's password
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"**{next_path}")


def record_requests(page, problems: list[str]) -> list[tuple[str, str, bytes]]:
    """Every request the page makes, with its body; script errors and CSP reports go to ``problems``."""
    sent = []
    page.on("request", lambda request: sent.append((request.method, request.url, request.post_data_buffer or b"")))
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.on("console", lambda line: problems.append(f"{page.url}: {line.text}")
            if "Content Security Policy" in line.text or "Content-Security-Policy" in line.text else None)
    return sent


def message(page, code: str) -> str:
    """The page's own (translated) text for one of its script's messages."""
    return page.locator(f'#trustee-messages [data-msg="{code}"]').text_content().strip()


def answers_posted(sent, trustee) -> int:
    url = reverse("voting:trustee_answer", args=[trustee.pk])
    return sum(1 for method, address, _body in sent if method == "POST" and address.endswith(url))


def expect_done(page) -> None:
    """The page says the step is done (and shows no error: its text is in the assertion's message)."""
    expect(page.locator("#step-status.alert-success, #step-error:not(:empty)").first).to_be_visible(timeout=30_000)
    assert page.locator("#step-error").text_content().strip() == ""
    expect(page.locator("#step-status")).to_have_class(re.compile(r"\balert-success\b"))


def make_keys_in_browser(page, url: str, trustee, passphrase: str, folder: Path, sent) -> Path:
    page.goto(url)
    expect(page.locator("#trustee-step")).to_have_attribute("data-step", "certificate")
    page.locator("#passphrase").fill("trop court")
    expect(page.locator("#passphrase-strength")).to_have_text(message(page, "strength-short"))
    page.locator("#passphrase-again").fill("trop court")
    page.locator("#make-keys button[type=submit]").click()
    expect(page.locator("#step-error")).to_have_text(message(page, "short-passphrase"))
    page.locator("#passphrase").fill(passphrase)
    page.locator("#passphrase-again").fill(passphrase + "x")
    page.locator("#make-keys button[type=submit]").click()
    expect(page.locator("#step-error")).to_have_text(message(page, "passphrases-differ"))
    page.locator("#passphrase-again").fill(passphrase)
    page.locator("#make-keys button[type=submit]").click()

    expect(page.locator("#save-keys")).to_be_visible(timeout=30_000)
    with page.expect_download() as download:
        page.locator("#key-file-link").click()
    assert download.value.suggested_filename == f"cle-garant-{trustee.index}-vote-{trustee.contest_id}.json"
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    page.locator("#register-keys button[type=submit]").click()  # the key file not yet confirmed saved
    expect(page.locator("#step-error")).to_have_text(message(page, "not-saved"))
    assert answers_posted(sent, trustee) == 0  # nothing sent before the key file is saved
    page.locator("#key-file-saved").check()
    page.locator("#register-keys button[type=submit]").click()
    expect_done(page)
    return path


def step_in_browser(page, url: str, step: str, key_file: Path, passphrase: str) -> None:
    page.goto(url)
    expect(page.locator("#trustee-step")).to_have_attribute("data-step", step)
    page.locator("#key-file").set_input_files(key_file)
    page.locator("#key-passphrase").fill(passphrase)
    page.locator("#use-key button[type=submit]").click()
    expect_done(page)


def step_offline(page, url: str, step: str, key_file: Path, passphrase_file: Path, folder: Path) -> None:
    """Download the task from the page, run the offline tool on it, upload its answer file."""
    page.goto(url)
    expect(page.locator("#trustee-step")).to_have_attribute("data-step", step)
    page.locator("#offline summary").click()
    with page.expect_download() as download:
        page.locator("#task-download").click()
    task = folder / download.value.suggested_filename
    download.value.save_as(task)
    answer = folder / f"answer-{step}.json"
    run = subprocess.run(
        [sys.executable, "-m", "voting.trustee", str(task), "--key", str(key_file), "--passphrase-file",
         str(passphrase_file), "--out", str(answer)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    page.locator("#answer-file").set_input_files(answer)
    page.locator("#offline button[type=submit]").click()
    expect(page.locator(".messages .alert-success")).to_be_visible()


def vote_on_phone(page, base: str, contest, email: str, label: str, *, audit: bool) -> str:
    """A resident logs in and votes on their phone, checking one encryption first if ``audit``; returns the receipt."""
    make_resident(email)
    page.goto(f"{base}/compte/login/")
    page.get_by_label("E-mail").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/compte/profil/")
    page.goto(base + reverse("voting:contest", args=[contest.pk]))
    ballot = page.locator(f"#vote-{contest.pk}")
    ballot.get_by_label(label, exact=True).check()
    ballot.locator("[data-action=continue]").click()
    review = ballot.locator("[data-step=review]")
    tracker = review.locator(f"#tracker-{contest.pk}")
    expect(tracker).to_have_text(re.compile(r"^[0-9a-f]{64}$"), timeout=30_000)
    if audit:
        checked = tracker.inner_text()
        review.locator("[data-action=audit]").click()
        expect(review.locator("[data-slot=audit-contents]")).to_contain_text(label)
        expect(tracker).not_to_have_text(checked)
        expect(tracker).to_have_text(re.compile(r"^[0-9a-f]{64}$"), timeout=30_000)
    shown = tracker.inner_text()
    review.locator("[data-action=cast]").click()
    expect(page.locator("#receipt")).to_have_text(shown)
    return shown


def another_votes_key_file(folder: Path) -> Path:
    other = ceremony.start_key_ceremony(contest=make_contest(title="Un autre vote"))
    trustee = other.trustees.order_by("index").first()
    key_file, _answer = steps.new_keys(ceremony.ceremony_task(trustee=trustee), PASSPHRASES[1], iterations=1_000)
    path = folder / f"cle-garant-1-vote-{other.pk}.json"
    path.write_text(json.dumps(key_file))
    return path


def test_three_trustees_make_the_key_then_decrypt_in_browsers_and_offline(browser, live_server, axe, tmp_path):
    base = live_server.url
    contest = ceremony.start_key_ceremony(contest=make_contest(title="Place du marché", trustees=3, threshold=2))
    first, second, third = Trustee.objects.filter(contest=contest).order_by("index")
    url = {t.index: reverse("voting:trustee_page", args=[t.pk]) for t in (first, second, third)}
    folders = {index: tmp_path / f"garant-{index}" for index in (1, 2, 3)}
    for folder in folders.values():
        folder.mkdir()
    passphrase_file = folders[3] / "phrase.txt"
    passphrase_file.write_text(PASSPHRASES[3] + "\n", encoding="utf-8")
    key_files = {3: folders[3] / f"cle-garant-3-vote-{contest.pk}.json"}
    wrong_vote_key = another_votes_key_file(tmp_path)

    with open_page(browser, "phone") as one, open_page(browser, "desktop") as two, \
            open_page(browser, "desktop") as three:
        problems = []
        sent = {1: record_requests(one, problems), 2: record_requests(two, problems),
                3: record_requests(three, problems)}
        for page, trustee in ((one, first), (three, third)):
            log_in(page, base, trustee.user, url[trustee.index])
        # Trustee 2 starts from the list of their trusteeships.
        log_in(two, base, second.user, reverse("voting:trustee_home"))
        assert blocking_violations(axe, two) == []
        two.locator(f'a[href="{url[2]}"]').click()
        expect(two.locator("#trustee-step")).to_have_attribute("data-step", "certificate")

        # Step 1: keys. Trustee 1 meets the refusals of the passphrase form first.
        assert blocking_violations(axe, one) == []
        key_files[1] = make_keys_in_browser(one, base + url[1], first, PASSPHRASES[1], folders[1], sent[1])
        assert blocking_violations(axe, one) == []
        assert one.evaluate("document.documentElement.scrollWidth") <= 390
        key_files[2] = make_keys_in_browser(two, base + url[2], second, PASSPHRASES[2], folders[2], sent[2])
        step_offline(three, base + url[3], "certificate", key_files[3], passphrase_file, folders[3])
        one.goto(base + url[1])
        expect(one.locator("#trustee-step")).to_have_attribute("data-step", "polynomial")

        # Step 2, and the key file refusals: nothing is sent for any of them.
        posted = answers_posted(sent[1], first)
        for key_file, passphrase, code in (
            (key_files[1], "pas la bonne phrase", "wrong-passphrase"),
            (wrong_vote_key, PASSPHRASES[1], "other-vote"),
            (key_files[2], PASSPHRASES[2], "other-trustee"),
        ):
            one.locator("#key-file").set_input_files(key_file)
            one.locator("#key-passphrase").fill(passphrase)
            one.locator("#use-key button[type=submit]").click()
            expect(one.locator("#step-error")).to_have_text(message(one, code), timeout=30_000)
            assert blocking_violations(axe, one) == []
        assert answers_posted(sent[1], first) == posted
        assert Trustee.objects.get(pk=first.pk).polynomial is None
        step_in_browser(one, base + url[1], "polynomial", key_files[1], PASSPHRASES[1])
        step_in_browser(two, base + url[2], "polynomial", key_files[2], PASSPHRASES[2])
        step_offline(three, base + url[3], "polynomial", key_files[3], passphrase_file, folders[3])

        # Step 3: the checks; the last one seals the vote.
        step_in_browser(one, base + url[1], "check", key_files[1], PASSPHRASES[1])
        step_in_browser(two, base + url[2], "check", key_files[2], PASSPHRASES[2])
        step_offline(three, base + url[3], "check", key_files[3], passphrase_file, folders[3])
        contest.refresh_from_db()
        assert contest.is_sealed
        public, problems = dkg.check_ceremony(ceremony.finished_ceremony(contest))
        assert problems == [] and public is not None and public.to_dict() == contest.public_key
        one.goto(base + url[1])
        expect(one.locator("#trustee-step")).to_have_count(0)
        expect(one.locator("#next-step")).to_be_visible()
        assert blocking_violations(axe, one) == []

        # The vote: three residents on their phones; the first checks one encryption before casting.
        Contest.objects.filter(pk=contest.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
        contest.refresh_from_db()
        ids = option_ids(contest)
        receipts = []
        for number, label in enumerate(["Oui", "Oui", "Non"]):
            with open_page(browser, "phone") as resident:
                phone_sent = record_requests(resident, problems)
                receipts.append(vote_on_phone(resident, base, contest, f"habitant{number}@example.org", label,
                                              audit=number == 0))
                votes = [body.decode() for method, address, body in phone_sent if method == "POST" and "/vote/" in address]
                assert len(votes) == (2 if number == 0 else 1)  # the audit's reveal, then the cast ballot
                cast = parse_qs(votes[-1])  # the csrf token, next, the encrypted ballot and its tracker: no choice
                assert set(cast) == {"csrfmiddlewaretoken", "next", "ballot", "tracker"}
                assert Ballot.from_json(cast["ballot"][0]).hash == cast["tracker"][0]  # ciphertexts and proofs only
                assert not re.search(r"Oui|Non", cast["ballot"][0])
        assert contest.audited_ballots.count() == 1
        Contest.objects.filter(pk=contest.pk).update(closes_at=timezone.now() - timedelta(seconds=1))

        # After the close: trustee 1 decrypts in the browser, trustee 3 offline; that makes the 2 needed.
        step_in_browser(one, base + url[1], "decrypt", key_files[1], PASSPHRASES[1])
        assert blocking_violations(axe, one) == []
        step_offline(three, base + url[3], "decrypt", key_files[3], passphrase_file, folders[3])

        contest.refresh_from_db()
        if not Result.objects.filter(contest=contest).exists():  # counted at once when Celery runs eagerly
            counting.count_contest(contest=contest)
        result = Result.objects.get(contest=contest)
        assert result.online_counts == {str(ids["Oui"]): 2, str(ids["Non"]): 1}
        counting.proclaim(contest=contest, actor=make_user("officier"))

        record = three.request.get(base + reverse("voting:record", args=[contest.pk]))
        assert record.ok
        (tmp_path / "record.json").write_bytes(record.body())
        verify = subprocess.run([sys.executable, "-m", "voting.verify", str(tmp_path / "record.json")],
                                cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        assert "Key ceremony" in verify.stdout and "1 audited ballot(s)" in verify.stdout
        published = {entry["tracker"] for entry in json.loads(record.body())["ballots"]}
        assert published == set(receipts)  # every resident finds their receipt in the record

        # No request of any trustee's browser carried a secret.
        for index in (1, 2, 3):
            key_file = json.loads(key_files[index].read_text())
            secrets = open_key_file(key_file, PASSPHRASES[index])
            forbidden = [scalar_to_hex(secrets.signing), scalar_to_hex(secrets.encryption), str(secrets.signing),
                         str(secrets.encryption), PASSPHRASES[index], key_file["ciphertext"]]
            for trustee_index, requests in sent.items():
                for method, address, body in requests:
                    text = body.decode("utf-8", errors="replace") + address
                    leaked = [value[:12] for value in forbidden if value in text]
                    assert not leaked, f"trustee {trustee_index}'s browser sent trustee {index}'s secret: {method} {address}"
        assert answers_posted(sent[1], first) == 4 and answers_posted(sent[2], second) == 3
        bodies = b" ".join(body for method, _address, body in sent[1] if method == "POST")
        assert b'"partial_decryption"' in bodies and b'"certificate"' in bodies  # the capture saw the answers
        assert problems == []
