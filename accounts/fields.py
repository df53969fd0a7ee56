"""An account named by its e-mail address in the admin's forms, never picked from a list of every account.

Wagtail renders a foreign key to the user model as a ``<select>`` of every account: on a platform of
a département, a town's election officer choosing trustees would read the whole platform's account
names (and the page would carry a million options). Staff type the e-mail address (or user name)
the person signed up with instead; an unknown one is an error of the field, and the form shows back
only the account it names.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AccountField(forms.ModelChoiceField):
    widget = forms.TextInput
    default_error_messages = {
        "invalid_choice": _("No account has this e-mail address or user name: they sign up on the site first, "
                            "then you can name them here."),
    }

    def __init__(self, queryset, **kwargs):
        kwargs.pop("to_field_name", None)
        super().__init__(queryset, **kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"})
        if not self.help_text:
            self.help_text = _("The e-mail address they signed up with (or their user name).")

    def prepare_value(self, value):
        # A saved value is the account's key (an int) or the account; what staff typed comes back as text.
        if hasattr(value, "_meta"):
            return value.email or value.get_username()
        if isinstance(value, int):
            account = self.queryset.filter(pk=value).first()
            return (account.email or account.get_username()) if account else ""
        return value or ""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        typed = str(value).strip()
        matches = list(self.queryset.filter(Q(email__iexact=typed) | Q(username=typed))[:2])
        if len(matches) != 1:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return matches[0]

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial)).strip().lower() != str(data or "").strip().lower()
