"""StreamField blocks of a budget edition: timeline, idea submission, gallery, finalist vote, results, statistics.

Thin on purpose: each block holds editorial text plus an optional chooser
for the edition (empty: the BudgetPage it sits on); everything it shows
comes from :mod:`budget.services`, read at render time, so the blocks change
by themselves as the phases pass. Forms post to the page's routes.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from home.blocks import BaseStreamBlock


def budget_chooser():
    return blocks.PageChooserBlock(
        label=_("Participatory budget"), page_type="budget.BudgetPage", required=False,
        help_text=_("Leave empty on a budget page: the block shows that budget."),
    )


class BudgetBlock(blocks.StructBlock):
    """Finds the edition (chosen, or the page the block is on) and adds what the template needs.

    Override ``budget_context(value, budget, request, parent_context)`` to add the
    block's own data; it runs only when there is an edition and a request.
    """

    budget = budget_chooser()

    def get_context(self, value, parent_context=None):
        from .models import BudgetPage

        context = super().get_context(value, parent_context)
        parent_context = parent_context or {}
        budget = value.get("budget")
        budget = budget.specific if budget is not None else parent_context.get("page")
        request = parent_context.get("request")
        if not isinstance(budget, BudgetPage) or request is None:
            return context
        context["budget"] = budget
        context.update(self.budget_context(value, budget, request, parent_context))
        return context

    def budget_context(self, value, budget, request, parent_context) -> dict:
        return {}


class TimelineBlock(BudgetBlock):
    """Where the edition stands: its phases with their dates, the current one highlighted."""

    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)

    def budget_context(self, value, budget, request, parent_context):
        from .phases import timeline

        return {"steps": timeline(budget)}

    class Meta:
        shared = True  # the same HTML for everyone: kept per content generation (parvis_fragments)
        icon = "calendar-alt"
        label = _("Budget timeline")
        template = "budget/blocks/timeline_block.html"
        description = _("The phases of the budget and their dates, showing where we are.")


class IdeaSubmissionBlock(BudgetBlock):
    """The idea form with the editor's guidance; open only during the ideas phase."""

    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    guidance = blocks.RichTextBlock(
        label=_("Guidance"), required=False, features=["bold", "italic", "link", "ol", "ul"],
        help_text=_("Advice shown above the form: what makes a good idea, examples."),
    )

    def budget_context(self, value, budget, request, parent_context):
        from .forms import IdeaForm
        from .services import submission_status

        status = submission_status(budget=budget, user=request.user)
        form = parent_context.get("idea_form") or (IdeaForm(budget=budget) if status.can_submit else None)
        return {"status": status, "form": form, "criteria": list(budget.criteria.all()), "next": request.get_full_path()}

    class Meta:
        shared = False  # personal (a resident's form, status or ballot): rendered each time
        icon = "form"
        label = _("Idea submission")
        template = "budget/blocks/idea_submission_block.html"
        description = _("The form residents use to propose ideas, open during the ideas phase.")


class IdeaGalleryBlock(BudgetBlock):
    """Browse the edition's ideas, filtered by neighbourhood, category and state, a page at a time."""

    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    per_page = blocks.IntegerBlock(label=_("Ideas per page"), default=24, min_value=6, max_value=60)

    def budget_context(self, value, budget, request, parent_context):
        from .forms import GalleryFilterForm
        from .services import gallery_page

        form = GalleryFilterForm(request.GET or None, budget=budget)
        filters = form.cleaned_data if form.is_valid() else {}
        page_obj = gallery_page(budget=budget, filters=filters, page=request.GET.get("page"), per_page=value.get("per_page") or 24)
        from .models import Idea

        # Looked up once for the whole gallery rather than per card (page URL, translated labels).
        base = budget.get_url(request=request)
        categories = {value: str(label) for value, label in Idea.Category.choices}
        states = {value: str(label) for value, label in Idea.Status.choices}
        for idea in page_obj.object_list:
            idea.public_url = base + budget.reverse_subpage("idea", args=[idea.pk])
            idea.category_label, idea.status_label = categories[idea.category], states[idea.status]
        query = request.GET.copy()
        query.pop("page", None)
        return {"filter_form": form, "page_obj": page_obj, "filter_query": query.urlencode(), "filtered": bool(filters)}

    class Meta:
        shared = True  # the same HTML for everyone: kept per content generation (parvis_fragments)
        shared_query = ("page",)  # kept for each page of the unfiltered gallery
        icon = "grid"
        label = _("Idea gallery")
        template = "budget/blocks/idea_gallery_block.html"
        description = _("All the ideas, with filters; each links to its own page.")


class FinalistVoteBlock(BudgetBlock):
    """The vote on the finalists, through the ballot engine's own ballot (login, confirmation, receipt)."""

    intro = blocks.RichTextBlock(label=_("Introduction"), required=False, features=["bold", "italic", "link"])

    def budget_context(self, value, budget, request, parent_context):
        from voting.views import ballot_context

        from .services import finalist_contest, finalists

        contest = finalist_contest(budget)
        context = {"contest": None, "finalists": []}
        if contest is not None:
            context.update(ballot_context(request, contest))
            context["finalists"] = finalists(budget)
        return context

    class Meta:
        shared = False  # personal (a resident's form, status or ballot): rendered each time
        icon = "tick-inverse"
        label = _("Finalist vote")
        template = "budget/blocks/finalist_vote_block.html"
        description = _("Residents vote for the finalist projects during the vote phase.")


class ResultsBlock(BudgetBlock):
    """The winners within the envelope, votes per project, turnout, and the rule that picked them."""

    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)

    def budget_context(self, value, budget, request, parent_context):
        from .services import budget_results

        return {"results": budget_results(budget=budget)}

    class Meta:
        shared = True  # the same HTML for everyone: kept per content generation (parvis_fragments)
        icon = "table"
        label = _("Budget results")
        template = "budget/blocks/results_block.html"
        description = _("The winning projects once the results are published, with an accessible chart.")


class StatisticsBlock(BudgetBlock):
    """Participation figures for the town: ideas, participants, votes, age bands; CSV download."""

    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)

    def budget_context(self, value, budget, request, parent_context):
        from .services import cached_statistics

        return {"stats": cached_statistics(budget=budget)}

    class Meta:
        shared = True  # the same HTML for everyone: kept per content generation (parvis_fragments)
        icon = "list-ul"
        label = _("Budget statistics")
        template = "budget/blocks/statistics_block.html"
        description = _("Ideas per neighbourhood and category, participants, votes and ages.")


class BudgetStreamBlock(BaseStreamBlock):
    """The body of a budget page: editorial blocks plus the budget's own."""

    timeline = TimelineBlock()
    idea_submission = IdeaSubmissionBlock()
    idea_gallery = IdeaGalleryBlock()
    finalist_vote = FinalistVoteBlock()
    budget_results = ResultsBlock()
    statistics = StatisticsBlock()
