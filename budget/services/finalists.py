"""The finalist vote: choosing finalists, the contest of the ballot engine behind it, its rule in words."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voting.exceptions import VotingError
from voting.models import Contest, Option, Trustee
from voting.phases import Phase as ContestPhase
from voting.phases import contest_phase
from voting.notify import tell_trustees
from voting.services import ceremony

from ..exceptions import BudgetError, InvalidData, NotAllowed, PhaseClosed
from ..models import BudgetPage, FinalistVote, Idea
from ..phases import Phase, budget_phase
from .formatting import _when
from .notices import notify_finalists


def rule_text(budget: BudgetPage) -> str:
    """The vote's rule and how the winners are picked, in words, for the ballot and the results."""
    if budget.vote_rule == BudgetPage.VoteRule.APPROVAL:
        vote = _("Each resident may choose up to %(n)d finalists.") % {"n": budget.max_choices or 1}
    else:
        vote = _("Each resident chooses finalists whose total cost fits within the %(envelope)s EUR envelope.") % {
            "envelope": budget.envelope}
    return vote + " " + winners_rule_text(budget)


def winners_rule_text(budget: BudgetPage) -> str:
    if budget.winners_rule == BudgetPage.WinnersRule.EQUAL_SHARES:
        return _("Winners by the Method of Equal Shares: each voter gets an equal part of the %(envelope)s EUR "
                 "envelope, and a project is funded when its supporters can pay for it together with their parts, "
                 "sharing its cost as equally as possible; what is left goes to the most voted projects that still "
                 "fit. Ballots are shuffled anonymously before being decrypted one by one; anyone can re-check the "
                 "count.") % {"envelope": budget.envelope}
    text = _("Projects are ranked by votes (on a tie, the less expensive first) and taken in that order while the "
             "%(envelope)s EUR envelope allows; a project that no longer fits is skipped and the next one is "
             "considered. A project needs at least one vote.") % {"envelope": budget.envelope}
    if budget.council_envelopes.exists():
        text += " " + _("A neighbourhood's projects also stay within that neighbourhood's own envelope.")
    return text


def select_finalists(*, budget: BudgetPage, ideas, actor, now=None) -> Contest:
    """Make these eligible ideas the finalists: create the finalist vote and seal it.

    The contest takes the edition's vote dates, rule and trustees; sealing
    freezes the finalists' labels and costs and deals the key to the trustees,
    who download their shares from /vote/garant/ before the vote opens.
    """
    now = now or timezone.now()
    if budget_phase(budget, now) is not Phase.REVIEW:
        raise PhaseClosed(_("Finalists are selected during the review phase, before the vote opens on %(date)s.")
                          % {"date": _when(budget.vote_opens_at)})
    wanted = {idea if isinstance(idea, int) else idea.pk for idea in ideas}
    with transaction.atomic():
        list(BudgetPage.objects.select_for_update().filter(pk=budget.pk).values_list("pk", flat=True))
        if FinalistVote.objects.filter(budget=budget).exists():
            raise NotAllowed(_("The finalists of this budget are already selected."))
        chosen = list(Idea.objects.select_for_update().filter(budget=budget, pk__in=wanted).order_by("title", "pk"))
        if len(chosen) != len(wanted):
            raise InvalidData({"ideas": _("Some of these ideas do not belong to this budget.")})
        refused = [idea.title for idea in chosen if idea.status != Idea.Status.ELIGIBLE or idea.is_hidden]
        if refused:
            raise InvalidData({"ideas": _("Only eligible ideas can be finalists: %(titles)s.") % {"titles": ", ".join(refused)}})
        if len(chosen) < 2:
            raise InvalidData({"ideas": _("Choose at least two finalists.")})
        too_expensive = [idea.title for idea in chosen if idea.cost > budget.envelope]
        if too_expensive:
            raise InvalidData({"ideas": _("These ideas cost more than the envelope: %(titles)s.") % {"titles": ", ".join(too_expensive)}})
        trustees = list(budget.trustees.all())
        if len({trustee.user_id for trustee in trustees}) != len(trustees) or not 1 <= budget.trustees_needed <= len(trustees):
            raise InvalidData({None: _(
                "Name the trustees of the vote's key on the budget page (at least %(n)d different accounts) first."
            ) % {"n": max(budget.trustees_needed, 1)}})
        knapsack = budget.vote_rule == BudgetPage.VoteRule.KNAPSACK
        equal_shares = budget.winners_rule == BudgetPage.WinnersRule.EQUAL_SHARES
        if equal_shares and budget.council_envelopes.exists():
            raise InvalidData({None: _(
                "The Method of Equal Shares shares the whole envelope among voters: remove the council envelopes "
                "or choose the “most votes first” rule."
            )})
        contest = Contest.objects.create(
            title=_("%(budget)s: the finalist projects") % {"budget": budget.title},
            question=_("Which projects should the town carry out?"),
            description=rule_text(budget),
            rule=Contest.Rule.KNAPSACK if knapsack else Contest.Rule.APPROVAL,
            max_choices=None if knapsack else budget.max_choices,
            envelope=budget.envelope if knapsack or equal_shares else None,
            winners_rule=budget.winners_rule,
            allow_blank=True,
            site=budget.get_site(),
            eligibility=Contest.Eligibility.RESIDENTS,
            opens_at=budget.vote_opens_at, closes_at=budget.vote_closes_at, proclaims_at=budget.results_at,
            threshold=budget.trustees_needed,
        )
        for position, idea in enumerate(chosen):
            label = _("%(title)s (%(cost)s EUR)") % {"title": idea.title, "cost": idea.cost}
            Option.objects.create(contest=contest, label=label[:200], description=idea.description[:1000],
                                  cost=idea.cost, position=position, reference=str(idea.pk))
        for trustee in trustees:
            Trustee.objects.create(contest=contest, user_id=trustee.user_id, name=trustee.name)
        try:
            contest = ceremony.start_key_ceremony(contest=contest, actor=actor)
        except VotingError as error:
            raise BudgetError(error.message) from None
        tell_trustees([contest])
        Idea.objects.filter(pk__in=[idea.pk for idea in chosen]).update(status=Idea.Status.FINALIST)
        FinalistVote.objects.create(budget=budget, contest=contest, selected_by=actor, selected_at=now)
        finalist_ids = [idea.pk for idea in chosen]
        transaction.on_commit(lambda: notify_finalists(budget=budget, idea_ids=finalist_ids))
    return contest


def finalist_contest(budget: BudgetPage) -> Contest | None:
    """The edition's finalist vote, once the finalists are selected."""
    return Contest.objects.filter(pk__in=FinalistVote.objects.filter(budget_id=budget.pk).values("contest_id")).first()


def finalists(budget: BudgetPage) -> list[Idea]:
    return list(
        Idea.objects.filter(budget=budget, status__in=[Idea.Status.FINALIST, Idea.Status.WINNER])
        .select_related("council").order_by("title", "pk")
    )


def sync_vote_dates(*, budget: BudgetPage, now=None) -> None:
    """Editors move the vote on the page; the contest follows as long as it has not opened."""
    contest = finalist_contest(budget)
    if contest is None or contest_phase(contest, now) not in (ContestPhase.DRAFT, ContestPhase.SCHEDULED):
        return
    Contest.objects.filter(pk=contest.pk).update(
        opens_at=budget.vote_opens_at, closes_at=budget.vote_closes_at, proclaims_at=budget.results_at
    )
