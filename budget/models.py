"""The participatory budget: an edition's page, residents' ideas, their history and the finalist vote."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from councils.forms import limit_councils, page_form_site

from .blocks import BudgetStreamBlock
from .phases import PHASE_STARTS, budget_phase


class BudgetPageForm(WagtailAdminPageForm):
    """Council envelopes name the budget's own collectivity's councils only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_councils(self, page_form_site(self), "council")


WINNERS_RULES_HELP = _(
    "<p><strong>Most votes first, within the envelope</strong>: projects are taken from the most voted down "
    "while the envelope allows; one that no longer fits is skipped. Simple to explain, but a majority can "
    "take every project and whole neighbourhoods get nothing.</p>"
    "<p><strong>Method of Equal Shares</strong> (used by Wieliczka, Aarau, Assen…): each voter gets an equal "
    "part of the envelope; a project is funded when its supporters, sharing its cost as equally as possible, "
    "can pay for it with their parts. Every group of voters gets projects in proportion to its size. What is "
    "left is then spent on the most voted projects that still fit. Each ballot is shuffled anonymously and "
    "decrypted by the trustees to count it; anyone can re-check the count.</p>"
)


class BudgetPage(RoutablePageMixin, Page):
    """One edition of the participatory budget: its envelope, criteria, phases and vote rule.

    Communications staff create it in the admin and compose its body from the
    budget blocks (timeline, submission form, gallery, finalist vote,
    results, statistics); the blocks follow the phase computed from the
    dates. Each idea has its own address under the page (``idees/<id>/``).
    """

    class VoteRule(models.TextChoices):
        APPROVAL = "approval", _("each resident chooses up to N finalists")
        KNAPSACK = "knapsack", _("each resident chooses finalists within the envelope")

    class WinnersRule(models.TextChoices):
        GREEDY = "greedy", _("most votes first, within the envelope")
        EQUAL_SHARES = "equal-shares", _("Method of Equal Shares")

    intro = models.TextField(_("introduction"), blank=True)
    envelope = models.PositiveIntegerField(_("envelope (EUR)"), help_text=_("The amount the town commits to the winners."))
    population = models.PositiveIntegerField(
        _("population"), null=True, blank=True,
        help_text=_("Number of residents of the town, for the share of the population registered in the statistics."),
    )
    ideas_open_at = models.DateTimeField(_("ideas open"))
    review_starts_at = models.DateTimeField(_("ideas close, review starts"))
    vote_opens_at = models.DateTimeField(_("vote opens"))
    vote_closes_at = models.DateTimeField(_("vote closes, counting starts"))
    results_at = models.DateTimeField(_("results published"))
    vote_rule = models.CharField(_("vote rule"), max_length=20, choices=VoteRule.choices, default=VoteRule.KNAPSACK)
    max_choices = models.PositiveSmallIntegerField(
        _("finalists a resident may choose"), null=True, blank=True, help_text=_("For the “up to N finalists” rule.")
    )
    winners_rule = models.CharField(
        _("how projects win"), max_length=20, choices=WinnersRule.choices, default=WinnersRule.GREEDY,
        help_text=_("Frozen with the finalist vote once the finalists are selected."),
    )
    trustees_needed = models.PositiveSmallIntegerField(
        _("trustees needed to count"), default=2,
        help_text=_("How many of the trustees below must decrypt the totals to count the vote."),
    )
    body = StreamField(BudgetStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("envelope"), FieldPanel("population"),
             InlinePanel("council_envelopes", label=_("Council envelope"), heading=_("Optional envelopes per council"))],
            heading=_("Envelope"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("ideas_open_at"), FieldPanel("review_starts_at")]),
             FieldRowPanel([FieldPanel("vote_opens_at"), FieldPanel("vote_closes_at"), FieldPanel("results_at")])],
            heading=_("Phases"),
        ),
        InlinePanel("criteria", label=_("Criterion"), heading=_("Eligibility criteria (shown to residents)"), min_num=1),
        MultiFieldPanel(
            [FieldPanel("vote_rule"), FieldPanel("max_choices"),
             HelpPanel(content=WINNERS_RULES_HELP, heading=_("How projects win: the two rules")),
             FieldPanel("winners_rule"), FieldPanel("trustees_needed"),
             InlinePanel("trustees", label=_("Trustee"), heading=_("Trustees of the vote's key"))],
            heading=_("Finalist vote"),
        ),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    base_form_class = BudgetPageForm
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("participatory budget")

    def clean(self):
        super().clean()
        errors = {}
        dates = [(field, getattr(self, field)) for _phase, field in PHASE_STARTS]
        for (_previous, earlier), (field, later) in zip(dates, dates[1:]):
            if earlier and later and later <= earlier:
                errors[field] = _("Each phase must start after the previous one.")
        if self.vote_rule == self.VoteRule.APPROVAL and not self.max_choices:
            errors["max_choices"] = _("Give how many finalists a resident may choose.")
        frozen = FinalistVote.objects.filter(budget_id=self.pk).values_list("contest__winners_rule", flat=True).first()
        if self.pk and frozen is not None and frozen != self.winners_rule:
            errors["winners_rule"] = _(
                "The finalist vote is sealed with the rule “%(rule)s”: how projects win can no longer change."
            ) % {"rule": self.WinnersRule(frozen).label}
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"vote_opens_at", "vote_closes_at", "results_at"} & set(update_fields):
            from .services import sync_vote_dates  # services import this module

            sync_vote_dates(budget=self)

    def phase(self, now=None):
        return budget_phase(self, now)

    def idea_url(self, idea) -> str:
        return self.url + self.reverse_subpage("idea", args=[idea.pk])

    @path("idees/proposer/", name="submit_idea")
    def submit_idea_route(self, request):
        from . import views

        return views.submit_idea(request, self)

    @path("idees/proposer-avec-aide/", name="assisted_idea")
    def assisted_idea_route(self, request):
        from . import assisted_views

        return assisted_views.prepare_idea(request, self)

    @path("idees/proposer-avec-aide/<int:request_id>/", name="confirm_assisted_idea")
    def confirm_assisted_idea_route(self, request, request_id):
        from . import assisted_views

        return assisted_views.confirm_idea(request, self, request_id)

    @path("idees/<int:idea_id>/", name="idea")
    def idea_route(self, request, idea_id):
        from . import views

        return views.idea_detail(request, self, idea_id)

    @path("idees/<int:idea_id>/modifier/", name="edit_idea")
    def edit_idea_route(self, request, idea_id):
        from . import views

        return views.edit_idea(request, self, idea_id)

    @path("statistiques/csv/", name="statistics_csv")
    def statistics_csv_route(self, request):
        from . import views

        return views.statistics_csv(request, self)


class EligibilityCriterion(Orderable):
    """One published criterion an idea must meet (e.g. “in the town's remit”); the review checks each."""

    page = ParentalKey(BudgetPage, on_delete=models.CASCADE, related_name="criteria")
    text = models.CharField(_("criterion"), max_length=250)

    panels = [FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("eligibility criterion")
        verbose_name_plural = _("eligibility criteria")

    def __str__(self):
        return self.text


class CouncilEnvelope(Orderable):
    """Part of the envelope capped for one council's projects (optional)."""

    page = ParentalKey(BudgetPage, on_delete=models.CASCADE, related_name="council_envelopes")
    council = models.ForeignKey("councils.Council", verbose_name=_("council"), on_delete=models.CASCADE, related_name="+")
    amount = models.PositiveIntegerField(_("envelope (EUR)"))

    panels = [FieldRowPanel([FieldPanel("council"), FieldPanel("amount")])]

    class Meta(Orderable.Meta):
        verbose_name = _("council envelope")
        verbose_name_plural = _("council envelopes")
        constraints = [models.UniqueConstraint(fields=["page", "council"], name="budget_one_envelope_per_council")]


class BudgetTrustee(Orderable):
    """Someone who will hold a share of the finalist vote's key (mayor's office, opposition…)."""

    page = ParentalKey(BudgetPage, on_delete=models.CASCADE, related_name="trustees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=150, help_text=_("e.g. “Opposition group”"))

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("user")])]

    class Meta(Orderable.Meta):
        verbose_name = _("trustee")
        verbose_name_plural = _("trustees")


class IdeaQuerySet(models.QuerySet):
    def visible(self):
        """Ideas shown to the public: not hidden by moderators."""
        return self.filter(hidden_at__isnull=True)


class Idea(models.Model):
    """A resident's idea for one budget edition, from submission to (perhaps) a winning project.

    States: submitted → eligible or not eligible (with a reason the author
    sees) → finalist → winner. The description is plain text, always
    escaped. Every change of the text is kept in ``IdeaRevision``.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        ELIGIBLE = "eligible", _("eligible")
        NOT_ELIGIBLE = "not_eligible", _("not eligible")
        FINALIST = "finalist", _("finalist")
        WINNER = "winner", _("winner")

    class Category(models.TextChoices):
        ENVIRONMENT = "environment", _("environment and nature")
        MOBILITY = "mobility", _("getting around")
        PUBLIC_SPACE = "public_space", _("public space")
        SPORT = "sport", _("sport and leisure")
        CULTURE = "culture", _("culture and heritage")
        SOLIDARITY = "solidarity", _("solidarity and health")
        YOUTH = "youth", _("youth and education")
        OTHER = "other", _("other")

    budget = models.ForeignKey(BudgetPage, verbose_name=_("budget"), on_delete=models.CASCADE, related_name="ideas")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=4000)
    council = models.ForeignKey(
        "councils.Council", verbose_name=_("neighbourhood"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="budget_ideas", help_text=_("Empty: the whole town."),
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    cost = models.PositiveIntegerField(_("estimated cost (EUR)"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.OTHER)
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="budget_ideas",
    )
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made with the help of"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
        help_text=_("The accredited helper who submitted it with the resident (accounts.assistance)."),
    )
    status = models.CharField(_("state"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    review_reason = models.TextField(
        _("review comment"), blank=True, help_text=_("Shown to the author and on the idea's page.")
    )
    checklist = models.JSONField(_("criteria checked"), default=list, blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True, editable=False)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True, editable=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["budget", "status"], name="budget_idea_status_idx")]
        permissions = [
            ("review_idea", _("Can review ideas against the eligibility criteria")),
            ("select_finalists", _("Can select the finalists and open the finalist vote")),
            ("hide_idea", _("Can hide an idea, giving a reason")),
            ("view_statistics", _("Can see and export the budget's statistics")),
        ]

    def get_site(self):
        """The site of its budget page: whose staff review it (``common.scoping``)."""
        return self.budget.get_site()

    def __str__(self):
        return self.title

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def url(self) -> str:
        return self.budget.idea_url(self)


class IdeaRevision(models.Model):
    """One state of an idea's text: as submitted, as the author edited it, as the committee rewrote it.

    A plain model rather than Wagtail revisions: ideas are not drafts to
    publish, and the history must say who changed what and with whose
    agreement, which a snapshot and a note say plainly.
    """

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("submitted by the author")
        EDITED = "edited", _("edited by the author")
        REWRITTEN = "rewritten", _("rewritten by the steering committee with the author's agreement")

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    snapshot = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("idea revision")
        verbose_name_plural = _("idea revisions")
        ordering = ["created_at", "pk"]


class FinalistVote(models.Model):
    """The link between an edition and the ballot-engine contest on its finalists (one per edition).

    Kept out of the page so that publishing an old draft of the page can never
    detach the contest. The unique budget is the last guard against two
    selections racing.
    """

    budget = models.OneToOneField(BudgetPage, on_delete=models.CASCADE, related_name="finalist_vote")
    contest = models.OneToOneField("voting.Contest", on_delete=models.PROTECT, related_name="+")
    selected_at = models.DateTimeField(default=timezone.now)
    selected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("finalist vote")
        verbose_name_plural = _("finalist votes")


class PhaseAnnouncement(models.Model):
    """That residents were told a phase opened (ideas, vote, results): each is sent once."""

    budget = models.ForeignKey(BudgetPage, on_delete=models.CASCADE, related_name="announcements")
    phase = models.CharField(max_length=20)
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["budget", "phase"], name="budget_announce_each_phase_once")]
