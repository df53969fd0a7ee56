"""Forms of resident accounts: sign-up, profile, account deletion."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from councils.forms import PostcodeField, site_councils
from councils.services import CouncilNotFound, SeveralCouncils, find_council

from .models import Profile
from .services import create_profile, mailbox_has_account


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, plus the public name, and one account per mailbox.

    An address whose mailbox already has an account (``jean+2@x.fr`` after
    ``jean@x.fr``) is answered exactly like an address already in use: no
    account is created and allauth e-mails the address instead, so the form
    reveals nothing about who has an account.
    """

    display_name = Profile._meta.get_field("display_name").formfield()
    field_order = ["email", "password1", "password2", "display_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")

    def validate_unique_email(self, value):
        email = super().validate_unique_email(value)
        if not self.account_already_exists and mailbox_has_account(email):
            self.account_already_exists = True
        return email

    def signup(self, request, user):
        create_profile(user=user, display_name=self.cleaned_data["display_name"])


class ProfileForm(forms.ModelForm):
    """What residents may change about themselves; a postcode suggests their council."""

    postcode = PostcodeField(
        required=False, help_text=_("Not stored: it only finds your council when you have not chosen one.")
    )

    class Meta:
        model = Profile
        fields = ["display_name", "council", "birth_year", "notify_vote_opened", "notify_results_published",
                  "notify_idea_reviewed"]

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].empty_label = _("I don't know yet")
        # The councils of the site they are on (their own collectivity's), and the one they chose before.
        councils = site_councils(site)
        if site is not None and self.instance.council_id:
            councils = councils | councils.model.objects.filter(pk=self.instance.council_id)
        self.fields["council"].queryset = councils.order_by("name")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "display_name",
            "council",
            "postcode",
            "birth_year",
            Fieldset(_("E-mail me when…"), "notify_vote_opened", "notify_results_published", "notify_idea_reviewed"),
        )

    def clean(self):
        cleaned = super().clean()
        postcode = cleaned.get("postcode")
        if postcode and not cleaned.get("council"):
            try:
                cleaned["council"] = find_council(postcode=postcode)
            except CouncilNotFound:
                self.add_error("postcode", _("No council covers this postcode. Choose yours in the list."))
            except SeveralCouncils:
                self.add_error("postcode", _("Several councils share this postcode. Choose yours in the list."))
        return cleaned


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for its password: a session left open is not enough."""

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password


class OnBehalfForm(forms.Form):
    """What an accredited helper adds to a contribution made for a resident beside them."""

    resident_email = forms.EmailField(
        label=_("The resident's e-mail address"),
        help_text=_("The confirmed address of their account: the confirmation code is sent there."),
    )
    attested = forms.BooleanField(
        label=_("The resident is here with me; I read this text back to them and they agree to submit it."),
        required=False,
    )


class ConfirmationCodeForm(forms.Form):
    """The six-digit code the resident received and gives the helper."""

    code = forms.CharField(
        label=_("Confirmation code received by the resident"), max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
