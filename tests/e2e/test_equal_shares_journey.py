"""A small budget vote counted by the Method of Equal Shares, from secret ballots to proclaimed winners.

The edition's rule is equal shares; its trustees make the key (played by
the loader's code); a resident votes on her phone (the choice encrypted
there), eight neighbours through the same service. After the close one
trustee decrypts on their trustee page (the browser checks the proof of
shuffle, then decrypts each shuffled ballot), the other downloads the
task, runs ``python -m voting.trustee`` (which checks it too) and uploads
its answer. The count and the proclamation
follow; the results block explains the outcome on a 390 px screen, and the
published record passes the standalone verifier, recount of the winners
included.
"""

import json
import re
import subprocess
import sys

from django.urls import reverse
from playwright.sync_api import expect

from budget.models import BudgetPage
from budget.phases import Phase
from voting import simulation
from voting import tasks as voting_tasks
from voting.models import Result, Trustee

from tests.budget.factories import make_budget, make_idea, move_to, option_for, select
from tests.home.utils import make_home
from tests.voting.factories import make_user, vote

from .conftest import PHONE, blocking_violations, open_page
from .test_budget_journey import log_in_resident
from .test_trustee_ceremony import ROOT, log_in, step_in_browser, step_offline
from tests.accounts.factories import make_resident


def test_an_equal_shares_vote_from_phones_to_verified_winners(phone, migrated_data, live_server, axe, tmp_path, browser):
    base = live_server.url
    budget = make_budget(make_home(), phase=Phase.IDEAS, slug="budget",
                         winners_rule=BudgetPage.WinnersRule.EQUAL_SHARES)
    square = make_idea(budget, title="Place du marché", cost=12_000)
    lights = make_idea(budget, title="Éclairage du stade", cost=8_000)
    garden = make_idea(budget, title="Jardin partagé", cost=7_000)
    contest = select(budget, [square, lights, garden], seal=False)
    keys = tmp_path / "keys"
    simulation.run_key_ceremony(contest, key_files=keys)
    contest.refresh_from_db()
    assert contest.manifest["winners_rule"] == "equal-shares"

    # The vote: Amina chooses the garden on her phone; the neighbours vote through the same service.
    move_to(budget, Phase.VOTE)
    contest.refresh_from_db()
    make_resident("amina@example.org", display_name="Amina")
    log_in_resident(phone, base, "amina@example.org")
    phone.goto(base + "/budget/")
    ballot = phone.locator(f"#vote-{contest.pk}")
    ballot.locator(f"input[value='{option_for(contest, garden)}']").check()
    ballot.locator("[data-action=continue]").click()
    review = ballot.locator("[data-step=review]")
    tracker = review.locator(f"#tracker-{contest.pk}")
    expect(tracker).to_have_text(re.compile(r"^[0-9a-f]{64}$"), timeout=30_000)
    shown = tracker.inner_text()
    review.locator("[data-action=cast]").click()
    expect(phone.locator("#receipt")).to_have_text(shown)
    for number, chosen in enumerate([[square, lights]] * 6 + [[garden]] * 2):
        vote(contest, make_user(f"voisin{number}"), [option_for(contest, idea) for idea in chosen])

    # After the close: trustee 1 decrypts in the browser, trustee 2 with the offline tool.
    move_to(budget, Phase.COUNTING)
    contest.refresh_from_db()
    passphrase_file = tmp_path / "phrase.txt"
    passphrase_file.write_text(simulation.DEMO_PASSPHRASE + "\n", encoding="utf-8")
    for trustee in Trustee.objects.filter(contest=contest, index__in=[1, 2]).order_by("index"):
        url = base + reverse("voting:trustee_page", args=[trustee.pk])
        folder = tmp_path / f"garant-{trustee.index}"
        folder.mkdir()
        key_file = simulation.key_file_path(keys, contest, trustee.index)
        with open_page(browser, "desktop") as page:
            log_in(page, base, trustee.user, reverse("voting:trustee_page", args=[trustee.pk]))
            if trustee.index == 1:
                step_in_browser(page, url, "decrypt", key_file, simulation.DEMO_PASSPHRASE)
            else:
                step_offline(page, url, "decrypt", key_file, passphrase_file, folder)
        assert Trustee.objects.get(pk=trustee.pk).mix_decryption is not None
    voting_tasks.count_contest(contest.pk)  # queued already by the second answer (eager here): counted once
    assert Result.objects.get(contest=contest).outcome["winners"]
    move_to(budget, Phase.RESULTS)
    assert voting_tasks.proclaim_due_contests() == [contest.pk]

    # The results on the phone: the lights and the garden, paid by their supporters' equal shares.
    phone.goto(base + "/budget/")
    results = phone.locator("#resultats")
    expect(results.locator(".winners li")).to_have_count(2)
    expect(results.locator(".winners")).to_contain_text("Éclairage du stade")
    expect(results.locator(".winners")).to_contain_text("Jardin partagé")
    expect(results.locator("figure.envelope-chart figcaption")).to_contain_text("20000")
    expect(results.locator("tbody")).to_contain_text("Place du marché")
    assert blocking_violations(axe, phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Anyone recounts: the record and the standalone verifier.
    record = phone.request.get(base + reverse("voting:record", args=[contest.pk]))
    assert record.ok
    path = tmp_path / "record.json"
    path.write_bytes(record.body())
    assert json.loads(record.body())["equal_shares"]["outcome"]["winners"] == [
        option_for(contest, lights), option_for(contest, garden)]
    done = subprocess.run([sys.executable, "-m", "voting.verify", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "✓ Winners by equal shares" in done.stdout or "[ok] Winners by equal shares" in done.stdout
