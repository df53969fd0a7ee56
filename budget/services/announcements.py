"""Each phase of a budget announced once to the residents who opted in."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.notifications import (
    RESULTS_PUBLISHED, TOPIC_IDEAS_OPENED, TOPIC_RESULTS, TOPIC_VOTE_OPENED, VOTE_OPENED, Message, notify,
)
from voting.phases import Phase as ContestPhase
from voting.phases import contest_phase

from ..models import BudgetPage, PhaseAnnouncement
from ..phases import Phase, budget_phase
from .finalists import finalist_contest
from .formatting import _full_url, _when
from .results import budget_results, record_winners


def due_announcement(*, budget: BudgetPage, now=None) -> Phase | None:
    """The phase residents should be told about now, if any: ideas open, vote open, results published."""
    phase = budget_phase(budget, now)
    if phase is Phase.IDEAS:
        return Phase.IDEAS
    if phase in (Phase.VOTE, Phase.COUNTING, Phase.RESULTS):
        contest = finalist_contest(budget)
        state = contest_phase(contest, now) if contest else None
        if state is ContestPhase.OPEN:
            return Phase.VOTE
        if state is ContestPhase.PROCLAIMED:
            return Phase.RESULTS
    return None


def _announcement(budget: BudgetPage, phase: Phase) -> tuple[str, Message]:
    url = _full_url(budget)
    if phase is Phase.IDEAS:
        return VOTE_OPENED, Message(
            subject=_("Participatory budget: propose your ideas"),
            body=_("The call for ideas of “%(title)s” is open until %(end)s. Propose ideas for your neighbourhood "
                   "or the whole town.") % {"title": budget.title, "end": _when(budget.review_starts_at)},
            url=url,
        )
    if phase is Phase.VOTE:
        return VOTE_OPENED, Message(
            subject=_("Participatory budget: vote for the finalist projects"),
            body=_("The vote on the finalist projects of “%(title)s” is open until %(end)s.")
            % {"title": budget.title, "end": _when(budget.vote_closes_at)},
            url=url,
        )
    results = budget_results(budget=budget)
    return RESULTS_PUBLISHED, Message(
        subject=_("Participatory budget: the winning projects"),
        body=_("The results of “%(title)s” are published: %(count)d projects will be carried out for %(spent)s EUR.")
        % {"title": budget.title, "count": len(results.winners), "spent": results.spent},
        url=url,
    )


def announce_due_phase(*, budget: BudgetPage, now=None) -> Phase | None:
    """Tell opted-in residents that a phase opened, once per phase (the unique row is the guard).

    Publishing results also marks the winners. Returns the phase announced, if any.
    """
    phase = due_announcement(budget=budget, now=now)
    if phase is None:
        return None
    if phase is Phase.RESULTS:
        record_winners(budget=budget)
    try:
        with transaction.atomic():
            announcement = PhaseAnnouncement.objects.create(budget=budget, phase=phase)
    except IntegrityError:
        return None  # already announced
    kind, message = _announcement(budget, phase)
    topic = {Phase.IDEAS: TOPIC_IDEAS_OPENED, Phase.VOTE: TOPIC_VOTE_OPENED}.get(phase, TOPIC_RESULTS)
    sent = notify(kind=kind, users=get_user_model().objects.all(), message=message, topic=topic)
    PhaseAnnouncement.objects.filter(pk=announcement.pk).update(recipients=sent)
    return phase
