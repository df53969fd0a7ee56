"""Editorial page types of the site, and the town's site-wide settings."""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import ArticleStreamBlock, HighlightBlock, ParticipationStreamBlock, SocialLinkBlock, StepBlock, VideoBlock
from .colours import contrast_ratio

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB, e.g. #1d4f91."))


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """The town's identity and contacts, edited once by communications staff.

    Colours are checked against white text so buttons and the header keep the
    WCAG AA contrast ratio of 4.5:1 whatever the town picks.
    """

    town_name = models.CharField(_("town name"), max_length=120, default="Ma ville")
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("logo"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    primary_colour = models.CharField(_("primary colour"), max_length=7, default="#1d4f91", validators=[hex_colour])
    accent_colour = models.CharField(_("accent colour"), max_length=7, default="#a4262c", validators=[hex_colour])
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    social_links = StreamField([("link", SocialLinkBlock())], blank=True, verbose_name=_("social links"))
    privacy_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("privacy page"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    legal_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("legal notice page"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("accessibility statement"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accessibility_status = models.CharField(
        _("accessibility compliance"),
        max_length=20,
        choices=[
            ("none", _("non compliant")),
            ("partial", _("partially compliant")),
            ("full", _("fully compliant")),
        ],
        default="partial",
        help_text=_("Shown in the footer, as the RGAA requires."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("town_name"), FieldPanel("tagline"), FieldPanel("logo")], heading=_("Identity")
        ),
        MultiFieldPanel([FieldPanel("primary_colour"), FieldPanel("accent_colour")], heading=_("Colours")),
        MultiFieldPanel(
            [FieldPanel("contact_email"), FieldPanel("contact_phone"), FieldPanel("address"), FieldPanel("social_links")],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("privacy_page"),
                FieldPanel("legal_page"),
                FieldPanel("accessibility_page"),
                FieldPanel("accessibility_status"),
            ],
            heading=_("Footer pages"),
        ),
    ]

    class Meta:
        verbose_name = _("town settings")

    def clean(self):
        super().clean()
        errors = {}
        for field in ("primary_colour", "accent_colour"):
            colour = getattr(self, field)
            if hex_colour.regex.match(colour or "") and contrast_ratio(colour, "#ffffff") < 4.5:
                errors[field] = _(
                    "White text on this colour is hard to read (contrast %(ratio).1f:1, at least 4.5:1 needed). "
                    "Choose a darker colour."
                ) % {"ratio": contrast_ratio(colour, "#ffffff")}
        if errors:
            raise ValidationError(errors)


class HomePage(Page):
    """The town's participation home: a hero, current participations, latest articles."""

    hero_title = models.CharField(_("hero title"), max_length=150)
    hero_text = models.TextField(_("hero text"), blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("hero image"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_link = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("hero button page"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_link_label = models.CharField(_("hero button label"), max_length=60, blank=True)
    highlights_title = models.CharField(_("highlights title"), max_length=120, default="Participer en ce moment")
    highlights = StreamField([("highlight", HighlightBlock())], blank=True, verbose_name=_("highlights"))
    articles_title = models.CharField(_("articles title"), max_length=120, default="Comprendre et s'informer")
    article_count = models.PositiveSmallIntegerField(_("number of latest articles"), default=3)
    body = StreamField(ParticipationStreamBlock(), blank=True, verbose_name=_("more content"))

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("hero_title"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
                FieldPanel("hero_link"),
                FieldPanel("hero_link_label"),
            ],
            heading=_("Hero"),
        ),
        MultiFieldPanel([FieldPanel("highlights_title"), FieldPanel("highlights")], heading=_("Current participations")),
        MultiFieldPanel([FieldPanel("articles_title"), FieldPanel("article_count")], heading=_("Latest articles")),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("hero_text"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["home.ArticleIndexPage", "home.TutorialPage", "home.StandardPage", "councils.CouncilIndexPage",
                     "budget.BudgetPage", "councils.ConsultationIndexPage", "volunteering.VolunteeringIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def latest_articles(self):
        return (
            ArticlePage.objects.live()
            .public()
            .descendant_of(self)
            .select_related("image")
            .order_by("-date", "-pk")[: self.article_count]
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Called by the template inside the home fragment only: a kept fragment costs no query (``public()``
        # reads the view restrictions as soon as it is called).
        context["latest_articles"] = self.latest_articles
        return context


class ArticleIndexPage(Page):
    """Lists the pedagogical articles, newest first, ten a page, filterable by tag."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    per_page = 10

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.ArticlePage"]

    class Meta:
        verbose_name = _("article index")

    def articles(self, tag: str | None = None):
        articles = ArticlePage.objects.live().public().child_of(self).select_related("image").order_by("-date", "-pk")
        if tag:
            articles = articles.filter(tags__slug=tag)
        return articles

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # A NUL byte is in no tag, and PostgreSQL refuses it in a query (a 500 instead of an empty list).
        tag = request.GET.get("tag", "").replace("\x00", "") or None
        paginator = Paginator(self.articles(tag), self.per_page)
        try:
            page_obj = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            page_obj = paginator.page(1)
        except EmptyPage:
            page_obj = paginator.page(paginator.num_pages)
        context.update(
            page_obj=page_obj,
            current_tag=tag,
            tag_query=urlencode({"tag": tag}) if tag else "",
            tags=ArticlePageTag.tags_for_index(self),
        )
        return context


class ArticlePageTag(TaggedItemBase):
    """Through model linking articles to their tags."""

    content_object = ParentalKey("home.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE)

    @staticmethod
    def tags_for_index(index_page):
        """The tags used by live articles under this index, for the filter menu."""
        from taggit.models import Tag

        return (
            Tag.objects.filter(
                home_articlepagetag_items__content_object__in=ArticlePage.objects.live().public().child_of(index_page)
            )
            .distinct()
            .order_by("name")
        )


class ArticlePage(Page):
    """A pedagogical article: how the budget works, why councils matter, results explained."""

    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(_("summary"), max_length=300, help_text=_("Shown in listings and search results."))
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = StreamField(ArticleStreamBlock(), blank=True, verbose_name=_("body"))
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True, verbose_name=_("tags"))

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["home.ArticleIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")


class TutorialPage(Page):
    """A step-by-step guide, e.g. “voting online in 4 minutes”, with a video and a flyer."""

    intro = models.TextField(_("summary"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    video = StreamField(
        [("video", VideoBlock())],
        blank=True,
        max_num=1,
        verbose_name=_("video"),
    )
    steps = StreamField([("step", StepBlock())], verbose_name=_("steps"))
    flyer = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("flyer to download"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("duration_minutes"),
        FieldPanel("video"),
        FieldPanel("steps"),
        FieldPanel("flyer"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("steps")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("tutorial")


class StandardPage(Page):
    """A plain page for legal notices, privacy, accessibility statement or “about”."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(ParticipationStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage", "home.TutorialPage"]

    class Meta:
        verbose_name = _("standard page")
