"""Local consultations: their index, the consultation page, its questions, ballots and trustees."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from voting.models import Contest
from voting.phases import Phase

from ...models import Council
from ..forms import ConsultationPageForm
from .schedule import INTRO_FEATURES, VoteSchedule, VoteTrustee


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
        from ..views import consultation_context

        context = super().get_context(request, *args, **kwargs)
        context.update(consultation_context(request, self))
        return context

    @path("inscription/", name="prove_roll")
    def prove_roll(self, request):
        from ..views import consultation_prove_roll

        return consultation_prove_roll(request, self)

    @path("voter/", name="cast")
    def cast(self, request):
        from ..views import consultation_cast

        return consultation_cast(request, self)

    @path("recus/", name="receipts")
    def receipts(self, request):
        from ..views import consultation_receipts

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
