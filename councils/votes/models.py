"""Council elections and local consultations: the pages residents see, run on the ballot engine.

Wagtail is the editorial layer here; every ballot is a ``voting.Contest``
created and sealed by :mod:`councils.votes.elections` and
:mod:`councils.votes.consultations`. The link from a page to its contests is
kept in ``ElectionBallot`` and ``ConsultationBallot`` rows rather than on the
pages' inline children: those children are stored in page revisions, and
publishing an older draft would restore a stale (empty) link.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.video import privacy_embed_url
from voting.models import Contest
from voting.phases import Phase, contest_phase

from ..models import Council
from .forms import ConsultationPageForm, ElectionPageForm

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

    def phase(self) -> Phase:
        return overall_phase(self.contests())

    def schedule(self) -> dict:
        """Opening, closing and proclamation as residents should read them: the sealed contest's, else the page's."""
        sealed = next((contest for contest in self.contests() if contest.is_sealed), None)
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


class ConsultationIndexPage(Page):
    """The town's votes: council elections and consultations, open, upcoming and past.

    Election officers may create and publish pages here (and nowhere else),
    alongside Communications: ``councils.votes.permissions`` gives them
    this section when it is created.
    """

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["councils.ConsultationPage", "councils.ElectionPage"]
    max_count = 1

    class Meta:
        verbose_name = _("votes and consultations index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        current, upcoming, past = [], [], []
        for page in self.get_children().live().public().specific():
            phase = page.phase()
            entry = {"page": page, "phase": phase, **page.schedule()}
            if phase is Phase.OPEN:
                current.append(entry)
            elif phase in (Phase.DRAFT, Phase.SCHEDULED):
                upcoming.append(entry)
            else:
                past.append(entry)
        current.sort(key=lambda entry: entry["closes_at"])
        upcoming.sort(key=lambda entry: entry["opens_at"])
        past.sort(key=lambda entry: entry["closes_at"], reverse=True)
        context.update(current=current, upcoming=upcoming, past=past, phases=Phase)
        return context


class ElectionPage(RoutablePageMixin, VoteSchedule, Page):
    """One election of neighbourhood councils: per council, its seats, candidates and ballot.

    Residents apply as candidates through the page (``candidature/``);
    officers approve them in the admin; approved candidates become the
    options of their council's contest (multi-seat plurality, the electoral
    roll restricted to the council's polling stations). A voter proves they
    are on the roll and is shown their own council's ballot only. The
    results (``resultats/``) merge online and paper votes.
    """

    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)
    applications_close_at = models.DateTimeField(
        _("applications close at"), help_text=_("Residents may apply as candidates on the page until then.")
    )
    roll = models.ForeignKey(
        "voting.VoterRoll",
        verbose_name=_("electoral roll"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The imported electoral list; each council's ballot is open to its polling stations' voters."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("applications_close_at"),
        *VoteSchedule.schedule_panels,
        FieldPanel("roll"),
        InlinePanel("council_seats", heading=_("Councils elected"), label=_("Council"), min_num=1),
        MultiFieldPanel(
            [
                HelpPanel(_("Trustees each keep a share of the key: no single person can count the votes.")),
                FieldPanel("threshold"),
                InlinePanel("trustees", label=_("Trustee"), min_num=1),
            ],
            heading=_("Trustees of the key"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    base_form_class = ElectionPageForm

    parent_page_types = ["councils.ConsultationIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("council election")

    def clean(self):
        super().clean()
        if self.applications_close_at and self.opens_at and self.applications_close_at > self.opens_at:
            raise ValidationError({"applications_close_at": _("Applications must close before voting opens.")})

    def ballot_rows(self):
        return self.ballots.select_related("council", "contest").order_by("council__name")

    def applications_open(self, now=None) -> bool:
        """Residents may apply while the page is live, before the deadline and before any ballot is sealed."""
        now = now or timezone.now()
        return self.live and now < self.applications_close_at and not any(c.is_frozen for c in self.contests())

    def get_context(self, request, *args, **kwargs):
        from .views import election_context

        context = super().get_context(request, *args, **kwargs)
        context.update(election_context(request, self))
        return context

    @path("candidature/", name="apply")
    def apply(self, request):
        from .views import apply_as_candidate

        return apply_as_candidate(request, self)

    @path("inscription/", name="prove_roll")
    def prove_roll(self, request):
        from .views import find_my_ballot

        return find_my_ballot(request, self)

    @path("resultats/", name="results")
    def results(self, request):
        from .views import election_results

        return election_results(request, self)

    # Campaign kits (``councils.kits``): each approved candidate's public page and, for them, their kit.
    @path("candidats/<int:candidate_id>-<str:slug>/", name="campaign")
    def campaign(self, request, candidate_id, slug):
        from ..kits.views import campaign_page

        return campaign_page(request, self, candidate_id, slug)

    @path("candidats/<int:candidate_id>/kit/", name="kit")
    def kit(self, request, candidate_id):
        from ..kits.views import ambassador_page

        return ambassador_page(request, self, candidate_id)

    @path("candidats/<int:candidate_id>/kit/<slug:key>/", name="kit_file")
    def kit_file(self, request, candidate_id, key):
        from ..kits.views import download

        return download(request, self, candidate_id, key)


class ElectionCouncil(Orderable):
    """A council elected in this election, and how many members it elects."""

    page = ParentalKey(ElectionPage, on_delete=models.CASCADE, related_name="council_seats")
    council = models.ForeignKey(Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="+")
    seats = models.PositiveSmallIntegerField(
        _("seats"), default=5, validators=[MinValueValidator(1), MaxValueValidator(50)], help_text=_("Members elected.")
    )

    panels = [FieldPanel("council"), FieldPanel("seats")]

    class Meta(Orderable.Meta):
        verbose_name = _("council elected")
        verbose_name_plural = _("councils elected")

    def __str__(self):
        return f"{self.council} ({self.seats})"


class ElectionTrustee(VoteTrustee):
    page = ParentalKey(ElectionPage, on_delete=models.CASCADE, related_name="trustees")


class ElectionBallot(models.Model):
    """The contest of one council in an election (one per council), created by the election services."""

    election = models.ForeignKey(ElectionPage, on_delete=models.CASCADE, related_name="ballots")
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")
    contest = models.OneToOneField(Contest, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("council ballot")
        verbose_name_plural = _("council ballots")
        constraints = [
            models.UniqueConstraint(fields=["election", "council"], name="councils_one_ballot_per_council"),
        ]

    def __str__(self):
        return f"{self.election} — {self.council}"


class Candidate(models.Model):
    """A resident standing for a council in an election; shown on the ballot once approved.

    One candidacy per account and election, whatever the council (the
    database constraint is the last guard). An approved candidate becomes an
    option of their council's contest, with ``reference`` = this id.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    election = models.ForeignKey(
        ElectionPage, verbose_name=_("election"), on_delete=models.CASCADE, related_name="candidates"
    )
    council = models.ForeignKey(Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="candidates")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidacies",
        help_text=_("Empty for an application received on paper."),
    )
    name = models.CharField(_("name"), max_length=120, help_text=_("As printed on the ballot."))
    photo = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("photo"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    statement = models.TextField(_("statement"), max_length=1500, help_text=_("Why you stand, in a few lines."))
    video_url = models.URLField(
        _("video"), blank=True, help_text=_("Optional: a YouTube, Vimeo, Dailymotion or PeerTube link.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    review_note = models.TextField(_("note to the candidate"), blank=True)

    panels = [
        FieldPanel("election"),
        FieldPanel("council"),
        FieldPanel("name"),
        FieldPanel("photo"),
        FieldPanel("statement"),
        FieldPanel("video_url"),
        FieldPanel("user"),
    ]

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["election", "council__name", "name"]
        permissions = [("review_candidate", _("Can approve or reject candidates"))]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "user"],
                condition=models.Q(user__isnull=False),
                name="councils_one_candidacy_per_election",
                violation_error_message=_("This account has already applied in this election."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.video_url and privacy_embed_url(self.video_url) is None:
            raise ValidationError({"video_url": _("This link is not a YouTube, Vimeo, Dailymotion or PeerTube video.")})

    @property
    def embed_url(self) -> str | None:
        return privacy_embed_url(self.video_url) if self.video_url else None


class ConsultationPage(RoutablePageMixin, VoteSchedule, Page):
    """A local consultation or consultative referendum: one or more questions, each a contest.

    The territory is the whole town or some councils; voters are the
    electoral roll of those councils' polling stations, or verified residents
    of those councils, optionally from a minimum age. Publishing the page
    seals its ballots; results stay sealed until the proclamation.
    """

    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)
    councils = ParentalManyToManyField(
        Council,
        verbose_name=_("territory"),
        blank=True,
        related_name="+",
        help_text=_("The councils whose residents are consulted. None ticked: the whole town."),
    )
    eligibility = models.CharField(
        _("who may vote"),
        max_length=20,
        choices=Contest.Eligibility.choices,
        default=Contest.Eligibility.RESIDENTS,
        help_text=_("Verified residents (a confirmed account), or voters of the electoral roll."),
    )
    roll = models.ForeignKey(
        "voting.VoterRoll",
        verbose_name=_("electoral roll"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Only when voters of the electoral roll are consulted."),
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Age reached by the closing date (residents: during its year). Empty: no minimum."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel("questions", heading=_("Questions"), label=_("Question"), min_num=1),
        *VoteSchedule.schedule_panels,
        MultiFieldPanel(
            [
                FieldPanel("councils", widget=forms.CheckboxSelectMultiple),
                FieldPanel("eligibility"),
                FieldPanel("roll"),
                FieldPanel("min_age"),
            ],
            heading=_("Who may vote"),
        ),
        MultiFieldPanel(
            [
                HelpPanel(_("Trustees each keep a share of the key: no single person can count the votes.")),
                FieldPanel("threshold"),
                InlinePanel("trustees", label=_("Trustee"), min_num=1),
            ],
            heading=_("Trustees of the key"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    base_form_class = ConsultationPageForm

    parent_page_types = ["councils.ConsultationIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("consultation")

    def clean(self):
        super().clean()
        if self.eligibility == Contest.Eligibility.ROLL and not self.roll_id:
            raise ValidationError({"roll": _("Choose the electoral roll, or consult verified residents.")})

    def ballot_rows(self):
        return self.ballots.select_related("contest").order_by("position")

    def territory(self) -> list[Council]:
        """The councils consulted; empty for the whole town."""
        return list(self.councils.all())

    def get_context(self, request, *args, **kwargs):
        from .views import consultation_context

        context = super().get_context(request, *args, **kwargs)
        context.update(consultation_context(request, self))
        return context

    @path("inscription/", name="prove_roll")
    def prove_roll(self, request):
        from .views import consultation_prove_roll

        return consultation_prove_roll(request, self)

    @path("voter/", name="cast")
    def cast(self, request):
        from .views import consultation_cast

        return consultation_cast(request, self)

    @path("recus/", name="receipts")
    def receipts(self, request):
        from .views import consultation_receipts

        return consultation_receipts(request, self)


class ConsultationQuestion(Orderable):
    """A question of a consultation and its answers, typed one per line."""

    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="questions")
    question = models.CharField(_("question"), max_length=300)
    description = models.TextField(_("explanation"), blank=True)
    answers = models.TextField(
        _("answers"), help_text=_("One answer per line, at least two. A blank vote is always offered.")
    )
    max_choices = models.PositiveSmallIntegerField(
        _("answers a voter may tick"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2)],
        help_text=_("Leave empty for a single answer."),
    )

    panels = [FieldPanel("question"), FieldPanel("description"), FieldPanel("answers"), FieldPanel("max_choices")]

    class Meta(Orderable.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.question

    def answer_list(self) -> list[str]:
        return [line.strip() for line in (self.answers or "").splitlines() if line.strip()]

    def clean(self):
        super().clean()
        answers = self.answer_list()
        if len(answers) < 2:
            raise ValidationError({"answers": _("Give at least two answers, one per line.")})
        if len({answer.casefold() for answer in answers}) != len(answers):
            raise ValidationError({"answers": _("Each answer must be different.")})
        if self.max_choices and self.max_choices > len(answers):
            raise ValidationError({"max_choices": _("A voter cannot tick more answers than there are.")})


class ConsultationTrustee(VoteTrustee):
    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="trustees")


class ConsultationBallot(models.Model):
    """The contest of one question of a consultation (``position`` is the question's rank)."""

    consultation = models.ForeignKey(ConsultationPage, on_delete=models.CASCADE, related_name="ballots")
    position = models.PositiveSmallIntegerField()
    contest = models.OneToOneField(Contest, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("question ballot")
        verbose_name_plural = _("question ballots")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "position"], name="councils_one_ballot_per_question"),
        ]


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


from .signals import connect as _connect_signals  # noqa: E402

_connect_signals()
