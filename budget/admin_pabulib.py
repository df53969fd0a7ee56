"""Pabulib in the committee's admin: an edition's anonymous profile as ``.pb``, and the "what if" page.

The rules live in :mod:`voting.services.pabulib`; these views only check
permissions, read the form and show the answer.
"""

from django import forms
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from common.scoping import SitePermissionRequiredMixin
from voting.exceptions import VotingError
from voting.manifest import EQUAL_SHARES, GREEDY
from voting.services.pabulib import MAX_PB_BYTES, contest_pb, simulate

from . import services
from .admin_editions import EDITIONS_NAMESPACE, EditionMixin


class WhatIfForm(forms.Form):
    """A Pabulib file and the rule to count it by."""

    pb_file = forms.FileField(label=_("Pabulib file (.pb)"),
                              help_text=_("An election from pabulib.org, or one exported from a past edition."))
    rule = forms.ChoiceField(label=_("Rule"), widget=forms.RadioSelect, initial=EQUAL_SHARES, choices=[
        (GREEDY, _("Most votes first, within the envelope")),
        (EQUAL_SHARES, _("Method of Equal Shares (each voter an equal part of the envelope)")),
    ])

    def clean_pb_file(self):
        upload = self.cleaned_data["pb_file"]
        if upload.size > MAX_PB_BYTES:
            raise forms.ValidationError(_("This file is too large (at most 20 MB)."))
        return upload.read()


class WhatIfView(SitePermissionRequiredMixin, WagtailAdminTemplateMixin, FormView):
    """Count any Pabulib election by either rule and see the winners: nothing is stored."""

    permission_required = "budget.view_statistics"
    template_name = "budget/admin/what_if.html"
    form_class = WhatIfForm
    page_title = _("What if? Simulate a rule")
    header_icon = "list-ul"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items,
                {"url": reverse(f"{EDITIONS_NAMESPACE}:index"), "label": gettext("Budget editions")},
                {"url": "", "label": self.get_page_title()}]

    def form_valid(self, form):
        try:
            simulation = simulate(data=form.cleaned_data["pb_file"], rule=form.cleaned_data["rule"])
        except VotingError as error:
            form.add_error("pb_file", error.message)
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form, simulation=simulation))


class ProfileDownloadView(EditionMixin, View):
    """The edition's counted equal-shares vote as a ``.pb`` file, before or after the proclamation.

    Of the committee's own collectivity only (``EditionMixin``): before the proclamation it is not public.
    """

    permission_required = "budget.view_statistics"

    def get(self, request, pk):
        budget = self.budget
        contest = services.finalist_contest(budget)
        try:
            text = contest_pb(contest) if contest else None
        except VotingError:
            text = None
        if text is None:
            raise Http404
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{budget.slug}.pb"'
        return response
