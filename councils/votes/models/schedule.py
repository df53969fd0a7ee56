"""What elections and consultations share: their dates, their trustees, the phase of a group of contests, the notices sent."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

from voting.models import Contest
from voting.phases import Phase, contest_phase



INTRO_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3"]
PHASE_ORDER = list(Phase)


def overall_phase(contests) -> Phase:
    """Where a group of contests stands: the least advanced of them (in preparation without any)."""
    phases = [contest_phase(contest) for contest in contests]
    if not phases:
        return Phase.DRAFT
    return min(phases, key=PHASE_ORDER.index)


class VoteSchedule(models.Model):
    """Dates and key threshold shared by elections and consultations.

    Once the ballots are sealed the contests' own dates rule (an officer may
    open or close a vote by hand from its manage page): pages show those.
    """

    opens_at = models.DateTimeField(_("voting opens at"))
    closes_at = models.DateTimeField(_("online voting closes at"))
    proclaims_at = models.DateTimeField(
        _("results published at"), help_text=_("Results stay sealed until then, even for officers.")
    )
    threshold = models.PositiveSmallIntegerField(
        _("trustees needed to count"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("How many of the trustees below must decrypt the totals to count the votes."),
    )

    schedule_panels = [
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at"), FieldPanel("proclaims_at")], heading=_("Dates")),
    ]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The vote must close after it opens.")
        if self.closes_at and self.proclaims_at and self.proclaims_at < self.closes_at:
            errors["proclaims_at"] = _("Results cannot be published before the vote closes.")
        if errors:
            raise ValidationError(errors)

    def ballot_rows(self):
        """The page's contest links, in ballot order, with their contests (each page type says how)."""
        raise NotImplementedError

    def contests(self) -> list[Contest]:
        return [ballot.contest for ballot in self.ballot_rows()]

    def phase(self, contests: list[Contest] | None = None) -> Phase:
        """The page's phase; ``contests``: ``self.contests()`` already read (a page reads them once)."""
        return overall_phase(self.contests() if contests is None else contests)

    def schedule(self, contests: list[Contest] | None = None) -> dict:
        """Opening, closing and proclamation as residents should read them: the sealed contest's, else the page's."""
        contests = self.contests() if contests is None else contests
        sealed = next((contest for contest in contests if contest.is_sealed), None)
        source = sealed or self
        return {"opens_at": source.opens_at, "closes_at": source.closes_at, "proclaims_at": source.proclaims_at}


class VoteTrustee(Orderable):
    """A holder of one share of the ballots' decryption key (mayor's office, opposition, election officer).

    Copied to every contest of the page when the ballots are prepared. The
    trustee downloads their shares at /vote/garant/ with this account.
    """

    name = models.CharField(_("name"), max_length=150, help_text=_("e.g. “Opposition group”."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=models.Q(is_active=True) & (models.Q(is_staff=True) | models.Q(groups__isnull=False)),
        help_text=_("Staff accounts only: give the trustee an account in a staff group first."),
    )

    panels = [FieldPanel("name"), FieldPanel("user")]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("trustee")
        verbose_name_plural = _("trustees")

    def __str__(self):
        return self.name


class VoteNotice(models.Model):
    """A notification already sent about a contest: the scheduler sends each kind once.

    The unique constraint makes the beat task idempotent, even with two
    schedulers running. Only the number of recipients is kept, never who.
    """

    class Kind(models.TextChoices):
        OPENED = "opened", _("vote opened")
        REMINDER = "reminder", _("reminder before closing")
        RESULTS = "results", _("results published")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vote notification")
        verbose_name_plural = _("vote notifications")
        constraints = [models.UniqueConstraint(fields=["contest", "kind"], name="councils_one_notice_per_kind")]
