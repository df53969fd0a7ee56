"""Residents' and the steering committee's forms. They check shapes; the rules are in ``services``."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from councils.forms import limit_councils
from councils.models import Council

from .exceptions import InvalidData
from .models import BudgetPage, Idea
from .services import validate_image


class IdeaForm(forms.Form):
    """An idea, as its author proposes or edits it. The description is plain text, shown as typed."""

    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What, for whom, why. Plain text: formatting and HTML are shown as typed."),
    )
    council = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=Council.objects.all(), required=False, empty_label=_("The whole town"),
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False,
                               help_text=_("A street, a park, a school… Optional."))
    category = forms.ChoiceField(label=_("Category"), choices=Idea.Category.choices)
    cost = forms.IntegerField(
        label=_("Estimated cost (EUR)"), min_value=0,
        error_messages={"min_value": _("The cost cannot be negative."), "invalid": _("Give the cost as a whole number of euros.")},
    )
    image = forms.FileField(
        label=_("Photo or drawing"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    image_description = forms.CharField(
        label=_("What the image shows"), max_length=250, required=False,
        help_text=_("For people who cannot see it. Defaults to the idea's title."),
    )

    def __init__(self, *args, budget: BudgetPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.budget = budget
        # The neighbourhoods of the budget's own collectivity: another's is not a valid choice.
        limit_councils(self, budget.get_site(), "council")
        self.fields["cost"].help_text = _("Between 0 and %(envelope)s EUR, the envelope.") % {"envelope": budget.envelope}
        self.fields["image"].help_text = _("Optional. JPEG, PNG or WebP, at most %(max)d MB.") % {
            "max": settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE // (1024 * 1024)}

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if upload:
            try:
                validate_image(upload)
            except InvalidData as error:
                raise forms.ValidationError(error.errors["image"]) from None
        return upload or None

    def idea_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("title", "description", "council", "location", "category", "cost")}

    def add_domain_errors(self, error: InvalidData) -> None:
        """Show a service's refusal on the fields it names."""
        for name, message in error.errors.items():
            self.add_error(name if name in self.fields else None, message)


class GalleryFilterForm(forms.Form):
    """The gallery's filters, read from the query string."""

    council = forms.ModelChoiceField(label=_("Neighbourhood"), queryset=Council.objects.all(), required=False,
                                     empty_label=_("All"))
    category = forms.ChoiceField(label=_("Category"), required=False, choices=[("", _("All"))] + list(Idea.Category.choices))
    status = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All"))] + list(Idea.Status.choices))

    def __init__(self, *args, budget: BudgetPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.budget = budget
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def clean(self):
        return {name: value for name, value in super().clean().items() if value}


class ReviewForm(forms.Form):
    """The committee's checklist (one box per published criterion), verdict and reason."""

    eligible = forms.TypedChoiceField(
        label=_("Verdict"), widget=forms.RadioSelect, coerce=lambda value: value == "yes",
        choices=[("yes", _("Eligible")), ("no", _("Not eligible"))],
    )
    reason = forms.CharField(
        label=_("Reason or comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the idea is not eligible. The author and the public see it."),
    )

    def __init__(self, *args, idea: Idea, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(idea.budget.criteria.all())
        met = {check["criterion"]: check["met"] for check in idea.checklist or []}
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.BooleanField(
                label=criterion.text, required=False, initial=met.get(criterion.text, False)
            )

    def checklist(self) -> dict[int, bool]:
        return {criterion.pk: bool(self.cleaned_data.get(f"criterion_{criterion.pk}")) for criterion in self.criteria}

    def criterion_fields(self):
        return [self[f"criterion_{criterion.pk}"] for criterion in self.criteria]


class FinalistsForm(forms.Form):
    """Which eligible ideas go to the vote."""

    ideas = forms.ModelMultipleChoiceField(
        label=_("Finalists"), queryset=Idea.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the finalists.")},
    )

    def __init__(self, *args, budget: BudgetPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ideas"].queryset = Idea.objects.visible().filter(budget=budget, status=Idea.Status.ELIGIBLE).order_by("title")
        self.fields["ideas"].label_from_instance = lambda idea: f"{idea.title} — {idea.cost} EUR"


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("The author and visitors see it in place of the idea."))


class AssistedIdeaForm(IdeaForm):
    """An idea an accredited helper types with a resident (no photo: the desk's route stays short)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["image"], self.fields["image_description"]

    def payload(self) -> dict:
        """The idea's fields as JSON, kept until the resident confirms."""
        data = self.idea_data()
        data["council"] = data["council"].pk if data["council"] else None
        return data
