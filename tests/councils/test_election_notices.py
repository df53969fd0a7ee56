"""Residents are told when a vote opens in their council, two days before it closes (if they have not voted),
and when results are out: once each, by the beat task."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from councils import tasks
from councils.models import VoteNotice
from councils.votes import consultations, elections, notices
from voting.models import AuditEvent, Contest
from voting.services import counting

from ..accounts.factories import make_resident
from ..voting.factories import vote
from .election_factories import (
    close_now, count_and_proclaim, encrypted, make_election, make_town, open_consultation, open_election,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return make_town()


def opted_in(email, council=None, **profile):
    return make_resident(email, council=council, notify_vote_opened=True, notify_results_published=True, **profile)


def recipients(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


def test_the_opening_is_announced_to_the_residents_of_each_council_once(town, mailoutbox):
    election, _secrets = open_election(town)
    opted_in("centre@example.org", council=town["centre"])
    opted_in("pres@example.org", council=town["pres"])
    make_resident("silent@example.org", council=town["centre"])  # did not opt in
    mailoutbox.clear()  # the trustees' messages at sealing

    sent = tasks.send_vote_notices.delay().get()
    again = tasks.send_vote_notices.delay().get()

    assert sent == {"opened": 2} and again == {}
    assert recipients(mailoutbox) == ["centre@example.org", "pres@example.org"]
    centre_mail = next(m for m in mailoutbox if m.to == ["centre@example.org"])
    assert "Centre" in centre_mail.subject and election.full_url in centre_mail.body
    assert VoteNotice.objects.filter(kind="opened").count() == 2
    assert AuditEvent.objects.filter(action="notice_opened", actor=None).count() == 2


def test_nothing_is_announced_before_the_vote_opens(town, mailoutbox):
    make_election(town)
    opted_in("centre@example.org", council=town["centre"])
    assert notices.send_due_notices() == {} and mailoutbox == []


def test_the_reminder_goes_two_days_before_closing_to_those_who_have_not_voted(town, mailoutbox):
    election, _secrets = open_election(town)
    voter = opted_in("voter@example.org", council=town["centre"])
    opted_in("waiting@example.org", council=town["centre"])
    centre = election.ballots.get(council=town["centre"]).contest
    elections.find_my_ballot(election=election, user=voter, family_name="Dupont", birth_date=date(1980, 7, 14), place="1")
    vote(centre, voter, [])
    notices.send_due_notices()
    mailoutbox.clear()

    early = notices.send_due_notices(now=centre.closes_at - timedelta(days=3))
    due = notices.send_due_notices(now=centre.closes_at - timedelta(days=2))
    again = notices.send_due_notices(now=centre.closes_at - timedelta(days=1))

    assert early == {} and due == {"reminder": 1} and again == {}
    assert recipients(mailoutbox) == ["waiting@example.org"]
    assert all(len(message.to) == 1 and not message.cc and not message.bcc for message in mailoutbox)
    # Only a count is kept: nothing records who was reminded, hence who voted.
    assert VoteNotice.objects.get(contest=centre, kind="reminder").recipients == 1
    assert AuditEvent.objects.get(contest=centre, action="notice_reminder").detail == {"recipients": 1}


def test_results_are_announced_once_proclaimed(town, mailoutbox):
    election, secrets = open_election(town)
    opted_in("centre@example.org", council=town["centre"])
    centre = election.ballots.get(council=town["centre"]).contest
    close_now([centre])
    count_and_proclaim(centre, secrets, proclaim=False)
    notices.send_due_notices()
    mailoutbox.clear()
    assert notices.send_due_notices() == {}

    counting.proclaim(contest=centre, actor=None, now=centre.proclaims_at)
    assert notices.send_due_notices() == {"results": 1}
    assert notices.send_due_notices() == {}
    assert recipients(mailoutbox) == ["centre@example.org"]


def test_a_consultation_notifies_its_territory_once_for_all_its_questions(town, mailoutbox):
    questions = (("Un marché ?", "Oui\nNon"), ("Le dimanche ?", "Oui\nNon"))
    page, _secrets = open_consultation(town, questions=questions, councils=[town["pres"]], min_age=16)
    closing_year = page.schedule()["closes_at"].year
    opted_in("pres@example.org", council=town["pres"], birth_year=closing_year - 40)
    opted_in("child@example.org", council=town["pres"], birth_year=closing_year - 10)
    opted_in("centre@example.org", council=town["centre"])
    half = opted_in("half@example.org", council=town["pres"], birth_year=closing_year - 30)
    mailoutbox.clear()

    assert notices.send_due_notices() == {"opened": 2}  # recipients, one message each
    assert recipients(mailoutbox) == ["half@example.org", "pres@example.org"]  # not the child, not the Centre
    market, sunday = page.contests()
    consultations.cast(consultation=page, user=half, ballots={market: encrypted(market, [])})  # one question of two
    mailoutbox.clear()
    assert notices.send_due_notices(now=market.closes_at - timedelta(hours=1)) == {"reminder": 2}
    assert recipients(mailoutbox) == ["half@example.org", "pres@example.org"]


def test_the_beat_schedule_runs_notices_and_proclamations():
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"councils.tasks.send_vote_notices", "voting.tasks.proclaim_due_contests"} <= tasks_scheduled


def test_a_contest_closed_long_ago_is_not_looked_at(town, mailoutbox):
    election, _secrets = open_election(town)
    opted_in("centre@example.org", council=town["centre"])
    later = timezone.now() + notices.LOOK_BACK + timedelta(days=1)
    Contest.objects.update(closes_at=later - timedelta(days=1))
    assert notices.send_due_notices(now=later) == {}
