"""Forms of the council pages: “find my council” and writing to a council."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm

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


class CouncilAdminForm(WagtailAdminModelForm):
    """The council's admin form: its name is checked against its own collectivity's councils only.

    The site is not a field of the form (the view sets it from the request), so Django would leave
    the per-site unique constraints to the database; checking them here gives the editor a message.
    """

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        exclusions.discard("site")
        return exclusions

    def is_valid(self):
        # The stations' formset is cleaned after the form: their numbers are checked once both are.
        return super().is_valid() and self._station_numbers_are_free()

    def _station_numbers_are_free(self) -> bool:
        """Polling-station numbers are unique within the collectivity (the database would only raise)."""
        from .models import PollingStation  # the models import this module

        formset = self.formsets.get("polling_stations")
        if formset is None:
            return True
        rows = [form for form in formset.forms
                if form.cleaned_data.get("code") and not form.cleaned_data.get("DELETE")]
        taken = set(PollingStation.objects.filter(site_id=self.instance.site_id, code__in=[f.cleaned_data["code"] for f in rows])
                    .exclude(council_id=self.instance.pk).values_list("code", flat=True))
        seen = set()
        for form in rows:
            code = form.cleaned_data["code"]
            if code in taken or code in seen:
                form.add_error("code", _("A council of this collectivity already has a polling station with this number."))
            seen.add(code)
        return not any(form.errors for form in rows)


def site_councils(site):
    """The councils a page of ``site`` may name: that collectivity's (every council when the site is unknown).

    A council without a site (made in code, before territories) belongs to no other collectivity: offered too.
    """
    from .models import Council  # models import this module

    councils = Council.objects.all()
    return councils.filter(Q(site=site) | Q(site=None)) if site is not None else councils


def limit_councils(form, site, *names) -> None:
    """Offer only ``site``'s councils in these fields of ``form`` and of its inline formsets' forms.

    A council of another collectivity posted anyway is then "not one of the available choices".
    """
    councils = site_councils(site)

    def limit(fields):
        for name in names:
            if name in fields:
                fields[name].queryset = councils

    limit(form.fields)
    for formset in getattr(form, "formsets", {}).values():
        for child in formset.forms:
            limit(child.fields)
        if any(name in formset.form.base_fields for name in names):
            # The empty form (the template of a new row) is built from the class: a subclass for this formset.
            base = formset.form

            def __init__(self, *args, **kwargs):
                base.__init__(self, *args, **kwargs)
                limit(self.fields)

            formset.form = type(base.__name__, (base,), {"__init__": __init__})


def page_form_site(form):
    """The site of the page a Wagtail page form edits, or of the page it is being created under."""
    if form.instance.pk:
        return form.instance.get_site()
    parent = getattr(form, "parent_page", None)
    return parent.get_site() if parent is not None else None


class CouncilPageForm(WagtailAdminPageForm):
    """A council's page presents one of its own collectivity's councils."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_councils(self, page_form_site(self), "council")
