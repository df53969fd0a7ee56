"""Notices to ideas' authors: their idea reviewed, their idea a finalist."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from accounts.notifications import IDEA_REVIEWED, Message, notify

from ..models import BudgetPage, Idea
from .formatting import _full_url, _when


def notify_idea_reviewed(*, idea: Idea) -> int:
    """Tell the author (if they opted in) how the committee judged their idea."""
    if not idea.author_id:
        return 0
    if idea.status == Idea.Status.ELIGIBLE:
        body = _("The steering committee found your idea “%(title)s” eligible. The finalists will be announced before the vote.")
    else:
        body = _("The steering committee found your idea “%(title)s” not eligible, for this reason: %(reason)s")
    body = body % {"title": idea.title, "reason": idea.review_reason}
    if idea.status == Idea.Status.ELIGIBLE and idea.review_reason:
        body += "\n\n" + idea.review_reason
    message = Message(subject=_("Your idea “%(title)s” has been reviewed") % {"title": idea.title}, body=body,
                      url=_full_url(idea.budget, "idea", [idea.pk]))
    return notify(kind=IDEA_REVIEWED, users=get_user_model().objects.filter(pk=idea.author_id), message=message)


def notify_finalists(*, budget: BudgetPage, idea_ids: list[int]) -> int:
    """Tell the finalists' authors (if they opted in for reviews) that their idea goes to the vote."""
    sent = 0
    for idea in Idea.objects.filter(pk__in=idea_ids).exclude(author=None):
        message = Message(
            subject=_("Your idea “%(title)s” is a finalist") % {"title": idea.title},
            body=_("Residents will vote on it from %(start)s to %(end)s.") % {
                "start": _when(budget.vote_opens_at), "end": _when(budget.vote_closes_at)},
            url=_full_url(budget, "idea", [idea.pk]),
        )
        sent += notify(kind=IDEA_REVIEWED, users=get_user_model().objects.filter(pk=idea.author_id), message=message)
    return sent
