"""Forms of the volunteering space. They check shapes; the rules are in ``services``."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from councils.forms import site_councils
from councils.models import Council

from .exceptions import InvalidData
from .models import Mission, Skill
from .services import THIS_MONTH, THIS_WEEK, validate_logo

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class DomainErrorsMixin:
    def add_domain_errors(self, error: InvalidData) -> None:
        """Show a service's refusal on the fields it names."""
        for name, message in error.errors.items():
            self.add_error(name if name in self.fields else None, message)


def datetime_field(label):
    return forms.DateTimeField(
        label=label, input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
        error_messages={"invalid": _("Give a date and a time, e.g. 14/06/2027 09:00.")},
    )


class CouncilsOfSite:
    """A form whose neighbourhood field offers one collectivity's councils (``site=``; every council if None)."""

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = site_councils(site).order_by("name")


class AssociationForm(CouncilsOfSite, DomainErrorsMixin, forms.Form):
    """An association as a resident registers it, or as its representatives update it."""

    name = forms.CharField(label=_("Name of the association"), max_length=120)
    description = forms.CharField(
        label=_("What the association does"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Plain text, shown as typed on the association's public page."),
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail"), help_text=_("Public: shown on the association's page."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False,
                                    widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    council = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=Council.objects.order_by("name"), required=False,
        empty_label=_("The whole town"),
    )
    logo = forms.FileField(
        label=_("Logo"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["logo"].help_text = _("Optional. JPEG, PNG or WebP, at most %(max)d MB.") % {
            "max": settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE // (1024 * 1024)}

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if upload:
            try:
                validate_logo(upload)
            except InvalidData as error:
                raise forms.ValidationError(error.errors["logo"]) from None
        return upload or None

    def association_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in
                ("name", "description", "contact_email", "contact_phone", "website", "council")}


class MissionForm(CouncilsOfSite, DomainErrorsMixin, forms.Form):
    """A mission, as a representative posts or changes it."""

    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("What volunteers will do"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Plain text, shown as typed."),
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"), queryset=Skill.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
    )
    starts_at = datetime_field(_("Starts"))
    ends_at = datetime_field(_("Ends"))
    schedule = forms.CharField(
        label=_("Recurring schedule"), max_length=200, required=False,
        help_text=_("For a regular mission, e.g. “every Saturday, 9:00–12:00”: the dates above are then the first "
                    "and last day. Leave empty for a one-off mission."),
    )
    place = forms.CharField(label=_("Place"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    council = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=Council.objects.order_by("name"), required=False,
        empty_label=_("The association's neighbourhood"),
    )
    volunteers_needed = forms.IntegerField(
        label=_("Volunteers needed"), min_value=1, max_value=500,
        error_messages={"min_value": _("Ask for at least one volunteer."),
                        "max_value": _("Ask for at most 500 volunteers.")},
    )
    minimum_age = forms.IntegerField(label=_("Minimum age"), min_value=0, max_value=99, initial=0,
                                     help_text=_("0: no minimum age."))

    def mission_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in
                ("title", "description", "starts_at", "ends_at", "schedule", "place", "council", "volunteers_needed",
                 "minimum_age")}

    @classmethod
    def initial_for(cls, mission: Mission) -> dict:
        return {
            "title": mission.title, "description": mission.description, "skills": list(mission.skills.all()),
            "starts_at": mission.starts_at, "ends_at": mission.ends_at, "schedule": mission.schedule,
            "place": mission.place, "council": mission.council_id, "volunteers_needed": mission.volunteers_needed,
            "minimum_age": mission.minimum_age,
        }


class OfferForm(DomainErrorsMixin, forms.Form):
    """A resident's offer of help: a short message, and the minimum age confirmed when the profile cannot tell."""

    message = forms.CharField(
        label=_("Your message to the association"), max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. Your availability, your experience… Your e-mail is shared only if they accept."),
    )
    age_confirmed = forms.BooleanField(label="", required=False)

    def __init__(self, *args, mission: Mission, ask_age: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if ask_age:
            self.fields["age_confirmed"].label = _("I am at least %(age)d years old.") % {"age": mission.minimum_age}
        else:
            del self.fields["age_confirmed"]


class RefuseAssociationForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Sent to the association's representatives."))


class RepresentativeForm(DomainErrorsMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of their account"),
        help_text=_("The person must already have a confirmed account on this site."),
    )


class MissionFilterForm(CouncilsOfSite, forms.Form):
    """The missions' filters, read from the query string."""

    council = forms.ModelChoiceField(label=_("Neighbourhood"), queryset=Council.objects.order_by("name"),
                                     required=False, empty_label=_("All"))
    skill = forms.ModelChoiceField(label=_("Skill"), queryset=Skill.objects.all(), required=False,
                                   empty_label=_("All"), to_field_name="slug")
    period = forms.ChoiceField(label=_("When"), required=False, choices=[
        ("", _("Any time")), (THIS_WEEK, _("This week")), (THIS_MONTH, _("This month")),
    ])
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_to"] < cleaned["date_from"]:
            self.add_error("date_to", _("The end of the range must be after its start."))
        return cleaned

    def filters(self) -> dict:
        """Valid filters only: a malformed one is ignored (and shown as an error), never a 500."""
        if not self.is_bound:
            return {}
        self.is_valid()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update({
                    "class": self.fields[name].widget.attrs["class"] + " is-invalid",
                    "aria-invalid": "true", "aria-describedby": f"id_{name}-error",
                })
        return {name: value for name, value in self.cleaned_data.items() if value and name not in self.errors}

