"""Forms of the platform administrators' territory pages."""

import re

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from . import codes

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


class JoinForm(forms.Form):
    hostname = forms.CharField(label=_("Address of its site"), max_length=253, validators=[HOSTNAME],
                               help_text=_("The host name residents will type, e.g. saint-aubin.parvis.fr."))
    port = forms.IntegerField(label=_("Port"), initial=80, min_value=1, max_value=65535,
                              help_text=_("80 behind the usual web server; change only for a test set-up."))
    name = forms.CharField(label=_("Name shown on the site"), max_length=120, required=False,
                           help_text=_("Empty: the territory's official name."))

    def clean_hostname(self):
        return self.cleaned_data["hostname"].strip().lower()
