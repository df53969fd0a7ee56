"""Results: the decrypted online count, paper results per polling station."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Result(models.Model):
    """The count of a contest, computed once k trustees have decrypted the sums.

    Residents see it only once ``proclaimed_at`` is set (at the proclamation
    time by Celery beat, or by an officer).
    """

    contest = models.OneToOneField("voting.Contest", on_delete=models.CASCADE, related_name="result")
    online_counts = models.JSONField(default=dict)  # {option id: count}
    online_blank = models.PositiveIntegerField(default=0)
    online_ballots = models.PositiveIntegerField(default=0)
    decryption = models.JSONField(default=dict)  # sums, factors and trustees, for verification
    # Per group of ballots (voting.groups): [{"name", "communes", "ballots", "counts", "blank"}]; [] as a whole.
    groups = models.JSONField(default=list, blank=True)
    # Equal shares only: each shuffled ballot's approved option ids, and the rule's outcome
    # (voting.mixnet.outcome_to_dict); null otherwise.
    approvals = models.JSONField(null=True, blank=True)
    outcome = models.JSONField(null=True, blank=True)
    counted_at = models.DateTimeField(auto_now_add=True)
    proclaimed_at = models.DateTimeField(null=True, blank=True)
    proclaimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")


class PaperResult(models.Model):
    """What one polling station's officers counted on paper."""

    contest = models.ForeignKey("voting.Contest", on_delete=models.CASCADE, related_name="paper_results")
    polling_station = models.CharField(_("polling station"), max_length=20)
    counts = models.JSONField(_("votes per option"), default=dict)  # {option id: count}
    blank = models.PositiveIntegerField(_("blank ballots"), default=0)
    invalid = models.PositiveIntegerField(_("invalid ballots"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("paper result")
        verbose_name_plural = _("paper results")
        constraints = [
            models.UniqueConstraint(fields=["contest", "polling_station"], name="voting_paper_result_per_station"),
        ]

    @property
    def ballots(self) -> int:
        """Ballots found in the box: choices are counted per ballot for single choice only."""
        return self.blank + self.invalid + sum(self.counts.values())


class Mix(models.Model):
    """The closed box's ballots, folded, shuffled and re-encrypted, with the proof of shuffle.

    Made once, after the close, for a contest counted by equal shares
    (``services.mixing``). The permutation and re-encryption nonces are
    never stored: only what anyone can check against the box.
    """

    contest = models.OneToOneField("voting.Contest", on_delete=models.CASCADE, related_name="mix")
    shuffled = models.JSONField()  # [[{"alpha", "beta"}, ...], ...]: N ballots of w ciphertexts
    proof = models.JSONField(null=True, blank=True)  # null for an empty box: nothing to shuffle
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shuffled ballots")
        verbose_name_plural = _("shuffled ballots")
