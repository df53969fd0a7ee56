"""Celery tasks of the ballot engine: thin wrappers around the services."""

from celery import shared_task
from django.utils import timezone

from .exceptions import NotReady
from .models import Contest, Result, VoterRoll
from .phases import Phase, contest_phase
from .services import chaining, counting, roll


@shared_task(acks_late=True)
def import_roll(roll_id: int) -> str:
    """Import an uploaded electoral roll (all-or-nothing; safe to run again after a crash)."""
    voter_roll = roll.import_roll(roll=VoterRoll.objects.get(pk=roll_id))
    return voter_roll.status


@shared_task(acks_late=True)
def count_contest(contest_id: int) -> bool:
    """Count a closed contest once enough trustees have brought their shares."""
    contest = Contest.objects.get(pk=contest_id)
    if Result.objects.filter(contest=contest).exists() or not counting.ready_to_count(contest):
        return False
    counting.count_contest(contest=contest)
    return True


@shared_task(acks_late=True)
def mix_box(contest_id: int) -> int:
    """Shuffle a closed equal-shares box with its proof (once; safe to run twice). Returns the ballots mixed."""
    from .services import mixing

    return len(mixing.mix_box(contest=Contest.objects.get(pk=contest_id)).shuffled)


@shared_task(acks_late=True)
def chain_ballots(contest_id: int) -> int:
    """Append a contest's cast ballots to its hash chain (queued by casting; safe to run twice)."""
    return chaining.chain_ballots(contest_id=contest_id)


@shared_task
def chain_waiting_ballots() -> dict[int, int]:
    """Beat, every 30 seconds: append any ballot whose chaining run was lost (broker down, crash)."""
    return chaining.chain_waiting_ballots()


@shared_task
def proclaim_due_contests() -> list[int]:
    """Beat, every minute: publish the results of counted contests whose proclamation time has come."""
    now = timezone.now()
    proclaimed = []
    for result in Result.objects.filter(proclaimed_at=None, contest__proclaims_at__lte=now).select_related("contest"):
        if contest_phase(result.contest, now) is Phase.COUNTED:
            try:
                counting.proclaim(contest=result.contest, now=now)
            except NotReady:
                continue
            proclaimed.append(result.contest_id)
    return proclaimed


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def tell_trustees(contest_ids: list[int]) -> int:
    """One e-mail per trustee: their part of the key ceremony waits (the vote cannot open before)."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils.translation import gettext as _

    from .models import Trustee
    from .notify import trustee_home_url

    titles: dict = {}
    for trustee in Trustee.objects.filter(contest_id__in=contest_ids).select_related("user", "contest"):
        if trustee.user.email:
            titles.setdefault(trustee.user.email, []).append(trustee.contest.title)
    for email, contest_titles in titles.items():
        body = render_to_string("voting/email/trustee_ceremony.txt", {"titles": contest_titles, "url": trustee_home_url()})
        send_mail(_("Your part of the key ceremony is waiting for you"), body, None, [email])
    return len(titles)


@shared_task(acks_late=True)
def print_letters(run_id: int) -> str:
    """Print a run of voting-code letters in batches (resumes after the last stored batch if run again)."""
    from .models import LetterRun
    from .services import letters

    return letters.run_letters(run=LetterRun.objects.select_related("contest").get(pk=run_id)).status
