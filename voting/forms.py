"""Residents' forms: proving one is on the roll, checking a receipt; trustees' answer files.

The choice itself has no Django form: it is made and encrypted on the voter's
device (``voting/static/voting/js/ballot.js``) and never posted in clear.
"""

from django import forms
from django.utils.translation import gettext_lazy as _


MAX_ANSWER_FILE_BYTES = 64_000_000
"""A cap before reading; the service's own limit depends on the step (equal shares: one decryption per ballot)."""


class RollProofForm(forms.Form):
    """The details printed on a French voter card."""

    family_name = forms.CharField(label=_("Family name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    birth_date = forms.DateField(label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}))
    place = forms.CharField(
        label=_("Polling station number or postcode"), max_length=10,
        help_text=_("Both are printed on your voter card."),
    )


class VotingCodeForm(forms.Form):
    """The code of the letter mailed to an elector, and their birth date: no account, no e-mail."""

    code = forms.CharField(
        label=_("Voting code"), max_length=40,
        help_text=_("The 16 letters and digits printed on your letter, e.g. ABCD-EFGH-JKMN-PQRS."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    birth_date = forms.DateField(label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}))


class ReceiptCheckForm(forms.Form):
    tracker = forms.CharField(
        label=_("Your receipt"), min_length=64, max_length=80,
        help_text=_("The 64 characters given to you after your vote."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_tracker(self):
        return self.cleaned_data["tracker"].strip().lower()


class AnswerUploadForm(forms.Form):
    """The answer file the offline trustee tool (``python -m voting.trustee``) wrote."""

    answer_file = forms.FileField(label=_("Your answer file"))

    def clean_answer_file(self):
        upload = self.cleaned_data["answer_file"]
        if upload.size > MAX_ANSWER_FILE_BYTES:
            raise forms.ValidationError(_("This file is too large to be a trustee's answer."))
        return upload.read()
