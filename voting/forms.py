"""Residents' forms: proving one is on the roll, choosing, checking a receipt; trustees' answer files."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Contest

BLANK = "blank"
MAX_ANSWER_FILE_BYTES = 2_000_000


class RollProofForm(forms.Form):
    """The details printed on a French voter card."""

    family_name = forms.CharField(label=_("Family name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    birth_date = forms.DateField(label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}))
    place = forms.CharField(
        label=_("Polling station number or postcode"), max_length=10,
        help_text=_("Both are printed on your voter card."),
    )


class BallotForm(forms.Form):
    """The choices of one contest, built from its frozen manifest.

    Single choice: radio buttons (plus “blank vote” when allowed);
    otherwise check boxes, where ticking none is a blank vote. The rule
    itself is checked by the casting service, not here.
    """

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.contest = contest
        manifest = contest.manifest or {}
        choices = [(str(option["id"]), option["label"]) for option in manifest.get("options", [])]
        if contest.rule == Contest.Rule.SINGLE:
            if contest.allow_blank:
                choices.append((BLANK, _("Blank vote")))
            self.fields["choice"] = forms.ChoiceField(
                label=contest.question, choices=choices, widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer, or the blank vote.")},
            )
        else:
            self.fields["choice"] = forms.MultipleChoiceField(
                label=contest.question, choices=choices, widget=forms.CheckboxSelectMultiple, required=False,
            )

    def option_ids(self) -> list[int]:
        """The chosen option ids (empty list for a blank vote)."""
        value = self.cleaned_data["choice"]
        values = [value] if isinstance(value, str) else value
        return [int(v) for v in values if v != BLANK]

    def chosen_labels(self) -> list[str]:
        labels = dict(self.fields["choice"].choices)
        return [labels[str(option_id)] for option_id in self.option_ids()]


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
