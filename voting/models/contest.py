"""A contest: one question (or one seat election), its options, rule, dates and key."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel


class Contest(ClusterableModel):
    """A vote on one question: a referendum, a council election, a budget's finalists.

    The engine knows nothing of councils or budgets: callers create a contest
    with options and dates. Once sealed (``sealed_at``), its options, rule,
    roll and key are frozen and the manifest's hash is published.
    """

    class Rule(models.TextChoices):
        SINGLE = "single", _("single choice")
        APPROVAL = "approval", _("approval (at most N choices)")
        PLURALITY = "plurality", _("multi-seat plurality (up to one choice per seat)")
        KNAPSACK = "knapsack", _("projects within an envelope")

    class WinnersRule(models.TextChoices):
        GREEDY = "greedy", _("most votes first, within the envelope")
        EQUAL_SHARES = "equal-shares", _("Method of Equal Shares")

    class Eligibility(models.TextChoices):
        ROLL = "roll", _("electoral roll")
        RESIDENTS = "residents", _("verified residents")

    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("question"))
    description = models.TextField(_("description"), blank=True)
    rule = models.CharField(_("counting rule"), max_length=20, choices=Rule.choices, default=Rule.SINGLE)
    max_choices = models.PositiveSmallIntegerField(
        _("maximum number of choices"), null=True, blank=True, help_text=_("For approval voting.")
    )
    seats = models.PositiveSmallIntegerField(_("seats"), default=1, help_text=_("For multi-seat plurality."))
    envelope = models.PositiveIntegerField(
        _("envelope (EUR)"), null=True, blank=True, help_text=_("For projects within an envelope.")
    )
    winners_rule = models.CharField(
        _("how projects win"), max_length=20, choices=WinnersRule.choices, default=WinnersRule.GREEDY,
        help_text=_("For projects with costs. Most votes first: projects are taken by votes while the envelope "
                    "allows. Method of Equal Shares: each voter gets an equal part of the envelope and a project is "
                    "funded when its supporters can pay for it together, so every group gets its fair share "
                    "(ballots are then shuffled and decrypted one by one, anonymously)."),
    )
    allow_blank = models.BooleanField(_("blank vote allowed"), default=True)

    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    proclaims_at = models.DateTimeField(_("results published at"))

    eligibility = models.CharField(
        _("who may vote"), max_length=20, choices=Eligibility.choices, default=Eligibility.ROLL
    )
    roll = models.ForeignKey(
        "voting.VoterRoll", verbose_name=_("electoral roll"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="contests",
    )
    area = models.CharField(
        _("territory (official code)"), max_length=9, blank=True,
        help_text=_("The territory the vote is for: its INSEE code (département, commune) or SIREN "
                    "(intercommunality). Empty: the whole territory of the collectivity issuing it."),
    )
    polling_stations = models.JSONField(
        _("polling stations"), default=list, blank=True,
        help_text=_("Only voters of these polling stations may vote (empty: the whole roll)."),
    )
    # Whose staff run it: the collectivity's site it was issued from (common.scoping). Empty: an
    # installation's first site, before territories.
    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("issued by (site)"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    threshold = models.PositiveSmallIntegerField(
        _("trustees needed to count"), default=2,
        help_text=_("How many trustees must decrypt the totals to count the votes."),
    )

    # The trustees' key ceremony (services.ceremony): from its start the options, rule,
    # roll and trustees are frozen; its descriptor's hash is the context of every step.
    ceremony = models.JSONField(null=True, blank=True, editable=False)
    ceremony_hash = models.CharField(max_length=64, blank=True, editable=False)
    # A complaint that held: {"accused": i, "by": j}. The ceremony must be started again.
    ceremony_failure = models.JSONField(null=True, blank=True, editable=False)

    # Frozen at sealing, when every trustee confirmed the key ceremony.
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True, editable=False)
    public_key = models.JSONField(null=True, blank=True, editable=False)
    manifest = models.JSONField(null=True, blank=True, editable=False)
    manifest_hash = models.CharField(max_length=64, blank=True, editable=False)

    # The chained part of the box: ballots are appended in batches (services.chaining)
    # under a row lock, so casting itself never waits for it.
    ballot_count = models.PositiveIntegerField(default=0, editable=False)
    head_hash = models.CharField(max_length=64, blank=True, editable=False)
    encrypted_sums = models.JSONField(null=True, blank=True, editable=False)
    # The same running sums per ballot group (voting.groups): {group: {"ballots": n, "sums": [...]}}.
    group_sums = models.JSONField(null=True, blank=True, editable=False)
    # Fixed when the box closes, before any decryption: the groups counted apart, small ones merged
    # ([{"name", "communes", "ballots", "sums"}]; empty: counted as a whole).
    tally_groups = models.JSONField(null=True, blank=True, editable=False)
    # Set once, after the close, when the last ballots are chained: nothing enters the box after it.
    box_closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-opens_at"]
        permissions = [
            ("seal_contest", _("Can seal a contest (start the key ceremony, freeze options)")),
            ("count_contest", _("Can count and proclaim a contest")),
            ("record_paper", _("Can record paper voters and results")),
            ("mail_codes", _("Can print voting-code letters, revoke and reissue codes")),
        ]

    def __str__(self):
        return self.title

    def get_site(self):
        return self.site

    @property
    def is_sealed(self) -> bool:
        return self.sealed_at is not None

    @property
    def is_frozen(self) -> bool:
        """Options, rule, roll and trustees can no longer change: the key ceremony has started."""
        return bool(self.ceremony_hash) or self.is_sealed

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The vote must close after it opens.")
        if self.closes_at and self.proclaims_at and self.proclaims_at < self.closes_at:
            errors["proclaims_at"] = _("Results cannot be published before the vote closes.")
        if self.rule == self.Rule.APPROVAL and not self.max_choices:
            errors["max_choices"] = _("Give the maximum number of choices for approval voting.")
        if self.rule == self.Rule.KNAPSACK and not self.envelope:
            errors["envelope"] = _("Give the envelope for a vote on projects within an envelope.")
        if self.winners_rule == self.WinnersRule.EQUAL_SHARES:
            if self.rule not in (self.Rule.APPROVAL, self.Rule.KNAPSACK):
                errors["winners_rule"] = _("The Method of Equal Shares needs a vote on projects (approval or "
                                           "projects within an envelope).")
            elif not self.envelope:
                errors["envelope"] = _("Give the envelope the Method of Equal Shares shares among voters.")
        if self.eligibility == self.Eligibility.ROLL and not self.roll_id:
            errors["roll"] = _("Choose the electoral roll, or let verified residents vote.")
        if errors:
            raise ValidationError(errors)


class Option(models.Model):
    """An answer, a candidate or a project of a contest."""

    contest = ParentalKey(Contest, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("label"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    cost = models.PositiveIntegerField(_("cost (EUR)"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    reference = models.CharField(
        _("reference"), max_length=100, blank=True,
        help_text=_("Identifier of the candidate or project in the module that created the option."),
    )

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label


class Trustee(models.Model):
    """A holder of a part of a contest's decryption key (mayor's office, opposition…).

    The key is born on the trustees' own devices (``voting.crypto.dkg``): the
    server stores only what each trustee publishes at each step of the key
    ceremony, signed by them, and never any secret. After the close, the
    trustee's device decrypts the encrypted totals; only that partial
    decryption, with its proof, is stored.
    """

    contest = ParentalKey(Contest, on_delete=models.CASCADE, related_name="trustees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trusteeships")
    name = models.CharField(_("name"), max_length=150, help_text=_("e.g. “Opposition group”"))
    index = models.PositiveSmallIntegerField(editable=False, null=True)
    certificate = models.JSONField(null=True, blank=True, editable=False)
    polynomial = models.JSONField(null=True, blank=True, editable=False)
    confirmation = models.JSONField(null=True, blank=True, editable=False)
    verification_key = models.CharField(max_length=66, blank=True, editable=False)
    partial_decryption = models.JSONField(null=True, blank=True, editable=False)
    # Equal shares: the partial decryption of the shuffled ballots (voting.mixnet), with proofs.
    mix_decryption = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("trustee")
        verbose_name_plural = _("trustees")
        ordering = ["contest", "index", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "index"], name="voting_trustee_unique_index"),
            models.UniqueConstraint(fields=["contest", "user"], name="voting_trustee_unique_user"),
        ]

    def __str__(self):
        return self.name
