"""Forms of the platform administrators' territory pages, and of residents' address."""

import re

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from . import codes
from .models import Territory
from .services.postcodes import POSTCODE
from .services.residences import communes_for_postcode

# A DNS name as Wagtail's Site stores it: labels of letters, digits and hyphens (no scheme, no path).
HOSTNAME = RegexValidator(
    re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$", re.IGNORECASE),
    _("Enter a host name only, such as saint-aubin.parvis.fr (no https://, no slash)."),
)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("INSEE file (CSV)"),
        help_text=_("The départements or communes of the Code officiel géographique, or the composition of the "
                    "intercommunalities, saved as CSV (UTF-8, Windows-1252 or Latin-1; ; or , as separator)."),
    )
    departements = forms.CharField(
        label=_("Only these départements"), required=False,
        help_text=_("Codes separated by spaces or commas, e.g. “49 53”. Empty: every row of the file."),
    )

    def clean_departements(self):
        values = {codes.normalise(value) for value in re.split(r"[\s,;]+", self.cleaned_data["departements"]) if value}
        for value in values:
            codes.validate_departement(value)
        return values


class PostcodeImportForm(forms.Form):
    file = forms.FileField(
        label=_("La Poste file (CSV)"),
        help_text=_("La Poste's “Base officielle des codes postaux” as published on data.gouv.fr (Latin-1 or UTF-8, "
                    "; or , as separator). Communes not known yet are skipped."),
    )


class JoinForm(forms.Form):
    hostname = forms.CharField(label=_("Address of its site"), max_length=253, validators=[HOSTNAME],
                               help_text=_("The host name residents will type, e.g. saint-aubin.parvis.fr."))
    port = forms.IntegerField(label=_("Port"), initial=80, min_value=1, max_value=65535,
                              help_text=_("80 behind the usual web server; change only for a test set-up."))
    name = forms.CharField(label=_("Name shown on the site"), max_length=120, required=False,
                           help_text=_("Empty: the territory's official name."))

    def clean_hostname(self):
        return self.cleaned_data["hostname"].strip().lower()


class ResidenceForm(forms.Form):
    """Postcode, then the commune among those La Poste gives it (picked for the resident when only one).

    Works without JavaScript in two steps: the postcode alone brings back the form with its communes.
    """

    postcode = forms.CharField(
        label=_("Postcode"), max_length=5, min_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code", "pattern": "[0-9]{5}"}),
        error_messages={"min_length": _("Enter your postcode: five digits, e.g. 49320.")},
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"), queryset=Territory.objects.none(), required=False, empty_label=_("Choose your commune"),
        help_text=_("Several communes may share a postcode."),
        error_messages={"invalid_choice": _("This commune does not have this postcode: choose one from the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        postcode = self.data.get("postcode") if self.is_bound else self.initial.get("postcode")
        self.communes = communes_for_postcode(postcode or "")
        self.fields["commune"].queryset = self.communes

    def clean_postcode(self):
        postcode = codes.normalise(self.cleaned_data["postcode"])
        if not POSTCODE.match(postcode):
            raise forms.ValidationError(_("Enter your postcode: five digits, e.g. 49320."))
        if not self.communes.exists():
            raise forms.ValidationError(_("No commune of this platform has the postcode %(postcode)s: check it."),
                                        params={"postcode": postcode})
        return postcode

    def clean(self):
        cleaned = super().clean()
        if "postcode" in cleaned and not cleaned.get("commune") and not self.has_error("commune"):
            communes = list(self.communes[:2])
            if len(communes) == 1:
                cleaned["commune"] = communes[0]
            else:
                self.add_error("commune", _("Several communes share this postcode: choose yours."))
        return cleaned
