"""A resident's profile: what they tell the town beyond their login."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_birth_year(year: int) -> None:
    """A plausible year of birth: not before 1900, not in the future."""
    if not 1900 <= year <= timezone.localdate().year:
        raise ValidationError(_("Enter a year between 1900 and this year."))


class Profile(models.Model):
    """Public name, neighbourhood council and notification choices of an account.

    Only what a feature needs, and all of it optional: the public name signs
    contributions, the council picks what the resident is shown, the birth
    year feeds age-band statistics and nothing else. The postcode that suggests the council is not
    stored. ``mailbox`` is the canonical sign-up address (``accounts.emails``):
    one mailbox, one account.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(
        _("public name"),
        max_length=60,
        blank=True,
        help_text=_("Optional. Shown next to your ideas and comments; without it they are signed “a resident”."),
    )
    council = models.ForeignKey(
        "councils.Council",
        verbose_name=_("neighbourhood council"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
    )
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[validate_birth_year],
        help_text=_("Optional. Used for statistics by age band and to check a minimum age (some consultations and volunteering missions); never shown."),
    )
    notify_vote_opened = models.BooleanField(_("a vote opens"), default=False)
    notify_results_published = models.BooleanField(_("results are published"), default=False)
    notify_idea_reviewed = models.BooleanField(_("one of my ideas has been reviewed"), default=False)
    mailbox = models.CharField(max_length=254, blank=True, editable=False)

    class Meta:
        verbose_name = _("resident profile")
        verbose_name_plural = _("resident profiles")
        constraints = [
            models.UniqueConstraint(fields=["mailbox"], condition=~models.Q(mailbox=""), name="one_account_per_mailbox")
        ]

    def __str__(self):
        return self.display_name


class CertifiedIdentity(models.Model):
    """The civil identity an identity provider (FranceConnect) certified for an account, at its last sign-in.

    Kept to find the resident on electoral rolls without typing
    (``voting.services.roll_matching``): birth name, every given name, birth
    date and birthplace as FranceConnect's "identité pivot" gives them.
    Refreshed at each FranceConnect sign-in; deleted with the account.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certified_identity")
    provider = models.CharField(_("identity provider"), max_length=30)
    subject = models.CharField(_("identifier at the provider"), max_length=255)
    birth_name = models.CharField(_("birth name"), max_length=150)
    given_names = models.CharField(_("given names"), max_length=200)
    birth_date = models.DateField(_("birth date"))
    birthplace = models.CharField(
        _("birthplace (INSEE code)"), max_length=10, blank=True, help_text=_("Empty for people born abroad.")
    )
    gender = models.CharField(_("gender"), max_length=20, blank=True)
    usage_name = models.CharField(_("usage name"), max_length=150, blank=True)
    certified_at = models.DateTimeField(_("certified at"))

    class Meta:
        verbose_name = _("certified identity")
        verbose_name_plural = _("certified identities")
        constraints = [models.UniqueConstraint(fields=["provider", "subject"], name="one_account_per_certified_identity")]

    def __str__(self):
        return f"{self.birth_name} {self.given_names}"


class AccreditedHelper(models.Model):
    """Someone allowed to submit contributions on behalf of residents who are present and agree.

    A town-hall desk agent or a volunteer ambassador, named by
    Communications staff (``accounts.add_accreditedhelper``). Helpers never
    vote for anyone: voting has no assisted route (design: the desk's route
    for voting is paper, or the resident's own mailed code).
    """

    class Role(models.TextChoices):
        DESK = "desk", _("town-hall desk agent")
        AMBASSADOR = "ambassador", _("volunteer ambassador")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="helper_accreditation"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    active = models.BooleanField(_("active"), default=True, help_text=_("Untick to withdraw the accreditation."))
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    named_at = models.DateTimeField(_("named at"), auto_now_add=True)
    # Whose Communications named them and read their log: the collectivity's site (common.scoping).
    # Empty: an installation's first site, before territories.
    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )

    class Meta:
        verbose_name = _("accredited helper")
        verbose_name_plural = _("accredited helpers")

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"

    def get_site(self):
        return self.site


class AssistedRequest(models.Model):
    """A contribution a helper prepared for a resident, waiting for the code sent to the resident.

    ``payload`` holds the contribution's fields until the resident's code
    confirms it; only an HMAC of the code is kept. Confirmed once, then
    ``object_id`` names what was created.
    """

    helper = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    resident = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=40)
    target = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    object_id = models.CharField(max_length=40, blank=True)


class AssistanceEvent(models.Model):
    """The audit log of assisted contributions: who helped whom, to do what, and how it ended. Append-only."""

    helper = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("helper"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    resident = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resident"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("action"), max_length=40)
    event = models.CharField(_("event"), max_length=20)
    object_id = models.CharField(_("object"), max_length=40, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assisted contribution event")
        verbose_name_plural = _("assisted contributions log")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.event}"

    def get_site(self):
        """The site of the helper's accreditation: whose Communications read this event (``common.scoping``)."""
        accreditation = AccreditedHelper.objects.filter(user_id=self.helper_id).first()
        return accreditation.site if accreditation else None
