"""Voter rolls: the imported electoral list, one row per registered voter."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..storage import private_storage


class VoterRoll(models.Model):
    """An electoral list extract, imported all-or-nothing from a CSV file.

    The file is stored outside the public media folder and deleted once the
    import is done; ``errors`` keeps the per-row report of a failed import.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be imported")
        IMPORTING = "importing", _("importing")
        READY = "ready", _("ready")
        FAILED = "failed", _("import failed")

    name = models.CharField(_("name"), max_length=200)
    source_file = models.FileField(_("CSV file"), upload_to="rolls/", storage=private_storage, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    roll_hash = models.CharField(_("fingerprint"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Whose election officers hold it (common.scoping); empty: an installation's first site.
    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("electoral roll")
        verbose_name_plural = _("electoral rolls")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    def get_site(self):
        return self.site

    @property
    def progress_percent(self) -> int:
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


class RollEntry(models.Model):
    """One registered voter, as the roll lists them.

    ``family_name`` is the birth name ("Nom de naissance"), ``usage_name`` the
    name used day to day ("Nom d'usage", e.g. a spouse's); a voter may prove
    membership with either. ``match_name`` and ``usage_match_name`` are those
    names as matching compares them (``voting.normalize.name_key``: no accents,
    case, ligatures or separators). ``birthplace_code`` is the INSEE code of
    the commune of birth, when the extract has it: it tells homonyms apart.
    ``commune`` is the INSEE code of the commune the elector votes in: polling
    stations are numbered per commune, so a station is (commune, station).
    """

    roll = models.ForeignKey(VoterRoll, on_delete=models.CASCADE, related_name="entries")
    family_name = models.CharField(_("birth name"), max_length=150)
    usage_name = models.CharField(_("usage name"), max_length=150, blank=True)
    given_names = models.CharField(_("given names"), max_length=200)
    birth_date = models.DateField(_("birth date"))
    birthplace_code = models.CharField(_("birthplace (INSEE code)"), max_length=10, blank=True)
    # The commune the elector is registered in (INSEE code), when the roll spans several: a
    # département's or an intercommunality's roll. Empty on a single town's roll.
    commune = models.CharField(_("commune (INSEE code)"), max_length=5, blank=True)
    polling_station = models.CharField(_("polling station"), max_length=20)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    match_name = models.CharField(max_length=150, editable=False)
    usage_match_name = models.CharField(max_length=150, blank=True, editable=False)

    class Meta:
        verbose_name = _("roll entry")
        verbose_name_plural = _("roll entries")
        ordering = ["polling_station", "family_name", "given_names"]
        indexes = [
            models.Index(fields=["roll", "match_name", "birth_date"], name="voting_roll_match_idx"),
            models.Index(fields=["roll", "usage_match_name", "birth_date"], name="voting_roll_usage_match_idx"),
            # Turnout and electorate per town: an index-only count per (roll, commune).
            models.Index(fields=["roll", "commune", "polling_station"], name="voting_roll_commune_idx"),
        ]

    def __str__(self):
        return f"{self.family_name} {self.given_names} ({self.polling_station})"
