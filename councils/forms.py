"""Forms of the council pages: “find my council” and writing to a council."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .territory import normalise_postcode, postcode_validator


class PostcodeField(forms.CharField):
    """A French postcode, spaces forgiven: “49 000” is 49000."""

    default_validators = [postcode_validator]

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Postcode"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}))
        super().__init__(max_length=8, **kwargs)

    def to_python(self, value):
        return normalise_postcode(super().to_python(value))


class FindCouncilForm(forms.Form):
    """A postcode, a street, or both; the street settles postcodes shared by several councils."""

    postcode = PostcodeField(required=False)
    street = forms.CharField(
        label=_("Street"),
        required=False,
        max_length=200,
        help_text=_("e.g. rue des Tilleuls. Needed when several councils share your postcode."),
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("postcode") and not cleaned.get("street", "").strip():
            self.add_error("postcode", _("Enter your postcode or your street."))
        return cleaned


class CouncilContactForm(forms.Form):
    """A resident's message to a council, forwarded by e-mail and never stored."""

    sender_name = forms.CharField(
        label=_("Your name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    sender_email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("The council replies to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    message = forms.CharField(label=_("Message"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6}))
