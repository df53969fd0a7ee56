"""The choice is encrypted on the voter's phone: what leaves it, what the server keeps, what the voter can check.

On a 390-px screen a resident opens one encrypted ballot for checking
(Benaloh's challenge) and then casts another: the checked ballot is
published and is not the cast one, and the receipt is the tracker the phone
showed. Every request the phone makes is recorded to show that neither the
choice in clear nor the cast ballot's randomness ever leaves it; the
database and the server's logs hold no choice either. Without JavaScript the
ballot says to vote on paper and cannot be sent; a choice posted in clear is
never recorded. A budget over its envelope is refused on the phone, one
within it is cast with a budget proof the server checks.
"""

import json
import logging
import re
from urllib.parse import parse_qs, unquote_plus

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from voting.models import AuditedBallot, AuditEvent, Ballot, Contest, Participation
from voting.services.casting import decode_ballot

from tests.accounts.factories import PASSWORD, make_resident
from tests.councils.election_factories import make_town, open_consultation
from tests.home.utils import make_home
from tests.voting.factories import open_contest

from .conftest import PHONE, blocking_violations

FOR, AGAINST = "Piétonniser la place du marché", "Garder la circulation automobile"

# Test instrumentation of the device: remember what each encryption returned (tracker and nonces),
# so the test knows the cast ballot's secrets and can look for them in what the phone sent.
RECORD_ENCRYPTIONS = """
{ const original = encryptBallot;
  encryptBallot = function (...args) {
    const result = original(...args);
    (globalThis.__encryptions ||= []).push({ tracker: result.tracker, nonces: result.nonces });
    return result;
  };
}
"""


@pytest.fixture
def site(migrated_data, live_server):
    make_home()
    return live_server.url


def log_in(page, base: str, email: str) -> None:
    make_resident(email, display_name="Amina")
    page.goto(base + "/compte/login/")
    page.get_by_label("E-mail").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/compte/profil/")


def record_requests(page) -> list[dict]:
    sent = []
    page.on("request", lambda request: sent.append(
        {"method": request.method, "url": request.url, "body": request.post_data or ""}))
    return sent


def instrument_device(page) -> None:
    def patched(route):
        response = route.fetch()
        route.fulfill(response=response, body=response.text() + RECORD_ENCRYPTIONS)

    page.route("**/voting/js/budget-proof.js", patched)


def test_a_resident_checks_one_encryption_then_casts_and_nothing_in_clear_leaves_the_phone(phone, site, axe, caplog):
    caplog.set_level(logging.DEBUG)
    contest, _secrets = open_contest(options=(FOR, AGAINST), title="Place du marché")
    log_in(phone, site, "amina@example.org")
    instrument_device(phone)
    sent = record_requests(phone)

    phone.goto(site + reverse("voting:contest", args=[contest.pk]))
    ballot = phone.locator(f"#vote-{contest.pk}")
    expect(ballot.locator("[data-action=continue]")).to_be_enabled()
    expect(ballot.locator("[data-noscript]")).to_have_count(0)  # <noscript> content is not rendered with JS on
    ballot.get_by_label(FOR).check()
    assert blocking_violations(axe, phone) == []
    ballot.locator("[data-action=continue]").click()

    review = ballot.locator("[data-step=review]")
    expect(review).to_be_visible()
    expect(ballot.locator("[data-ballot-choose]")).to_be_hidden()
    assert phone.evaluate("document.activeElement.id") == f"review-title-{contest.pk}"
    expect(review.locator("[data-slot=summary]")).to_have_text(FOR)
    tracker = review.locator(f"#tracker-{contest.pk}")
    expect(tracker).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    audited = tracker.inner_text()
    expect(review.locator("[data-slot=status]")).to_have_attribute("aria-live", "polite")
    assert blocking_violations(axe, phone) == []
    for button in review.locator("button[data-action]").all():
        assert button.bounding_box()["height"] >= 44
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Check the encryption: the server opens that ballot, says what it held, publishes it; the phone encrypts again.
    review.locator("[data-action=audit]").click()
    audit = review.locator("[data-slot=audit]")
    expect(audit.locator("[data-slot=audit-contents]")).to_contain_text(FOR)
    expect(audit.locator("[data-slot=audit-faithful]")).to_be_visible()
    expect(tracker).not_to_have_text(audited)
    expect(tracker).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(review.locator("[data-action=cast]")).to_be_enabled()
    shown = tracker.inner_text()
    assert shown != audited
    assert blocking_violations(axe, phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    published_link = audit.locator("[data-slot=audit-links] a")
    assert published_link.get_attribute("href") == reverse("voting:audited", args=[contest.pk])

    encryptions = phone.evaluate("globalThis.__encryptions || []")  # before the page is left
    review.locator("[data-action=cast]").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Votre vote est dans l’urne")
    assert phone.locator("#receipt").inner_text() == shown
    assert Ballot.objects.get(contest=contest).tracker == shown

    # The audited ballot is public, with its choices and randomness, and is not the cast one.
    published = phone.request.get(site + reverse("voting:audited", args=[contest.pk])).json()["audited_ballots"]
    assert [row["tracker"] for row in published] == [audited] and published[0]["choices"] == [1, 0, 0]
    assert not Ballot.objects.filter(tracker=audited).exists()

    # What the phone sent: encrypted ballots, the audited ballot's reveal, never the cast ballot's secrets.
    assert [e["tracker"] for e in encryptions] == [audited, shown]
    cast_nonces = encryptions[1]["nonces"]
    audited_nonces = encryptions[0]["nonces"]
    posts = [request for request in sent if request["method"] == "POST"]
    assert [request["url"] for request in posts] == [
        site + reverse("voting:audit", args=[contest.pk]), site + reverse("voting:cast", args=[contest.pk])]
    assert all(nonce in posts[0]["body"] for nonce in audited_nonces)  # the capture does see request bodies
    cast_fields = parse_qs(posts[1]["body"])
    assert set(cast_fields) == {"csrfmiddlewaretoken", "next", "ballot", "tracker"}  # no choice, no option id
    assert cast_fields["tracker"] == [shown] and set(json.loads(posts[0]["body"])) == {"ballot", "choices", "nonces"}
    for request in sent:
        text = unquote_plus(request["url"] + " " + request["body"])
        for secret in [FOR, AGAINST, "choice=", "option-", *cast_nonces]:
            assert secret not in text, (secret, request)

    # Neither the database nor the server's logs hold the choice in clear.
    stored = [Ballot.objects.get(contest=contest).payload, json.dumps(list(AuditEvent.objects.values_list("detail", flat=True)))]
    for text in stored + [caplog.text]:
        assert FOR not in text and AGAINST not in text
    assert '"choices"' not in stored[0] and all(nonce not in caplog.text for nonce in cast_nonces)
    assert Participation.objects.filter(contest=contest).count() == 1


def test_a_choice_posted_in_clear_is_not_recorded_and_the_page_says_javascript_is_needed(phone, site):
    contest, _secrets = open_contest(options=(FOR, AGAINST))
    log_in(phone, site, "amina@example.org")
    phone.goto(site + reverse("voting:contest", args=[contest.pk]))
    option = contest.options.get(label=FOR).pk

    # What an old page or a hand-made form would send: a choice in clear, no encrypted ballot.
    phone.evaluate("""([action, option]) => {
        const form = document.createElement("form");
        form.method = "post";
        form.action = action;
        for (const [name, value] of [["choice", option], ["csrfmiddlewaretoken",
                document.querySelector("[data-ballot-cast] input[name=csrfmiddlewaretoken]").value]]) {
            const input = document.createElement("input");
            input.type = "hidden"; input.name = name; input.value = value;
            form.append(input);
        }
        document.body.append(form);
        form.submit();
    }""", [reverse("voting:cast", args=[contest.pk]), str(option)])

    expect(phone.locator(".messages")).to_contain_text("JavaScript")
    assert not Ballot.objects.filter(contest=contest).exists()
    assert not Participation.objects.filter(contest=contest).exists()
    expect(phone.locator(f"#vote-{contest.pk} [data-ballot-question]")).to_be_visible()  # still free to vote


def test_without_javascript_the_ballot_points_to_paper_and_cannot_be_sent(browser, site):
    contest, _secrets = open_contest(options=(FOR, AGAINST))
    context = browser.new_context(java_script_enabled=False, locale="fr-FR", viewport=PHONE)
    try:
        page = context.new_page()
        sent = record_requests(page)
        log_in(page, site, "amina@example.org")
        page.goto(site + reverse("voting:contest", args=[contest.pk]))
        ballot = page.locator(f"#vote-{contest.pk}")
        notice = ballot.locator("[data-noscript]")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("JavaScript")
        expect(notice).to_contain_text(re.compile("papier|paper"))  # French once the lead has translated it
        continue_button = ballot.locator("[data-action=continue]")
        expect(continue_button).to_be_disabled()
        expect(ballot.locator("[data-step=review]")).to_be_hidden()

        ballot.get_by_label(FOR).check()
        ballot.get_by_label(FOR).press("Enter")  # no implicit submission with a disabled default button
        continue_button.click(force=True)
        page.wait_for_timeout(500)
        assert page.url == site + reverse("voting:contest", args=[contest.pk])
        assert [r for r in sent if r["method"] == "POST" and "/compte/login/" not in r["url"]] == []
        assert not Participation.objects.filter(contest=contest).exists()
    finally:
        context.close()


def test_a_budget_over_its_envelope_is_refused_on_the_phone_and_one_within_it_is_cast_with_its_proof(phone, site, axe):
    projects = (("Aire de jeux", 15_000), ("Fresque du collège", 4_000), ("Jardin partagé", 3_000))
    contest, _secrets = open_contest(rule=Contest.Rule.KNAPSACK, options=projects, envelope=20_000,
                                     title="Budget participatif")
    log_in(phone, site, "amina@example.org")
    sent = record_requests(phone)
    phone.goto(site + reverse("voting:contest", args=[contest.pk]))
    ballot = phone.locator(f"#vote-{contest.pk}")
    for label, _cost in projects:
        ballot.get_by_label(label).check()
    expect(ballot.locator("[data-slot=total]")).to_contain_text("22000")

    ballot.locator("[data-action=continue]").click()
    error = ballot.locator("[data-slot=error]")
    expect(error).to_be_visible()
    expect(error).to_contain_text("22000")
    expect(error).to_contain_text("20000")
    expect(ballot.locator("[data-step=review]")).to_be_hidden()
    assert blocking_violations(axe, phone) == []
    assert [r for r in sent if r["method"] == "POST" and "/compte/" not in r["url"]] == []

    ballot.get_by_label("Jardin partagé").uncheck()
    expect(error).to_be_hidden()
    ballot.locator("[data-action=continue]").click()
    review = ballot.locator("[data-step=review]")
    expect(review.locator("[data-slot=summary] li")).to_have_text(["Aire de jeux", "Fresque du collège"])
    tracker = review.locator(f"#tracker-{contest.pk}")
    expect(tracker).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    shown = tracker.inner_text()
    review.locator("[data-action=cast]").click()

    expect(phone.locator("#receipt")).to_have_text(shown)
    stored = Ballot.objects.get(contest=contest)
    assert "budget_proof" in json.loads(stored.payload)
    decode_ballot(contest, stored.payload)  # the server's own check, the envelope proof included
    assert not AuditedBallot.objects.filter(contest=contest).exists()


def test_when_the_server_finds_the_reveal_does_not_match_the_phone_says_so_and_offers_no_casting(phone, site):
    contest, _secrets = open_contest(options=(FOR, AGAINST))
    log_in(phone, site, "amina@example.org")

    def lying_device(route):  # what a device that encrypted another choice than the one shown would reveal
        reveal = json.loads(route.request.post_data)
        reveal["choices"] = [1 - choice for choice in reveal["choices"]]
        route.continue_(post_data=json.dumps(reveal))

    phone.route("**" + reverse("voting:audit", args=[contest.pk]), lying_device)
    phone.goto(site + reverse("voting:contest", args=[contest.pk]))
    ballot = phone.locator(f"#vote-{contest.pk}")
    ballot.get_by_label(FOR).check()
    ballot.locator("[data-action=continue]").click()
    review = ballot.locator("[data-step=review]")
    expect(review.locator(f"#tracker-{contest.pk}")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    review.locator("[data-action=audit]").click()

    error = review.locator("[data-slot=audit-error]")
    expect(error).to_be_visible()
    expect(error).to_have_attribute("role", "alert")
    expect(error).to_contain_text(re.compile("ne correspondent pas|do not match"))
    expect(review.locator("[data-action=cast]")).to_be_hidden()
    assert phone.evaluate("document.activeElement.dataset.slot") == "audit-error"
    assert not AuditedBallot.objects.filter(contest=contest).exists()
    assert not Ballot.objects.filter(contest=contest).exists()


def test_a_consultation_checks_and_casts_one_ballot_per_question(phone, migrated_data, live_server):
    site = live_server.url
    town = make_town()  # with its own home page
    page, _secrets = open_consultation(town, questions=(("Un marché le dimanche ?", "Oui\nNon"),
                                                        ("Quels services ?", "Jeux\nAtelier\nGrainothèque")))
    first, second = page.contests()
    log_in(phone, site, "lea@example.org")
    phone.goto(site + page.url)
    form = phone.locator("#consultation-ballot")
    form.get_by_label("Non").check()
    form.get_by_label("Grainothèque").check()
    form.locator("[data-action=continue]").click()

    review = phone.locator("#vote [data-step=review]")
    trackers = [review.locator(f"#tracker-{contest.pk}") for contest in (first, second)]
    for tracker in trackers:
        expect(tracker).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    audited = [tracker.inner_text() for tracker in trackers]
    review.locator("[data-action=audit]").click()
    contents = review.locator("[data-slot=audit-contents] p")
    expect(contents).to_have_count(2)
    expect(contents.nth(0)).to_contain_text("Non")
    expect(contents.nth(1)).to_contain_text("Grainothèque")
    expect(contents.nth(1)).not_to_contain_text("Atelier")
    expect(review.locator("[data-slot=audit-links] a")).to_have_count(2)
    for tracker, old in zip(trackers, audited, strict=True):
        expect(tracker).not_to_have_text(old)
    expect(review.locator("[data-action=cast]")).to_be_enabled()
    shown = [tracker.inner_text() for tracker in trackers]
    assert sorted(AuditedBallot.objects.values_list("tracker", flat=True)) == sorted(audited)

    review.locator("[data-action=cast]").click()
    for contest, tracker in zip((first, second), shown, strict=True):
        expect(phone.locator(f"#receipt-{contest.pk}")).to_have_text(tracker)
        assert Ballot.objects.get(contest=contest).tracker == tracker
