"""Neighbourhood councils: their territory, the list of councils and each council's showcase page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.colours import contrast_ratio
from home.models import hex_colour

from .blocks import CouncilNewsBlock
from .forms import CouncilContactForm, CouncilPageForm, FindCouncilForm
from pagecache.fragments import query_key
from pagecache.shared import remembered

from .participations import current_participations
from .territory import normalise_street, postcode_validator


def validate_readable_under_white(colour: str) -> None:
    """Council colours carry white text (card bands, page header): keep WCAG AA contrast."""
    if hex_colour.regex.match(colour or "") and contrast_ratio(colour, "#ffffff") < 4.5:
        raise ValidationError(
            _("White text on this colour is hard to read (contrast %(ratio).1f:1, at least 4.5:1 needed). "
              "Choose a darker colour."),
            params={"ratio": contrast_ratio(colour, "#ffffff")},
        )


class Council(ClusterableModel):
    """A neighbourhood council and the territory it covers.

    The territory is a list of polling stations (used to match the electoral
    roll in council elections) and of postcodes, whole or street by street
    (used to find a resident's council). Its showcase is a ``CouncilPage``.
    """

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, blank=True, help_text=_("Made from the name when left empty."))
    # Whose staff edit it and whose pages choose it: the collectivity's site it was created on
    # (common.scoping). Empty: an installation's first site, before territories.
    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#1d4f91",
        validators=[hex_colour, validate_readable_under_white],
        help_text=_("Shown behind white text on the council's page and card."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("logo"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Messages sent from the council's page go to this address. No contact form without it."),
    )
    population = models.PositiveIntegerField(
        _("population"),
        null=True,
        blank=True,
        help_text=_("Residents of the territory (latest census): turnout is also reported as a share of it."),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("slug"),
                FieldPanel("colour"),
                FieldPanel("logo"),
                FieldPanel("email"),
                FieldPanel("population"),
            ],
            heading=_("Identity"),
        ),
        InlinePanel("areas", heading=_("Postcodes and streets"), label=_("Area"), min_num=1),
        InlinePanel("polling_stations", heading=_("Polling stations"), label=_("Polling station")),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        # Two towns may each have a "Centre": names are unique within a collectivity.
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"], name="councils_unique_name_per_site",
                violation_error_message=_("This collectivity already has a council with this name."),
            ),
            models.UniqueConstraint(
                fields=["site", "slug"], name="councils_unique_slug_per_site",
                violation_error_message=_("This collectivity already has a council with this slug."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_site(self):
        return self.site

    def clean(self):
        super().clean()
        if not self.slug:
            self.slug = slugify(self.name)

    def live_page(self):
        """The council's published showcase page, if any."""
        return self.pages.live().public().first()


class CouncilArea(Orderable):
    """A postcode, or one street of a postcode, inside a council's territory."""

    council = ParentalKey(Council, on_delete=models.CASCADE, related_name="areas")
    postcode = models.CharField(_("postcode"), max_length=5, validators=[postcode_validator])
    street = models.CharField(
        _("street"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty when the council covers the whole postcode."),
    )
    street_key = models.CharField(max_length=200, blank=True, editable=False, db_index=True)

    panels = [FieldPanel("postcode"), FieldPanel("street")]

    class Meta(Orderable.Meta):
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        indexes = [models.Index(fields=["postcode", "street_key"])]

    def __str__(self):
        return f"{self.postcode} {self.street}".strip()

    def save(self, *args, **kwargs):
        self.street_key = normalise_street(self.street)
        super().save(*args, **kwargs)


class PollingStation(Orderable):
    """A polling station of the council's territory; each belongs to a single council."""

    council = ParentalKey(Council, on_delete=models.CASCADE, related_name="polling_stations")
    code = models.CharField(_("number"), max_length=10, help_text=_("As printed on voters' cards, e.g. 3."))
    name = models.CharField(_("name"), max_length=150, help_text=_("e.g. École Jules-Ferry."))
    # The council's site, copied on save: each town numbers its stations from 1, so a number is
    # unique within a collectivity only, and the database can check that on one table.
    site = models.ForeignKey("wagtailcore.Site", null=True, editable=False, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("code"), FieldPanel("name")]

    class Meta(Orderable.Meta):
        verbose_name = _("polling station")
        verbose_name_plural = _("polling stations")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "code"],
                name="unique_polling_station_code_per_site",
                violation_error_message=_("A council of this collectivity already has a polling station with this number."),
            )
        ]

    def __str__(self):
        return f"{self.code} — {self.name}"

    def save(self, *args, **kwargs):
        self.site_id = self.council.site_id
        super().save(*args, **kwargs)


class CouncilIndexPage(Page):
    """Every council of the town, and “find my council” by postcode or street."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["councils.CouncilPage"]
    max_count = 1

    class Meta:
        verbose_name = _("council index")

    def council_pages(self):
        """The published council pages, in the order editors gave them in the page tree."""
        return CouncilPage.objects.live().public().child_of(self).select_related("council", "council__logo")

    def get_context(self, request, *args, **kwargs):
        from .services import CouncilNotFound, SeveralCouncils, find_council  # services import this module

        context = super().get_context(request, *args, **kwargs)
        form = FindCouncilForm(request.GET or None)
        context.update(council_pages=self.council_pages(), form=form)
        if form.is_valid():
            try:
                context["found"] = find_council(**form.cleaned_data)
            except SeveralCouncils as several:
                context["candidates"] = several.councils
            except CouncilNotFound:
                context["not_found"] = True
        return context


class CouncilPage(RoutablePageMixin, Page):
    """A council's showcase: who they are, what they do, what residents can join now.

    Members are edited inline; actions and news are a stream of news items,
    events, achievements, documents and videos. The participations block is
    filled by other apps through ``councils.participations``. Residents write
    to the council through the contact form (``contact/`` route).
    """

    council = models.ForeignKey(Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="pages")
    intro = models.TextField(_("summary"), max_length=300, help_text=_("Shown on the list of councils."))
    presentation = RichTextField(
        _("presentation"), blank=True, features=["bold", "italic", "link", "document-link", "ol", "ul", "h3"]
    )
    news = StreamField(CouncilNewsBlock(), blank=True, verbose_name=_("actions and news"))

    content_panels = Page.content_panels + [
        FieldPanel("council"),
        FieldPanel("intro"),
        FieldPanel("presentation"),
        InlinePanel("members", heading=_("Members"), label=_("Member")),
        FieldPanel("news"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("presentation"),
        index.SearchField("news"),
    ]

    base_form_class = CouncilPageForm
    parent_page_types = ["councils.CouncilIndexPage"]
    subpage_types: list[str] = []

    PARTICIPATIONS_PER_PAGE = 10  # a council can have a hundred missions open: a phone shows them ten at a time

    class Meta:
        verbose_name = _("council page")

    def clean(self):
        super().clean()
        if self.council_id:
            others = CouncilPage.objects.filter(council_id=self.council_id, alias_of__isnull=True).exclude(pk=self.pk)
            if self.alias_of_id is None and others.exists():
                raise ValidationError({"council": _("This council already has a page.")})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        def participations():
            # Open participations change with content or the clock only: kept until then (pagecache).
            found = remembered(request, f"council-participations:{self.council_id}:{get_language()}",
                               lambda: current_participations(self.council))
            return Paginator(found, self.PARTICIPATIONS_PER_PAGE).get_page(request.GET.get("page"))

        keep = query_key(request)
        context.update(
            members=self.members.select_related("photo"),
            # Read only when the page's lists are not kept for every visitor (parvis_fragments).
            participations=SimpleLazyObject(participations),
            list_key=" ".join(keep) if keep is not None else None,
        )
        return context

    @path("contact/", name="contact")
    def contact(self, request):
        """Residents' messages: the page with the form (GET); validate, hand them to the service, come back."""
        from common.http import client_ip

        from .services import TooManyMessages, contact_council  # services import this module

        back_to_form = HttpResponseRedirect(self.url + "#contact")
        if not self.council.email:
            return back_to_form
        if request.method != "POST":
            return self.render(request, context_overrides={"contact_form": CouncilContactForm()})
        form = CouncilContactForm(request.POST)
        if form.is_valid():
            try:
                contact_council(
                    council=self.council, sender_key=client_ip(request), **form.cleaned_data
                )
            except TooManyMessages:
                form.add_error(None, _("You have sent several messages in a short time. Please try again in an hour."))
            else:
                messages.success(request, _("Your message has been sent to the council. Thank you!"))
                return back_to_form
        return self.render(request, context_overrides={"contact_form": form})


class CouncilMember(Orderable):
    """A member of a council as presented on its page: public role, photo and a short bio."""

    class Role(models.TextChoices):
        PRESIDENT = "president", _("President")
        VICE_PRESIDENT = "vice_president", _("Vice-president")
        SECRETARY = "secretary", _("Secretary")
        TREASURER = "treasurer", _("Treasurer")
        MEMBER = "member", _("Member")

    page = ParentalKey(CouncilPage, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    photo = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("photo"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bio = models.TextField(_("short bio"), max_length=400, blank=True)

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("photo"), FieldPanel("bio")]

    class Meta(Orderable.Meta):
        verbose_name = _("council member")
        verbose_name_plural = _("council members")

    def __str__(self):
        return self.name


# Council elections and local consultations (``councils/votes/``) keep their
# models in their own package; importing them here registers them with Django.
from .votes.models import (  # noqa: E402, F401
    Candidate,
    ConsultationBallot,
    ConsultationIndexPage,
    ConsultationPage,
    ConsultationQuestion,
    ConsultationTrustee,
    ElectionBallot,
    ElectionCouncil,
    ElectionPage,
    ElectionTrustee,
    VoteNotice,
)

# Candidates' campaign kits (``councils/kits/``), likewise.
from .kits.models import CandidateKit, KitTemplate  # noqa: E402, F401
