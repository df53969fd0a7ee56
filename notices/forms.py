"""Forms of notices: a resident's preferences, Communications' notice to residents."""

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from councils.forms import site_councils
from councils.models import Council

from .models import TOPIC_PREFERENCES, NotificationPreferences


class PreferencesForm(forms.ModelForm):
    """What a resident wants to hear about, and whether more than one push a day."""

    class Meta:
        model = NotificationPreferences
        fields = [*TOPIC_PREFERENCES.values(), "more_than_daily"]


class StaffNoticeForm(forms.Form):
    """A notice from the town hall: to the residents of some councils (none ticked: the whole town).

    ``site``: the collectivity sending it, whose councils are offered.
    """

    councils = forms.ModelMultipleChoiceField(
        label=_("Councils"), queryset=Council.objects.order_by("name"), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: the whole town."),
    )
    title = forms.CharField(label=_("Title"), max_length=80, help_text=_("Short: phones cut long titles."))
    body = forms.CharField(label=_("Message"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    url = forms.CharField(
        label=_("Link"), max_length=300, required=False, help_text=_("A page of this site, e.g. /conseils/centre/"),
    )

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        if site is not None:
            # The sender's collectivity's councils only: another's is not a valid choice.
            self.fields["councils"].queryset = site_councils(site).order_by("name")

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        if url and not (url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)):
            raise forms.ValidationError(_("Enter a path on this site, starting with “/”."))
        return url
