"""Residents' views, served as routes of the BudgetPage: validate a form, call a service, redirect.

``BudgetPage`` routes ``idees/proposer/``, ``idees/<id>/``, ``idees/<id>/modifier/`` and
``statistiques/csv/`` here.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.privacy import public_name

from . import services
from .exceptions import BudgetError, InvalidData
from .forms import IdeaForm
from .models import BudgetPage, Idea


def _login_redirect(request, target: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


def submit_idea(request, budget: BudgetPage):
    """POST of the submission block: on success, go to the new idea's page; else show the form again."""
    back = HttpResponseRedirect(budget.url + "#proposer")
    if request.method != "POST":
        return back
    if not request.user.is_authenticated:
        return _login_redirect(request, budget.url + "#proposer")
    form = IdeaForm(request.POST, request.FILES, budget=budget)
    if form.is_valid():
        try:
            idea = services.submit_idea(
                budget=budget, author=request.user, data=form.idea_data(), image=form.cleaned_data["image"],
                image_description=form.cleaned_data["image_description"],
            )
        except InvalidData as error:
            form.add_domain_errors(error)
        except BudgetError as error:
            messages.error(request, error.message)
            return back
        else:
            messages.success(request, _("Thank you! Your idea is submitted. You can change it until the review starts."))
            return HttpResponseRedirect(budget.idea_url(idea))
    messages.error(request, _("Your idea could not be submitted: please correct the errors in the form. Nothing was saved."))
    response = budget.render(request, context_overrides={"idea_form": form})
    response.status_code = 400
    return response


def _idea(budget: BudgetPage, idea_id: int) -> Idea:
    return get_object_or_404(Idea.objects.select_related("council", "image"), budget=budget, pk=idea_id)


def idea_detail(request, budget: BudgetPage, idea_id: int):
    """An idea's own page: its text, its state and the committee's verdict, its history."""
    if request.method not in ("GET", "HEAD"):
        raise Http404
    idea = _idea(budget, idea_id)
    idea.budget = budget  # the page being served, not a second copy
    results = services.budget_results(budget=budget) if idea.status in (Idea.Status.FINALIST, Idea.Status.WINNER) else None
    counted = next((project for project in results.projects if project.idea.pk == idea.pk), None) if results else None
    return TemplateResponse(request, "budget/idea_page.html", {
        "page": budget,
        "self": budget,
        "idea": idea,
        "author_name": public_name(idea.author) if idea.author_id else public_name(None),
        "is_author": request.user.is_authenticated and idea.author_id == request.user.pk,
        "may_edit": services.may_edit(idea=idea, user=request.user),
        "revisions": list(idea.revisions.all()),
        "counted": counted,
        "statuses": Idea.Status,
    })


def edit_idea(request, budget: BudgetPage, idea_id: int):
    """The author changes their idea until the review starts."""
    idea = _idea(budget, idea_id)
    idea.budget = budget
    if not request.user.is_authenticated:
        return _login_redirect(request, request.get_full_path())
    if not services.may_edit(idea=idea, user=request.user):
        messages.error(request, _("This idea can no longer be changed."))
        return HttpResponseRedirect(budget.idea_url(idea))
    if request.method == "POST":
        form = IdeaForm(request.POST, request.FILES, budget=budget)
        if form.is_valid():
            try:
                services.edit_idea(
                    idea=idea, author=request.user, data=form.idea_data(), image=form.cleaned_data["image"],
                    image_description=form.cleaned_data["image_description"],
                )
            except InvalidData as error:
                form.add_domain_errors(error)
            except BudgetError as error:
                messages.error(request, error.message)
                return HttpResponseRedirect(budget.idea_url(idea))
            else:
                messages.success(request, _("Your changes are saved. The previous version stays in the idea's history."))
                return HttpResponseRedirect(budget.idea_url(idea))
        status = 400
    else:
        form = IdeaForm(budget=budget, initial={
            "title": idea.title, "description": idea.description, "council": idea.council_id,
            "location": idea.location, "category": idea.category, "cost": idea.cost,
        })
        status = 200
    return TemplateResponse(request, "budget/idea_edit.html", {"page": budget, "self": budget, "idea": idea, "form": form}, status=status)


def statistics_csv(request, budget: BudgetPage):
    """The edition's statistics as CSV: aggregates only, public like the statistics block."""
    response = HttpResponse(services.statistics_csv(services.statistics(budget=budget)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statistiques-{budget.slug}.csv"'
    return response
