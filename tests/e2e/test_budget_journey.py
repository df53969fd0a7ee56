"""A whole budget edition in a real browser, the clock moved between phases by setting the dates in the database.

A resident submits an idea on her phone (a bad cost first, refused); the
steering committee, in the Wagtail admin, finds it eligible and makes it a
finalist; the trustees make the vote's key; residents vote, each choice
encrypted on their phone; two trustees decrypt the totals and the count
runs; the results block shows the winners within the envelope.
"""

import re

from django.core import mail
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from budget import tasks as budget_tasks
from budget.models import Idea
from budget.phases import Phase
from budget.services import finalist_contest
from councils import roles
from voting import tasks as voting_tasks
from voting.simulation import decrypt_as_trustees, run_key_ceremony

from tests.accounts.factories import PASSWORD, make_resident
from tests.budget.factories import make_budget, make_idea, move_to, option_for, png_upload
from tests.home.utils import make_home
from tests.voting.factories import make_user, vote

from .conftest import PHONE, blocking_violations


def log_in_resident(page, base: str, email: str) -> None:
    page.goto(base + "/compte/login/")
    page.get_by_label("E-mail").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/compte/profil/")


def test_a_whole_edition_from_an_idea_to_the_winners(phone, desktop, migrated_data, live_server, axe, tmp_path):
    base = live_server.url
    budget = make_budget(make_home(), phase=Phase.IDEAS, slug="budget")
    playground = make_idea(budget, title="Aire de jeux", cost=15_000)
    fresco = make_idea(budget, title="Fresque du collège", cost=4_000)
    amina = make_resident("amina@example.org", display_name="Amina", notify_idea_reviewed=True,
                          notify_results_published=True)
    photo = tmp_path / "bacs.png"
    photo.write_bytes(png_upload().read())

    # Ideas phase: Amina proposes an idea on her phone; a negative cost is refused first.
    log_in_resident(phone, base, "amina@example.org")
    phone.goto(base + "/budget/")
    assert blocking_violations(axe, phone) == []
    form = phone.locator("form[action$='/idees/proposer/']")
    form.locator("#id_title").fill("Un jardin partagé")
    form.locator("#id_description").fill('Des bacs à légumes. <script>alert("x")</script>')
    form.locator("#id_category").select_option("environment")
    form.locator("#id_cost").fill("-5")
    form.locator("#id_image").set_input_files(str(photo))
    form.locator("button[type=submit]").click()
    expect(phone.locator("#id_cost")).to_have_class(re.compile("is-invalid"))
    assert not Idea.objects.filter(author=amina).exists()
    assert blocking_violations(axe, phone) == []

    form = phone.locator("form[action$='/idees/proposer/']")
    form.locator("#id_cost").fill("3000")
    form.locator("#id_image").set_input_files(str(photo))
    form.locator("button[type=submit]").click()
    idea = Idea.objects.get(author=amina)
    phone.wait_for_url(f"**/budget/idees/{idea.pk}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Un jardin partagé")
    expect(phone.locator(".idea-description")).to_contain_text('<script>alert("x")</script>')
    assert idea.image is not None
    assert blocking_violations(axe, phone) == []

    # Review phase: the steering committee reviews in the admin and selects the finalists.
    budget = move_to(budget, Phase.REVIEW)
    member = make_user("comite")
    member.groups.add(Group.objects.get(name=roles.STEERING_COMMITTEE))
    desktop.goto(base + "/admin/login/")
    desktop.locator("#id_username").fill("comite")
    desktop.locator("#id_password").fill("pw")
    desktop.locator("button[type=submit]").click()
    expect(desktop).to_have_url(re.compile(r"/admin/$"))
    for reviewed in (idea, playground, fresco):
        desktop.goto(f"{base}/admin/budget/ideas/?budget={budget.pk}")
        desktop.locator(f"a[href$='/admin/budget/ideas/review/{reviewed.pk}/']").first.click()
        desktop.wait_for_url(f"**/admin/budget/ideas/review/{reviewed.pk}/")
        for box in desktop.locator("input[name^=criterion_]").all():
            box.check()
        desktop.locator("input[name=eligible][value=yes]").check()
        desktop.locator("main form button[type=submit]").click()
        expect(desktop).to_have_url(re.compile(r"/admin/budget/ideas/\?budget="))
    assert set(Idea.objects.values_list("status", flat=True)) == {Idea.Status.ELIGIBLE}
    assert [message.to for message in mail.outbox if "Un jardin partagé" in message.subject] == [["amina@example.org"]]

    desktop.goto(f"{base}/admin/budget/editions/finalists/{budget.pk}/")
    for finalist in (idea, playground, fresco):
        desktop.locator(f"input[name=ideas][value='{finalist.pk}']").check()
    desktop.locator("main form button[type=submit]").click()
    expect(desktop.locator(".messages")).to_contain_text("3")
    contest = finalist_contest(budget)
    assert Idea.objects.filter(status=Idea.Status.FINALIST).count() == 3
    # The trustees make the vote's key on their devices; the vote is sealed then.
    secrets = run_key_ceremony(contest)
    assert contest.is_sealed

    # Vote phase: Amina votes on her phone, three neighbours through the service.
    move_to(budget, Phase.VOTE)
    contest.refresh_from_db()
    phone.goto(base + "/budget/")
    ballot = phone.locator(f"#vote-{contest.pk}")
    ballot.locator(f"input[value='{option_for(contest, idea)}']").check()
    assert blocking_violations(axe, phone) == []
    ballot.locator("[data-action=continue]").click()
    review = ballot.locator("[data-step=review]")
    expect(review.locator("[data-slot=summary]")).to_contain_text("Un jardin partagé")
    tracker = review.locator(f"#tracker-{contest.pk}")
    expect(tracker).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    shown = tracker.inner_text()
    review.locator("[data-action=cast]").click()
    expect(phone.locator("#receipt")).to_have_text(shown)
    for number, chosen in enumerate([[playground, idea], [playground], [fresco, idea]]):
        vote(contest, make_user(f"voisin{number}"), [option_for(contest, finalist) for finalist in chosen])

    # Counting: two of three trustees decrypt the totals on their devices; the count runs, then the proclamation.
    move_to(budget, Phase.COUNTING)
    contest.refresh_from_db()
    decrypt_as_trustees(contest, secrets, indices=[1, 2])
    assert voting_tasks.count_contest(contest.pk) is True
    move_to(budget, Phase.RESULTS)
    assert voting_tasks.proclaim_due_contests() == [contest.pk]
    assert budget_tasks.announce_budget_phases() == [f"{budget.pk}:results"]
    assert "amina@example.org" in [address for message in mail.outbox for address in message.to
                                   if "2 " in message.body and "18000 EUR" in message.body]

    # Results: the winners within the envelope; the fresco (4,000 EUR) no longer fits in the 2,000 EUR left.
    phone.goto(base + "/budget/")
    results = phone.locator("#resultats")
    expect(results.locator(".winners li")).to_have_count(2)
    expect(results.locator(".winners")).to_contain_text("Un jardin partagé")
    expect(results.locator(".winners")).to_contain_text("Aire de jeux")
    expect(results.locator("tbody tr")).to_have_count(3)
    expect(results.locator("tbody tr").nth(2)).to_contain_text("Fresque du collège")
    expect(results.locator("tbody tr").nth(2)).to_contain_text("2000 EUR")
    assert blocking_violations(axe, phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert Idea.objects.get(pk=idea.pk).status == Idea.Status.WINNER
