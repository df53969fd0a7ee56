"""A resident with no account votes on a phone with the code of the letter the town hall mailed them."""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from voting.models import Ballot, LetterRun, Participation, Voter
from voting.services import letters

from tests.voting.factories import make_ready_roll, open_contest

from .conftest import blocking_violations


def test_a_resident_votes_with_the_code_of_their_letter_on_a_phone(phone, demo, axe):
    contest, _secrets = open_contest(roll=make_ready_roll())
    run = letters.run_letters(run=letters.request_letters(contest=contest, actor=None))
    with LetterRun.storage().open(run.files[0], "rb") as pdf:
        text = PdfReader(io.BytesIO(pdf.read())).pages[0].extract_text()  # Marie Dupont's letter, first on the roll
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", text).group(0)

    phone.goto(f"{demo}/vote/{contest.pk}/code/")
    assert blocking_violations(axe, phone) == []
    phone.get_by_label("Code de vote").fill(code.lower())
    phone.get_by_label("Date de naissance").fill("1980-07-15")  # a wrong birth date first
    phone.get_by_role("button", name="Vérifier mon code").click()
    expect(phone.get_by_role("alert")).to_contain_text("ne correspondent pas")
    phone.get_by_label("Code de vote").fill(code.lower())
    phone.get_by_label("Date de naissance").fill("1980-07-14")
    phone.get_by_role("button", name="Vérifier mon code").click()

    ballot = phone.locator(f"#vote-{contest.pk}")
    ballot.get_by_label("Oui").check()
    ballot.locator("[data-action=continue]").click()
    review = ballot.locator("[data-step=review]")
    tracker = review.locator(f"#tracker-{contest.pk}")
    expect(tracker).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    assert blocking_violations(axe, phone) == []
    review.locator("[data-action=cast]").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Votre vote est dans l’urne")
    assert phone.locator("#receipt").inner_text() == Ballot.objects.get(contest=contest).tracker
    voter = Voter.objects.get(contest=contest)
    assert voter.user is None and Participation.objects.filter(voter=voter).count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # The same code again: refused with the reason.
    phone.goto(f"{demo}/vote/{contest.pk}/code/")
    phone.get_by_label("Code de vote").fill(code)
    phone.get_by_label("Date de naissance").fill("1980-07-14")
    phone.get_by_role("button", name="Vérifier mon code").click()
    expect(phone.get_by_role("alert")).to_contain_text("déjà servi")
