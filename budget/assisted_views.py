"""An accredited helper proposes an idea with a resident beside them (``accounts.assistance``).

Two steps, routes of the BudgetPage: the idea and the resident's address
(a code is sent to the resident), then the code the resident gives back,
which submits the idea in the resident's name, marked "made with help".
Anyone but an active accredited helper gets a 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from accounts import assistance
from accounts.forms import ConfirmationCodeForm, OnBehalfForm
from councils.models import Council

from . import services
from .exceptions import BudgetError, InvalidData
from .forms import AssistedIdeaForm
from .models import BudgetPage

ACTION = "budget.idea"


def _helper(request):
    if not assistance.is_accredited(request.user):
        raise PermissionDenied(_("Only accredited helpers can contribute on behalf of a resident."))
    return request.user


def prepare_idea(request, budget: BudgetPage):
    helper = _helper(request)
    form = AssistedIdeaForm(request.POST or None, budget=budget)
    behalf = OnBehalfForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and behalf.is_valid():
            try:
                services.clean_idea_data(budget=budget, data=form.idea_data())
                services.check_ideas_open(budget)
                pending = assistance.prepare(
                    helper=helper, resident_email=behalf.cleaned_data["resident_email"],
                    attested=behalf.cleaned_data["attested"], action=ACTION, target=budget.pk,
                    payload=form.payload(),
                    summary=_("An idea for “%(budget)s”: %(title)s (%(cost)s EUR)\n\n%(description)s") % {
                        "budget": budget.title, "title": form.cleaned_data["title"], "cost": form.cleaned_data["cost"],
                        "description": form.cleaned_data["description"]},
                )
            except InvalidData as error:
                form.add_domain_errors(error)
            except (BudgetError, assistance.AssistanceRefused) as error:
                behalf.add_error(None, error.message)
            else:
                messages.success(request, _("A confirmation code was sent to the resident. Ask them for it."))
                return HttpResponseRedirect(budget.url + budget.reverse_subpage("confirm_assisted_idea", args=[pending.pk]))
        status = 400
    return TemplateResponse(request, "budget/assisted_idea.html", {
        "page": budget, "self": budget, "form": form, "behalf": behalf,
    }, status=status)


def confirm_idea(request, budget: BudgetPage, request_id: int):
    helper = _helper(request)
    pending = assistance.pending_request(helper=helper, request_id=request_id)
    form = ConfirmationCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if pending is not None and form.is_valid():
            def perform(resident, payload):
                data = {**payload, "council": Council.objects.filter(pk=payload["council"]).first()
                        if payload["council"] else None}
                return services.submit_idea(budget=budget, author=resident, data=data, assisted_by=helper)

            try:
                idea = assistance.confirm(helper=helper, request_id=request_id, code=form.cleaned_data["code"],
                                          perform=perform)
            except (BudgetError, assistance.AssistanceRefused) as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The idea is submitted in the resident's name, marked as made with help."))
                return HttpResponseRedirect(budget.idea_url(idea))
        status = 400
    return TemplateResponse(request, "accounts/assisted_confirm.html", {
        "page": budget, "self": budget, "form": form, "pending": pending,
        "heading": _("Propose an idea with a resident"),
    }, status=status)
