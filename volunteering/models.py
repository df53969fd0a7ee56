"""The volunteering space: associations, their missions, residents' offers of help, and the public index page.

Associations are plain models (residents register them, moderators approve
them); Wagtail is only the editorial layer: ``VolunteeringIndexPage`` is the
page editors place in the tree, and it serves every mission's and
association's public page as routes.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page
from wagtail.search import index


class Skill(models.Model):
    """A skill a mission asks for (“first aid”, “DIY”, “languages”), chosen from a short curated list.

    A small model rather than free taggit tags: the list is a filter residents
    pick from, so it must stay short and stable (“bricolage”, “Bricolage” and
    “petits travaux” would split it three ways); moderators keep it tidy in
    the admin, and associations choose from it.
    """

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self):
        return self.name


class Association(models.Model):
    """A local association, registered by a resident (its first representative) and approved by moderators.

    Only approved associations are shown to the public and may post missions.
    ``council`` is the neighbourhood it works in (empty: the whole town); ``site`` the collectivity's
    site it registered on, whose moderators review it (empty: an installation's first site, before
    territories).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting approval")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    description = models.TextField(_("description"), max_length=3000)
    logo = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("logo"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    council = models.ForeignKey(
        "councils.Council", verbose_name=_("neighbourhood council"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="associations",
    )
    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    status = models.CharField(_("state"), max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("association")
        verbose_name_plural = _("associations")
        permissions = [("review_association", _("Can approve or refuse associations"))]

    def get_site(self):
        return self.site

    def __str__(self):
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class Representative(models.Model):
    """A resident's account acting for an association: posts its missions and answers offers."""

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="representatives")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteering_roles")
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        constraints = [models.UniqueConstraint(fields=["association", "user"], name="one_role_per_association")]

    def __str__(self):
        return f"{self.user} — {self.association}"


class MissionQuerySet(models.QuerySet):
    def published(self):
        """Missions of approved associations: the only ones the public sees."""
        return self.filter(association__status=Association.Status.APPROVED)

    def taking_offers_at(self, now):
        """Missions still open for offers at ``now``: a one-off mission until it starts, a recurring one until it ends."""
        return self.filter(Q(schedule="", starts_at__gt=now) | (~Q(schedule="") & Q(ends_at__gt=now)))

    def with_accepted_count(self):
        """Each mission annotated with ``accepted_count``, in the same query (no count per row)."""
        return self.annotate(accepted_count=Count("offers", filter=Q(offers__status=Offer.Status.ACCEPTED)))


class Mission(models.Model):
    """A volunteering mission an association posts: what, when, where, how many volunteers, from what age.

    A one-off mission (a sports event) runs from ``starts_at`` to ``ends_at``
    and takes offers until it starts. A recurring one (“every Saturday
    9:00–12:00”) says so in ``schedule``; ``starts_at`` and ``ends_at`` bound
    the period, and offers stay open until it ends, since volunteers may join
    on the way.
    """

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="missions")
    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140)
    description = models.TextField(_("description"), max_length=4000)
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True, related_name="missions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    schedule = models.CharField(
        _("recurring schedule"), max_length=200, blank=True,
        help_text=_("For a regular mission, e.g. “every Saturday, 9:00–12:00”. Leave empty for a one-off mission."),
    )
    place = models.CharField(_("place"), max_length=200)
    council = models.ForeignKey(
        "councils.Council", verbose_name=_("neighbourhood council"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="missions",
    )
    volunteers_needed = models.PositiveSmallIntegerField(
        _("volunteers needed"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    minimum_age = models.PositiveSmallIntegerField(
        _("minimum age"), default=0, validators=[MaxValueValidator(99)], help_text=_("0: no minimum age."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MissionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        indexes = [models.Index(fields=["starts_at"]), models.Index(fields=["ends_at"])]

    def get_site(self):
        return self.association.site

    def __str__(self):
        return self.title

    def clean(self):
        """The admin's edit form checks the dates too (services check everything else)."""
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})

    @property
    def is_recurring(self) -> bool:
        return bool(self.schedule)

    @property
    def places_left(self) -> int:
        """Places still open; uses the listing's ``accepted_count`` annotation when present."""
        accepted = getattr(self, "accepted_count", None)
        if accepted is None:
            accepted = self.offers.filter(status=Offer.Status.ACCEPTED).count()
        return max(self.volunteers_needed - accepted, 0)

    @property
    def offers_close_at(self):
        """When the mission stops taking offers (whether full or not)."""
        return self.ends_at if self.is_recurring else self.starts_at


class Offer(models.Model):
    """A resident's offer to help on a mission, which the association accepts or declines.

    The volunteer's contact details are shown to the association only once
    accepted. ``volunteer`` becomes empty when the resident deletes their
    account (the offer then only counts, anonymously).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="offers")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="volunteering_offers"
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    age_confirmed = models.BooleanField(_("minimum age confirmed by the resident"), default=False)
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made with the help of"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("The accredited helper who made the offer with the resident (accounts.assistance)."),
    )
    status = models.CharField(_("state"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("offered at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("offer of help")
        verbose_name_plural = _("offers of help")
        constraints = [models.UniqueConstraint(fields=["mission", "volunteer"], name="one_offer_per_volunteer")]

    def __str__(self):
        return f"{self.mission} — {self.get_status_display()}"


class VolunteeringIndexPage(RoutablePageMixin, Page):
    """The volunteering space: missions open for offers, filterable, with each mission's and association's page.

    One per site. Routes: ``missions/<id>-<slug>/`` (a mission; residents offer
    help there) and ``associations/<slug>/`` (an approved association).
    """

    intro = models.TextField(_("introduction"), blank=True)
    per_page = 12

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("volunteering space")

    def mission_url(self, mission) -> str:
        return self.url + self.reverse_subpage("mission", args=[mission.pk, mission.slug])

    def association_url(self, association) -> str:
        return self.url + self.reverse_subpage("association", args=[association.slug])

    @path("", name="index")
    def index_route(self, request):
        from . import views

        return views.mission_index(request, self)

    @path("missions/<int:mission_id>-<slug:slug>/", name="mission")
    def mission_route(self, request, mission_id, slug):
        from . import views

        return views.mission_page(request, self, mission_id, slug)

    @path("associations/<slug:slug>/", name="association")
    def association_route(self, request, slug):
        from . import views

        return views.association_page(request, self, slug)
