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
