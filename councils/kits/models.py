"""Campaign kits: the template Communications edits per election, and each approved candidate's generated kit."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel

from home.models import hex_colour

from ..votes.models import Candidate, ElectionPage
from .texts import PLACEHOLDERS, unknown_placeholders

PLACEHOLDER_HELP = format_lazy(_("Placeholders: {names}."), names=", ".join("{%s}" % name for name in PLACEHOLDERS))
TEXT_FIELDS = ("headline", "call_to_action", "short_post", "long_post", "email_subject", "email_body", "flyer_title",
               "flyer_text")


class KitTemplate(models.Model):
    """How an election's campaign kits look and what their texts say, edited by Communications.

    One per election rather than one for the whole site: each election has
    its own dates, slogan and tone, and Communications keeps editing it
    while the vote is open, when the election page itself is frozen (its
    ballots are sealed). What is left empty falls back to the town's
    settings (colours, logo) and to the built-in texts, so an election with
    no template at all still gets sensible kits. Saving it re-renders the
    kits of the election's approved candidates.
    """

    election = models.OneToOneField(
        ElectionPage, verbose_name=_("election"), on_delete=models.CASCADE, related_name="kit_template"
    )
    primary_colour = models.CharField(
        _("panel colour"), max_length=7, blank=True, validators=[hex_colour],
        help_text=_("Behind the texts. Empty: the town's primary colour."),
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, blank=True, validators=[hex_colour],
        help_text=_("Rules and the placeholder behind candidates without a photo. Empty: the town's accent colour."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("logo"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("Empty: the town's logo."),
    )
    background = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("background picture"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional, behind the text panel: a tinted layer keeps the text readable."),
    )
    tutorial = models.ForeignKey(
        "home.TutorialPage", verbose_name=_("how to vote online"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("The flyer lists its steps. Empty: four built-in steps."),
    )
    headline = models.CharField(_("headline"), max_length=120, blank=True)
    call_to_action = models.CharField(_("under the QR code"), max_length=80, blank=True)
    short_post = models.TextField(_("short post"), max_length=280, blank=True)
    long_post = models.TextField(_("long post"), max_length=2000, blank=True)
    email_subject = models.CharField(_("e-mail subject"), max_length=150, blank=True)
    email_body = models.TextField(_("e-mail"), max_length=3000, blank=True)
    flyer_title = models.CharField(_("flyer title"), max_length=120, blank=True)
    flyer_text = models.TextField(_("flyer wording"), max_length=400, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldPanel("election"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("primary_colour"), FieldPanel("accent_colour")]),
                FieldPanel("logo"),
                FieldPanel("background"),
            ],
            heading=_("Look"),
        ),
        MultiFieldPanel(
            [
                HelpPanel(format_lazy("{} {}", PLACEHOLDER_HELP, _("Leave a text empty to use the built-in one."))),
                FieldPanel("headline"),
                FieldPanel("call_to_action"),
                FieldPanel("short_post"),
                FieldPanel("long_post"),
                FieldPanel("email_subject"),
                FieldPanel("email_body"),
            ],
            heading=_("Texts"),
        ),
        MultiFieldPanel(
            [FieldPanel("flyer_title"), FieldPanel("flyer_text"), FieldPanel("tutorial")], heading=_("Flyer")
        ),
    ]

    class Meta:
        verbose_name = _("campaign kit template")
        verbose_name_plural = _("campaign kit templates")

    def __str__(self):
        return str(self.election)

    def clean(self):
        super().clean()
        errors = {}
        for name in TEXT_FIELDS:
            unknown = unknown_placeholders(getattr(self, name))
            if unknown:
                errors[name] = _("Unknown placeholder %(found)s. %(help)s") % {
                    "found": ", ".join(unknown), "help": PLACEHOLDER_HELP,
                }
        if self.tutorial_id and self.election_id:
            site = self.election.get_site()
            if site is not None and self.tutorial.get_site() != site:
                errors["tutorial"] = _("Choose a tutorial of the election's own site.")
        if errors:
            raise ValidationError(errors)

    def get_site(self):
        """The site of its election's page: whose Communications edit it (``common.scoping``)."""
        return self.election.get_site()


class CandidateKit(models.Model):
    """The files last rendered for a candidate, and the fingerprint of what they were rendered from.

    Files live in ``PRIVATE_ROOT/kits/<candidate>/<fingerprint>/``, served
    only through views that check who asks. An unchanged fingerprint means
    the kit is current and is not rendered again.
    """

    candidate = models.OneToOneField(Candidate, on_delete=models.CASCADE, related_name="kit")
    fingerprint = models.CharField(max_length=64)
    files = models.JSONField(default=list, help_text="[{key, filename, content_type, bytes, width, height}]")
    warning = models.TextField(blank=True, help_text="Shown to the candidate, e.g. why their photo was not used.")
    rendered_at = models.DateTimeField()
    render_seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("candidate's campaign kit")
        verbose_name_plural = _("candidates' campaign kits")

    def __str__(self):
        return str(self.candidate)

    def file(self, key: str) -> dict | None:
        return next((item for item in self.files if item["key"] == key), None)


from .signals import connect as _connect_signals  # noqa: E402

_connect_signals()
