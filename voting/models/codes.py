"""Voting codes mailed by post, and the runs of letters that carry them.

A resident of a roll-based vote can vote with no account: the town hall
mails each elector a letter with a one-time code (``services.codes``). Only
a slow hash of the code's secret part is kept; its first characters, which
are not secret, find the row without trying every hash.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..storage import private_storage


class VotingCode(models.Model):
    """One elector's voting code for one contest.

    ``lookup`` is the code's first characters (printed, not secret): it finds
    the row. ``secret_hash`` is the argon2id hash of the rest. A code is
    live until revoked (a reissued letter revokes the previous one). It is
    *used* when its elector has a participation in the contest: no column
    here records when or whether it served, so the code is never a link
    between the elector and a ballot.
    """

    contest = models.ForeignKey("voting.Contest", on_delete=models.CASCADE, related_name="voting_codes")
    roll_entry = models.ForeignKey("voting.RollEntry", on_delete=models.PROTECT, related_name="voting_codes")
    lookup = models.CharField(_("lookup part"), max_length=8)
    secret_hash = models.CharField(max_length=200)
    run = models.ForeignKey("voting.LetterRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="codes")
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("voting code")
        verbose_name_plural = _("voting codes")
        constraints = [
            models.UniqueConstraint(fields=["contest", "lookup"], name="voting_code_unique_lookup"),
            models.UniqueConstraint(
                fields=["contest", "roll_entry"], condition=Q(revoked_at__isnull=True), name="voting_code_one_live_per_entry"
            ),
        ]

    def __str__(self):
        return f"{self.lookup}…"


class LetterRun(models.Model):
    """Officers' order to print voting-code letters: for the whole roll, or one elector's new letter.

    A Celery task renders it in batches of PDF files (``files``, in private
    storage); ``done`` counts the letters rendered so far, and
    ``last_entry_id`` lets a task killed half-way resume after the last
    committed batch.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("printing")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    contest = models.ForeignKey("voting.Contest", on_delete=models.CASCADE, related_name="letter_runs")
    roll_entry = models.ForeignKey(
        "voting.RollEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("Only this elector (a reissued letter); empty: every elector of the vote."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("letters"), default=0)
    done = models.PositiveIntegerField(_("letters printed"), default=0)
    last_entry_id = models.BigIntegerField(default=0, editable=False)
    files = models.JSONField(_("PDF files"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("run of letters")
        verbose_name_plural = _("runs of letters")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.contest} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def progress_percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @staticmethod
    def storage():
        return private_storage()
