"""Council elections: the election page, its councils, ballots, trustees and candidates."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.video import privacy_embed_url
from voting.models import Contest

from ...models import Council
from ..forms import ElectionPageForm
from .schedule import INTRO_FEATURES, VoteSchedule, VoteTrustee


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

    def applications_open(self, now=None, contests=None) -> bool:
        """Residents may apply while the page is live, before the deadline and before any ballot is sealed."""
        now = now or timezone.now()
        contests = self.contests() if contests is None else contests
        return self.live and now < self.applications_close_at and not any(c.is_frozen for c in contests)

    def get_context(self, request, *args, **kwargs):
        from ..views import election_context

        context = super().get_context(request, *args, **kwargs)
        context.update(election_context(request, self))
        return context

    @path("candidature/", name="apply")
    def apply(self, request):
        from ..views import apply_as_candidate

        return apply_as_candidate(request, self)

    @path("inscription/", name="prove_roll")
    def prove_roll(self, request):
        from ..views import find_my_ballot

        return find_my_ballot(request, self)

    @path("resultats/", name="results")
    def results(self, request):
        from ..views import election_results

        return election_results(request, self)

    # Campaign kits (``councils.kits``): each approved candidate's public page and, for them, their kit.
    @path("candidats/<int:candidate_id>-<str:slug>/", name="campaign")
    def campaign(self, request, candidate_id, slug):
        from ...kits.views import campaign_page

        return campaign_page(request, self, candidate_id, slug)

    @path("candidats/<int:candidate_id>/kit/", name="kit")
    def kit(self, request, candidate_id):
        from ...kits.views import ambassador_page

        return ambassador_page(request, self, candidate_id)

    @path("candidats/<int:candidate_id>/kit/<slug:key>/", name="kit_file")
    def kit_file(self, request, candidate_id, key):
        from ...kits.views import download

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
        if self.council_id and self.election_id:
            site = self.election.get_site()
            if site is not None and self.council.site_id not in (None, site.pk):
                raise ValidationError({"council": _("This council is not one of the election's collectivity.")})

    def get_site(self):
        """The site of its election's page: whose election officers review it (``common.scoping``)."""
        return self.election.get_site()

    @property
    def embed_url(self) -> str | None:
        return privacy_embed_url(self.video_url) if self.video_url else None
