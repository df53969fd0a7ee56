"""Residents who opted in hear of each phase once: ideas open, vote open, results; authors of their reviews."""

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

from budget import services, tasks
from budget.models import Idea, PhaseAnnouncement
from budget.phases import Phase

from ..accounts.factories import make_resident
from ..home.utils import make_home
from ..voting.factories import sealed
from .factories import make_budget, make_idea, move_to, play_vote, select

pytestmark = pytest.mark.django_db


@pytest.fixture
def residents():
    return {
        "votes": make_resident("vote@example.org", notify_vote_opened=True),
        "results": make_resident("results@example.org", notify_results_published=True),
        "nothing": make_resident("nothing@example.org"),
    }


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_the_ideas_phase_is_announced_once_to_those_who_opted_in(residents):
    budget = make_budget(make_home(), phase=Phase.UPCOMING)
    assert tasks.announce_budget_phases() == []
    move_to(budget, Phase.IDEAS)
    assert tasks.announce_budget_phases() == [f"{budget.pk}:ideas"]
    assert tasks.announce_budget_phases() == []  # once
    assert recipients() == ["vote@example.org"]
    assert "/budget-2027/" in mail.outbox[0].body
    assert PhaseAnnouncement.objects.get(budget=budget, phase=Phase.IDEAS).recipients == 1


def test_the_vote_is_announced_once_it_is_open_and_the_results_with_the_winners(residents):
    budget = make_budget(make_home(), phase=Phase.REVIEW)
    bancs, jeux = make_idea(budget, title="Bancs", cost=3_000), make_idea(budget, title="Jeux", cost=19_000)
    contest = select(budget, [bancs, jeux], seal=False)
    move_to(budget, Phase.VOTE)
    assert tasks.announce_budget_phases() == []  # the trustees' key ceremony is not over: the contest is not open
    sealed(contest)
    assert tasks.announce_budget_phases() == [f"{budget.pk}:vote"]
    assert recipients() == ["vote@example.org"]


def test_results_are_announced_and_winners_marked(residents):
    budget = make_budget(make_home(), phase=Phase.IDEAS)
    bancs, jeux = make_idea(budget, title="Bancs", cost=3_000), make_idea(budget, title="Jeux", cost=19_000)
    play_vote(budget, [bancs, jeux], [[bancs], [jeux], [bancs]])
    mail.outbox.clear()
    assert tasks.announce_budget_phases() == [f"{budget.pk}:results"]
    assert recipients() == ["results@example.org"]
    assert "3000 EUR" in mail.outbox[0].body
    assert Idea.objects.get(pk=bancs.pk).status == Idea.Status.WINNER


def test_finalists_authors_are_told(django_capture_on_commit_callbacks):
    author = make_resident("autrice@example.org", notify_idea_reviewed=True)
    budget = make_budget(make_home(), phase=Phase.REVIEW)
    ideas = [make_idea(budget, author=author, title="Bancs"), make_idea(budget, title="Jeux")]
    with django_capture_on_commit_callbacks(execute=True):
        select(budget, ideas, seal=False)
    # The finalist vote's trustees are also told that its key ceremony waits for them (voting.notify).
    with translation.override(settings.LANGUAGE_CODE):  # the task writes in the site's language
        ceremony = translation.gettext("Your part of the key ceremony is waiting for you")
    authors = [message for message in mail.outbox if message.subject != ceremony]
    assert [address for message in authors for address in message.to] == ["autrice@example.org"]
    assert "Bancs" in authors[0].subject
    assert sorted(a for m in mail.outbox if m.subject == ceremony for a in m.to) == sorted(
        t.user.email for t in budget.trustees.all())


def test_an_eligible_verdict_mail_says_so(django_capture_on_commit_callbacks):
    author = make_resident("autrice@example.org", notify_idea_reviewed=True)
    budget = make_budget(make_home(), phase=Phase.REVIEW)
    idea = make_idea(budget, author=author)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_idea(idea=idea, reviewer=None, eligible=True, reason="Bravo",
                             checklist={c.pk: True for c in budget.criteria.all()})
    assert len(mail.outbox) == 1 and "Bravo" in mail.outbox[0].body
