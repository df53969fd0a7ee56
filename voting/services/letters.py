"""Runs of voting-code letters: which electors get one, batched PDF files, progress, downloads.

A run is asked for by an officer (every elector of the vote, or one
elector whose letter was lost) and printed by a Celery task in batches of
:data:`BATCH_SIZE` letters. Each batch is one transaction: its electors'
codes are issued (their previous codes revoked) only together with the
PDF file that carries them, so a crash never leaves a code nobody can
print. Entries are taken in key order after the last committed batch: a
task run again after a crash resumes there, and memory stays flat
whatever the roll's size.

The PDF files hold codes in clear: they stay in private storage, every
download is in the audit log, and officers delete them once printed.
"""

import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from .. import letters as letter_pdf
from ..exceptions import NotReady
from ..models import Contest, LetterRun, RollEntry
from ..phases import Phase, contest_phase
from .audit import log
from .codes import issue_codes
from .roll_matching import contest_entries

BATCH_SIZE = 500
"""Letters per PDF file: a printer's job of a few megabytes, and one transaction of codes."""


def assert_can_mail(contest: Contest) -> None:
    """Letters are for a sealed roll-based vote that is not over yet. Raises NotReady."""
    if contest.eligibility != Contest.Eligibility.ROLL or not contest.roll_id:
        raise NotReady(_("Voting codes are for votes on an electoral roll."))
    if not contest.is_sealed:
        raise NotReady(_("Print the letters once the vote is sealed: its electoral roll is then frozen."))
    if contest_phase(contest) not in (Phase.SCHEDULED, Phase.OPEN):
        raise NotReady(_("This vote is closed: its voting codes can no longer be used."))


def request_letters(*, contest: Contest, actor, roll_entry: RollEntry | None = None) -> LetterRun:
    """Order letters for every elector of the vote, or a new letter for ``roll_entry``; queue their printing.

    Each printed letter's code replaces the elector's previous one, which
    stops working. Raises NotReady.
    """
    from ..tasks import print_letters  # tasks import the services

    assert_can_mail(contest)
    if roll_entry is not None and not contest_entries(contest).filter(pk=roll_entry.pk).exists():
        raise NotReady(_("This person is not on this vote's roll."))
    total = 1 if roll_entry is not None else contest_entries(contest).count()
    run = LetterRun.objects.create(contest=contest, roll_entry=roll_entry, total=total, created_by=actor)
    log(contest=contest, action="letters_reissued" if roll_entry else "letters_ordered", actor=actor, run=run.pk,
        letters=total, **({"roll_entry": roll_entry.pk} if roll_entry else {}))
    transaction.on_commit(lambda: print_letters.delay(run.pk), robust=True)
    return run


def code_page_url(contest: Contest) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("voting:code_vote", args=[contest.pk])


def letter_context(contest: Contest) -> letter_pdf.LetterContext:
    """The vote's part of every letter, in the site's language."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()

    def when(moment):
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")

    return letter_pdf.LetterContext(
        sender=(site.site_name if site and site.site_name else "") or _("Your town hall"),
        title=contest.title, question=contest.question, opens=when(contest.opens_at), closes=when(contest.closes_at),
        url=code_page_url(contest),
    )


def address_lines(entry: RollEntry) -> tuple[str, ...]:
    """The envelope's lines: given names and the name in use (postal custom: the family name in capitals)."""
    name = f"{entry.given_names} {(entry.usage_name or entry.family_name).upper()}".strip()
    town = f"{entry.postcode} {entry.town.upper()}".strip()
    return tuple(line for line in (name, entry.address, town) if line)


def run_letters(*, run: LetterRun) -> LetterRun:
    """Print a run: batch after batch, each one file and one transaction. Safe to run again (it resumes)."""
    contest = run.contest
    if run.status == LetterRun.Status.DONE:
        return run
    try:
        assert_can_mail(contest)
    except NotReady as error:
        LetterRun.objects.filter(pk=run.pk).update(status=LetterRun.Status.FAILED, error=str(error.message))
        run.refresh_from_db()
        return run
    LetterRun.objects.filter(pk=run.pk).update(status=LetterRun.Status.RUNNING)
    entries = contest_entries(contest).order_by("pk")
    if run.roll_entry_id:
        entries = entries.filter(pk=run.roll_entry_id)
    with translation.override(settings.LANGUAGE_CODE):
        context = letter_context(contest)
        while True:
            run.refresh_from_db(fields=["last_entry_id", "files", "done"])
            batch = list(entries.filter(pk__gt=run.last_entry_id)[:BATCH_SIZE])
            if not batch:
                break
            _print_batch(run, context, batch)
    LetterRun.objects.filter(pk=run.pk).update(status=LetterRun.Status.DONE)
    run.refresh_from_db()
    return run


def _print_batch(run: LetterRun, context, batch: list[RollEntry]) -> None:
    with transaction.atomic():
        issued = issue_codes(contest=run.contest, entries=batch, run=run)
        buffer = io.BytesIO()
        letter_pdf.render(buffer, context, (letter_pdf.Letter(address=address_lines(item.entry), code=item.printed)
                                            for item in issued))
        number = len(run.files) + 1
        name = LetterRun.storage().save(f"letters/{run.contest_id}/run-{run.pk}-{number:04d}.pdf",
                                        ContentFile(buffer.getvalue()))
        LetterRun.objects.filter(pk=run.pk).update(
            done=F("done") + len(batch), last_entry_id=batch[-1].pk, files=[*run.files, name],
        )


def open_file(*, run: LetterRun, number: int, actor):
    """A run's ``number``-th PDF (from 1), opened for download; the download is logged. Raises NotReady."""
    if not 1 <= number <= len(run.files):
        raise NotReady(_("This file does not exist, or was deleted."))
    log(contest=run.contest, action="letters_downloaded", actor=actor, run=run.pk, file=number)
    return LetterRun.storage().open(run.files[number - 1], "rb")


def delete_files(*, run: LetterRun, actor) -> int:
    """Delete a run's PDF files once printed (the codes in them stay valid); return how many."""
    storage = LetterRun.storage()
    for name in run.files:
        storage.delete(name)
    count = len(run.files)
    LetterRun.objects.filter(pk=run.pk).update(files=[])
    log(contest=run.contest, action="letters_deleted", actor=actor, run=run.pk, files=count)
    run.refresh_from_db()
    return count
