"""Territories, the collectivities among them that have joined, their staff groups; postcodes and residents' communes."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import codes


class Territory(models.Model):
    """A département, an intercommunality or a commune, with its official code and its place in the hierarchy.

    Three fixed levels (département ⊃ intercommunality ⊃ commune; a commune outside any
    intercommunality hangs from its département), so a plain parent link answers every question in
    at most two joins. A territory that *joins* the platform gets a site, a collection for its images
    and documents, and staff groups (``territories.services.sites.create_site``); until then it is
    only a place residents live in and votes may target.
    """

    class Kind(models.TextChoices):
        DEPARTEMENT = "departement", _("département")
        INTERCOMMUNALITY = "intercommunality", _("intercommunality")
        COMMUNE = "commune", _("commune")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(
        _("official code"), max_length=9,
        help_text=_("INSEE code of a département (49) or commune (49007); SIREN of an intercommunality (244900015)."),
    )
    name = models.CharField(_("name"), max_length=150)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    site = models.OneToOneField(
        "wagtailcore.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="territory",
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection", verbose_name=_("collection"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="territory",
    )

    # Which kinds a territory of each kind may be part of.
    PARENT_KINDS = {
        Kind.DEPARTEMENT: (),
        Kind.INTERCOMMUNALITY: (Kind.DEPARTEMENT,),
        Kind.COMMUNE: (Kind.INTERCOMMUNALITY, Kind.DEPARTEMENT),
    }
    VALIDATORS = {
        Kind.DEPARTEMENT: codes.validate_departement,
        Kind.INTERCOMMUNALITY: codes.validate_siren,
        Kind.COMMUNE: codes.validate_commune,
    }

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="territory_unique_code")]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        self.code = codes.normalise(self.code)
        errors = {}
        validate = self.VALIDATORS.get(self.kind)
        if validate:
            try:
                validate(self.code)
            except ValidationError as error:
                errors["code"] = error
        allowed = self.PARENT_KINDS.get(self.kind, ())
        if self.parent_id is None and self.kind != self.Kind.DEPARTEMENT:
            errors["parent"] = _("An intercommunality or a commune is part of a département or an intercommunality.")
        elif self.parent_id is not None and self.parent.kind not in allowed:
            errors["parent"] = _("A %(kind)s cannot be part of a %(parent)s.") % {
                "kind": self.get_kind_display(), "parent": self.parent.get_kind_display()}
        elif self.kind == self.Kind.COMMUNE and self.parent_id and not errors.get("code"):
            departement = self.departement()
            if departement and departement.code != codes.commune_departement(self.code):
                errors["parent"] = _("Commune %(code)s is not in département %(departement)s.") % {
                    "code": self.code, "departement": departement.code}
        if errors:
            raise ValidationError(errors)

    def ancestors(self) -> list["Territory"]:
        """From the nearest up: a commune's intercommunality, then its département."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def departement(self) -> "Territory | None":
        return self if self.kind == self.Kind.DEPARTEMENT else next(
            (node for node in self.ancestors() if node.kind == self.Kind.DEPARTEMENT), None)

    def communes(self) -> models.QuerySet:
        """The communes within this territory (itself, for a commune)."""
        Kind = self.Kind
        if self.kind == Kind.COMMUNE:
            return Territory.objects.filter(pk=self.pk)
        return Territory.objects.filter(kind=Kind.COMMUNE).filter(
            models.Q(parent=self) | models.Q(parent__parent=self))

    def contains(self, other: "Territory") -> bool:
        return other.pk == self.pk or any(node.pk == self.pk for node in other.ancestors())


class StaffGroup(models.Model):
    """One of a collectivity's staff groups: its members hold that role for that collectivity only.

    The group carries Wagtail's page permissions on the collectivity's home page and collection
    permissions on its collection (so the admin shows them their pages, images and documents and no
    one else's), and the permissions of its role for the collectivity's site only (Wagtail's
    ``GroupSitePermission``, which ``common.scoping`` reads for every record of a site).
    """

    class Role(models.TextChoices):
        EDITOR = "editor", _("editors")
        STEERING = "steering", _("steering committee")
        OFFICER = "officer", _("election officers")
        MODERATOR = "moderator", _("moderators")

    territory = models.ForeignKey(Territory, verbose_name=_("collectivity"), on_delete=models.CASCADE,
                                  related_name="staff_groups")
    group = models.OneToOneField(Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="collectivity")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("staff group")
        verbose_name_plural = _("staff groups")
        constraints = [models.UniqueConstraint(fields=["territory", "role"], name="one_staff_group_per_role")]

    def __str__(self):
        return f"{self.territory.name} — {self.get_role_display()}"


class PostalCode(models.Model):
    """One of La Poste's postcodes of a commune (“Base officielle des codes postaux”).

    Not a territory: one postcode may serve several communes and one commune several postcodes, so
    residents give both and the pair is checked here. ``label`` is La Poste's *libellé
    d'acheminement* (the town name printed under the postcode), which helps residents recognise
    their commune when its official name differs.
    """

    code = models.CharField(_("postcode"), max_length=5, db_index=True)
    commune = models.ForeignKey(Territory, verbose_name=_("commune"), on_delete=models.CASCADE,
                                related_name="postcodes", limit_choices_to={"kind": Territory.Kind.COMMUNE})
    label = models.CharField(_("delivery name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        ordering = ["code", "commune__name"]
        constraints = [models.UniqueConstraint(fields=["code", "commune"], name="one_postcode_per_commune")]

    def __str__(self):
        return f"{self.code} {self.commune.name}"


class Residence(models.Model):
    """Where a resident lives: their commune, which says their intercommunality and département.

    One per account, changed by the resident at any time from their profile; votes issued by a
    collectivity's site admit the residents it contains (``territories.eligibility``) and the home
    page lists what is open where they live. Only the commune and the postcode they gave are kept,
    never a street address.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE,
                                related_name="residence")
    commune = models.ForeignKey(Territory, verbose_name=_("commune"), on_delete=models.PROTECT,
                                related_name="residences", limit_choices_to={"kind": Territory.Kind.COMMUNE})
    postcode = models.CharField(_("postcode"), max_length=5)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("residence")
        verbose_name_plural = _("residences")

    def __str__(self):
        return f"{self.postcode} {self.commune.name}"

    def territories(self) -> list[Territory]:
        """The commune, then the territories it is part of (intercommunality, département)."""
        return [self.commune, *self.commune.ancestors()]
