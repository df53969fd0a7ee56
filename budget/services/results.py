"""Results: projects ranked by votes and picked within the envelope, and the winners recorded."""

from dataclasses import dataclass, field
from fractions import Fraction

from django.db import transaction
from django.utils.translation import gettext as _

from voting.models import Option
from voting.phases import Phase as ContestPhase
from voting.phases import contest_phase
from voting.services import counting

from ..models import BudgetPage, Idea
from .finalists import finalist_contest, winners_rule_text


@dataclass
class RankedProject:
    """A finalist as counted: its votes, and whether the envelope funds it."""

    idea: Idea
    votes: int
    percent: float = 0.0
    rank: int = 0
    winner: bool = False
    remaining_after: int | None = None  # the envelope left once this project is funded
    reason: str = ""  # why a project is not funded
    by_completion: bool = False  # equal shares: funded from what the voters' shares left
    payments: list = field(default_factory=list)  # equal shares: [[amount, supporters paying it], ...]

    @property
    def cost(self) -> int:
        return self.idea.cost

    @property
    def council_id(self):
        return self.idea.council_id


def rank_projects(projects: list[RankedProject]) -> list[RankedProject]:
    """Most votes first; on a tie the less expensive, then the earlier idea."""
    ranked = sorted(projects, key=lambda project: (-project.votes, project.cost, project.idea.pk))
    for rank, project in enumerate(ranked, start=1):
        project.rank = rank
    return ranked


def pick_within_envelope(ranked: list[RankedProject], *, envelope: int, council_envelopes: dict | None = None) -> list[RankedProject]:
    """Take projects in rank order while the envelope allows; skip one that no longer fits, go on.

    A council's own envelope, when the edition sets one, also caps its projects.
    """
    remaining = envelope
    council_left = dict(council_envelopes or {})
    for project in ranked:
        project.winner = False
        if project.votes <= 0:
            project.reason = _("no vote")
            continue
        if project.cost > remaining:
            project.reason = _("does not fit: %(left)s EUR left") % {"left": remaining}
            continue
        if project.council_id in council_left and project.cost > council_left[project.council_id]:
            project.reason = _("does not fit in its neighbourhood's envelope: %(left)s EUR left") % {
                "left": council_left[project.council_id]}
            continue
        project.winner = True
        remaining -= project.cost
        if project.council_id in council_left:
            council_left[project.council_id] -= project.cost
        project.remaining_after = remaining
    return ranked


def from_equal_shares(ranked: list[RankedProject], outcome: dict, option_of: dict[int, int]) -> list[RankedProject]:
    """Mark the winners the Method of Equal Shares chose, what their supporters paid, and why the others
    were not funded (in words a resident can check against the figures)."""
    winners = {int(option_id) for option_id in outcome["winners"]}
    completion = {int(option_id) for option_id in outcome["completion"]}
    share = round(float(Fraction(outcome["voter_budget"])), 2)
    least_voted_winner = min((p.votes for p in ranked if option_of.get(p.idea.pk) in winners), default=0)
    for project in ranked:
        option_id = option_of.get(project.idea.pk)
        project.winner = option_id in winners
        project.by_completion = option_id in completion
        project.payments = [(round(float(Fraction(amount)), 2), count)
                            for amount, count in outcome["payments"].get(str(option_id), [])]
        if project.winner:
            project.reason = ""
        elif project.votes <= 0:
            project.reason = _("no vote")
        elif project.votes > least_voted_winner:
            project.reason = _(
                "more voted than a winner, but its %(n)d supporters, with %(share)s EUR each, had already spent "
                "part of it on other winners they chose and could no longer pay its %(cost)s EUR together; the "
                "rest of the envelope did not cover it either") % {"n": project.votes, "share": share,
                                                                  "cost": project.cost}
        else:
            project.reason = _("its %(n)d supporters, with %(share)s EUR each, could not pay its %(cost)s EUR "
                               "together, and the rest of the envelope did not cover it") % {
                "n": project.votes, "share": share, "cost": project.cost}
    return ranked


@dataclass
class BudgetResults:
    published: bool
    projects: list[RankedProject] = field(default_factory=list)
    turnout: dict | None = None
    envelope: int = 0
    spent: int = 0
    rule: str = ""
    voter_budget: float | None = None  # equal shares: each voter's part of the envelope, in EUR
    contest_id: int | None = None  # the finalist vote, for its public record

    @property
    def equal_shares(self) -> bool:
        return self.voter_budget is not None

    @property
    def segments(self) -> list[dict]:
        """The envelope as a bar: each winner's share of it, then what is left (percent of the envelope)."""
        if not self.envelope:
            return []
        parts = [{"label": p.idea.title, "amount": p.cost, "percent": round(100 * p.cost / self.envelope, 1),
                  "left": False} for p in self.winners]
        if self.remaining > 0:
            parts.append({"label": _("not spent"), "amount": self.remaining,
                          "percent": round(100 * self.remaining / self.envelope, 1), "left": True})
        return parts

    @property
    def winners(self) -> list[RankedProject]:
        return [project for project in self.projects if project.winner]

    @property
    def remaining(self) -> int:
        return self.envelope - self.spent


def budget_results(*, budget: BudgetPage) -> BudgetResults:
    """The ranked finalists and the winners within the envelope, once the vote's results are proclaimed."""
    contest = finalist_contest(budget)
    if contest is None or contest_phase(contest) is not ContestPhase.PROCLAIMED:
        return BudgetResults(published=False, envelope=budget.envelope)
    totals = counting.merged_results(contest)["total"]["counts"]
    references = dict(Option.objects.filter(contest=contest).values_list("pk", "reference"))
    ideas = Idea.objects.select_related("council").in_bulk([int(ref) for ref in references.values() if ref.isdigit()])
    turnout = counting.turnout(contest)
    projects = []
    for option_id, reference in references.items():
        idea = ideas.get(int(reference)) if reference.isdigit() else None
        if idea is None:
            continue
        votes = int(totals.get(str(option_id), 0))
        percent = round(100 * votes / turnout["total"], 1) if turnout["total"] else 0.0
        projects.append(RankedProject(idea=idea, votes=votes, percent=percent))
    outcome = contest.result.outcome
    if outcome is not None:  # equal shares: the ballot engine counted the anonymous profile by the frozen rule
        option_of = {int(reference): option_id for option_id, reference in references.items() if reference.isdigit()}
        ranked = from_equal_shares(rank_projects(projects), outcome, option_of)
    else:
        council_envelopes = dict(budget.council_envelopes.values_list("council_id", "amount"))
        ranked = pick_within_envelope(rank_projects(projects), envelope=budget.envelope,
                                      council_envelopes=council_envelopes)
    return BudgetResults(
        published=True, projects=ranked, turnout=turnout, envelope=budget.envelope,
        spent=sum(project.cost for project in ranked if project.winner), rule=winners_rule_text(budget),
        voter_budget=round(float(Fraction(outcome["voter_budget"])), 2) if outcome is not None else None,
        contest_id=contest.pk,
    )


def record_winners(*, budget: BudgetPage) -> list[int]:
    """Mark the winners (state "winner") once the results are proclaimed; safe to run again."""
    results = budget_results(budget=budget)
    if not results.published:
        return []
    winner_ids = [project.idea.pk for project in results.winners]
    with transaction.atomic():
        Idea.objects.filter(budget=budget, status=Idea.Status.WINNER).exclude(pk__in=winner_ids).update(status=Idea.Status.FINALIST)
        Idea.objects.filter(budget=budget, pk__in=winner_ids).update(status=Idea.Status.WINNER)
    return winner_ids
