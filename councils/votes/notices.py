"""Telling residents: a vote opens in their council, it closes in two days, its results are out.

Run by Celery beat (``councils.tasks.send_vote_notices``) every few
minutes; each kind of notice goes once per contest (``VoteNotice``'s
unique constraint, taken before anything is sent), through
``accounts.notifications.notify`` (opted-in residents only, one message
each, by every configured channel: e-mail now, web push later).

The reminder goes to the audience minus those who already voted. The query
runs in the task; no list of who voted, or who was reminded, is kept or
shown anywhere: the notice keeps a count, the audit log the same count.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.notifications import (
    RESULTS_PUBLISHED, TOPIC_RESULTS, TOPIC_VOTE_OPENED, TOPIC_VOTE_REMINDER, VOTE_OPENED, Message, notify,
)
from home.dates import format_date
from voting.models import Contest, Voter
from voting.phases import Phase, contest_phase
from voting.services.audit import log

from .models import ConsultationPage, ElectionPage, VoteNotice

REMINDER_BEFORE_CLOSE = timedelta(days=2)
LOOK_BACK = timedelta(days=120)  # votes that opened longer ago are done


@dataclass
class Audience:
    """A group of contests residents vote in together, and the residents concerned."""

    contests: list[Contest]
    users: QuerySet
    title: str
    url: str

    def not_voted(self) -> QuerySet:
        """The audience minus those who voted in every contest of the group (online or on paper)."""
        voted_everywhere = (
            Voter.objects.filter(contest__in=self.contests, user__isnull=False, participation__isnull=False)
            .values("user")
            .annotate(voted=Count("contest", distinct=True))
            .filter(voted=len(self.contests))
            .values("user")
        )
        return self.users.exclude(pk__in=voted_everywhere)


def election_audiences(election: ElectionPage) -> list[Audience]:
    """One audience per council: the residents whose profile names that council."""
    User = get_user_model()
    return [
        Audience(
            contests=[ballot.contest],
            users=User.objects.filter(profile__council=ballot.council),
            title=f"{election.title} — {ballot.council.name}",
            url=election.get_full_url() or "",
        )
        for ballot in election.ballot_rows()
        if ballot.contest.is_sealed
    ]


def consultation_audiences(consultation: ConsultationPage) -> list[Audience]:
    """The residents of the territory (everyone for the whole town), minus those known to be too young."""
    contests = [contest for contest in consultation.contests() if contest.is_sealed]
    if not contests:
        return []
    users = get_user_model().objects.all()
    territory = consultation.territory()
    if territory:
        users = users.filter(profile__council__in=territory)
    if consultation.min_age:
        youngest_year = consultation.schedule()["closes_at"].year - consultation.min_age
        users = users.exclude(profile__birth_year__gt=youngest_year)
    return [Audience(contests=contests, users=users, title=consultation.title, url=consultation.get_full_url() or "")]


def _claim(audience: Audience, kind: str) -> bool:
    """Record the notice for every contest of the group; False if it was already sent."""
    try:
        with transaction.atomic():
            for contest in audience.contests:
                VoteNotice.objects.create(contest=contest, kind=kind)
    except IntegrityError:
        return False
    return True


def _send(audience: Audience, kind: str, users: QuerySet, message: Message, preference: str, topic: str) -> int:
    if not _claim(audience, kind):
        return 0
    # Claimed before sending: if sending fails, residents miss one message
    # rather than receive it twice from the next run.
    sent = notify(kind=preference, users=users, message=message, topic=topic)
    VoteNotice.objects.filter(contest__in=audience.contests, kind=kind).update(recipients=sent)
    for contest in audience.contests:
        log(contest=contest, action=f"notice_{kind}", recipients=sent)
    return sent


def _when(moment) -> str:
    return format_date(moment, "full", english_format="DATETIME_FORMAT")


def notices_for(audience: Audience, now) -> dict[str, int]:
    """Send whatever is due for this group of contests now; return the counts sent by kind."""
    phases = {contest_phase(contest, now) for contest in audience.contests}
    closes_at = min(contest.closes_at for contest in audience.contests)
    sent = {}
    if phases == {Phase.OPEN}:
        sent[VoteNotice.Kind.OPENED] = _send(
            audience, VoteNotice.Kind.OPENED, audience.users,
            Message(
                subject=_("Vote open: %(title)s") % {"title": audience.title},
                body=_("A vote is open in your neighbourhood until %(closes)s. It takes a few minutes.")
                % {"closes": _when(closes_at)},
                url=audience.url,
            ),
            VOTE_OPENED, TOPIC_VOTE_OPENED,
        )
        if now >= closes_at - REMINDER_BEFORE_CLOSE:
            sent[VoteNotice.Kind.REMINDER] = _send(
                audience, VoteNotice.Kind.REMINDER, audience.not_voted(),
                Message(
                    subject=_("Two days left to vote: %(title)s") % {"title": audience.title},
                    body=_("The vote closes on %(closes)s. If you have not voted yet, there is still time.")
                    % {"closes": _when(closes_at)},
                    url=audience.url,
                ),
                VOTE_OPENED, TOPIC_VOTE_REMINDER,
            )
    if phases == {Phase.PROCLAIMED}:
        sent[VoteNotice.Kind.RESULTS] = _send(
            audience, VoteNotice.Kind.RESULTS, audience.users,
            Message(
                subject=_("Results published: %(title)s") % {"title": audience.title},
                body=_("The results are published, with the turnout and the ballot box anyone can recount."),
                url=audience.url,
            ),
            RESULTS_PUBLISHED, TOPIC_RESULTS,
        )
    return {kind: count for kind, count in sent.items() if count}


def send_due_notices(now=None) -> dict[str, int]:
    """Every live election and consultation of the last months: send the notices that are due."""
    now = now or timezone.now()
    totals: dict[str, int] = {}
    # The contests' dates, not the pages': an officer may have opened a vote by hand.
    recent = {"ballots__contest__opens_at__lte": now, "ballots__contest__opens_at__gte": now - LOOK_BACK}
    pages = [
        *ElectionPage.objects.live().filter(**recent).distinct(),
        *ConsultationPage.objects.live().filter(**recent).distinct(),
    ]
    for page in pages:
        audiences = election_audiences(page) if isinstance(page, ElectionPage) else consultation_audiences(page)
        for audience in audiences:
            for kind, count in notices_for(audience, now).items():
                totals[kind] = totals.get(kind, 0) + count
    return totals
