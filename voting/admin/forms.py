"""Forms of the officers' admin: the contest form's extras, paper day, roll upload."""

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from common.scoping import scoped

from ..models import VoterRoll
from ..services import areas


class PollingStationsField(forms.CharField):
    """Polling stations typed as "001, 002" rather than as the JSON list the model keeps."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        return [station.strip() for station in super().to_python(value).split(",") if station.strip()]


# A contest may use the rolls of the sites where its officer may create or change contests.
ROLL_PERMISSIONS = ("voting.add_contest", "voting.change_contest")


class ContestAdminForm(WagtailAdminModelForm):
    """The contest's form; ``Contest.clean()`` still checks dates, rule and roll."""

    polling_stations = PollingStationsField(
        label=_("Polling stations"),
        required=False,
        help_text=_("Separated by commas, e.g. “001, 002”. Leave empty for the whole roll."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "roll" in self.fields and self.for_user is not None:
            # Only the rolls of the officer's own collectivities: another's is not a valid choice.
            self.fields["roll"].queryset = scoped(VoterRoll.objects.all(), self.for_user, ROLL_PERMISSIONS, site="site")

    def _post_clean(self):
        super()._post_clean()
        # The instance holds the form's values only now; a vote outside its issuer's territory is refused here.
        if "area" in self.fields and not self.errors:
            refusal = areas.contest_area_refusal(self.instance)
            if refusal:
                self.add_error("area", refusal)


class RollUploadForm(WagtailAdminModelForm):
    """A roll's name and CSV file; the file is required for a new roll, optional to rename one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        source_file = self.fields["source_file"]
        source_file.required = self.instance.pk is None
        source_file.validators.append(FileExtensionValidator(["csv", "txt"]))


class CombineRollsForm(forms.Form):
    """The new roll's name and the rolls (of the officer's own collectivities) it combines."""

    name = forms.CharField(label=_("Name of the new roll"), max_length=200)
    rolls = forms.ModelMultipleChoiceField(
        label=_("Rolls to combine"), queryset=VoterRoll.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Imported rolls of your collectivities; their electors are copied into the new roll."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        rolls = scoped(VoterRoll.objects.filter(status=VoterRoll.Status.READY), user,
                       ("voting.view_voterroll", "voting.change_voterroll"), site="site")
        self.fields["rolls"].queryset = rolls.order_by("name")


class VoterSearchForm(forms.Form):
    """Looking a voter up by family name at the polling station."""

    family_name = forms.CharField(label=_("Family name"), max_length=150, required=False)


class PaperResultForm(forms.Form):
    """One station's paper count: a number per option, then blank and invalid ballots.

    Options come from the sealed manifest, so the form offers exactly what
    the service will accept.
    """

    OPTION_PREFIX = "option_"

    def __init__(self, *args, options: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for option in options:
            self.fields[f"{self.OPTION_PREFIX}{option['id']}"] = forms.IntegerField(label=option["label"], min_value=0)
        self.fields["blank"] = forms.IntegerField(label=_("Blank ballots"), min_value=0)
        self.fields["invalid"] = forms.IntegerField(label=_("Invalid ballots"), min_value=0)

    @classmethod
    def initial_from(cls, paper_result) -> dict:
        """The form's values from a station's recorded result (None: nothing recorded yet)."""
        if paper_result is None:
            return {}
        initial = {f"{cls.OPTION_PREFIX}{option_id}": count for option_id, count in paper_result.counts.items()}
        return {**initial, "blank": paper_result.blank, "invalid": paper_result.invalid}

    def counts(self) -> dict[str, int]:
        return {
            name.removeprefix(self.OPTION_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(self.OPTION_PREFIX)
        }
