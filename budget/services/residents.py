"""Extension points: the participations councils and home pages list, and residents' data (download, deletion)."""

from django.db.models import Q
from django.utils import timezone

from home.open_now import not_restricted, within

from ..models import BudgetPage, Idea, IdeaRevision
from ..phases import Phase, budget_phase
from .formatting import _full_url


def open_participations(*, now=None) -> list[tuple[BudgetPage, Phase]]:
    """Live editions open to residents now (ideas or vote phase), in one query."""
    now = now or timezone.now()
    budgets = BudgetPage.objects.live().public().filter(
        Q(ideas_open_at__lte=now, review_starts_at__gt=now) | Q(vote_opens_at__lte=now, vote_closes_at__gt=now)
    )
    return [(budget, budget_phase(budget, now)) for budget in budgets]


def open_on_sites(sites, *, now=None, limit=12) -> list[tuple[BudgetPage, Phase]]:
    """Live editions of these sites open to residents now (ideas or vote phase), soonest closing first."""
    now = now or timezone.now()
    ideas, vote = Q(ideas_open_at__lte=now, review_starts_at__gt=now), Q(vote_opens_at__lte=now, vote_closes_at__gt=now)
    budgets = BudgetPage.objects.live().filter(within(sites), not_restricted()).filter(ideas | vote).order_by("vote_closes_at")
    return [(budget, budget_phase(budget, now)) for budget in budgets[:limit]]


def export_ideas(user) -> dict:
    """A resident's ideas, for the download of their data."""
    ideas = Idea.objects.filter(author=user).select_related("budget", "council").order_by("submitted_at")
    return {"budget_ideas": [
        {
            "budget": idea.budget.title, "title": idea.title, "description": idea.description,
            "neighbourhood": idea.council.name if idea.council else None, "location": idea.location,
            "cost": idea.cost, "category": idea.category, "state": idea.status, "review_comment": idea.review_reason,
            "hidden_reason": idea.hidden_reason, "submitted_at": idea.submitted_at, "url": _full_url(idea.budget, "idea", [idea.pk]),
        }
        for idea in ideas
    ]}


def anonymise_ideas(user) -> None:
    """Ideas stay published, signed “former resident”; the history forgets who edited."""
    Idea.objects.filter(author=user).update(author=None)
    IdeaRevision.objects.filter(editor=user).update(editor=None)
