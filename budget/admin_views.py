"""The steering committee's and moderators' admin of ideas: the queue, review, rewrite, hide (editions: ``admin_editions``).

Ideas use Wagtail's ``ModelViewSet`` rather than wagtail-modeladmin or a
``SnippetViewSet``: it is Wagtail 8's maintained way to administer a plain
model, and the review needs custom per-object views (checklist, hide) next
to the listing, which a viewset routes and permission-checks in one place.
wagtail-modeladmin is in maintenance mode; snippets would add a chooser,
drafts and revisions that ideas (written by residents, not editors) do
not need — their history is ``IdeaRevision``.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.permissions import register_permission_policy

from common.scoping import SitePermissionRequiredMixin, SiteScopedPolicy, has_perm, scoped
from councils.filters import council_filter
from councils.forms import limit_councils

from . import services
from .admin_editions import user_budgets
from .exceptions import BudgetError, InvalidData
from .forms import HideForm, ReviewForm
from .models import Idea
from .phases import Phase

IDEAS_NAMESPACE = "budget_ideas"
IDEA_FIELDS = ("title", "description", "council", "location", "category", "cost")
# Who may see the queue: ideas are scoped to the sites where the user holds one of these.
IDEA_PERMISSIONS = ("budget.review_idea", "budget.hide_idea", "budget.change_idea", "budget.view_idea")


def user_ideas(user, perms=IDEA_PERMISSIONS):
    return scoped(Idea.objects.all(), user, perms, page="budget")


class IdeaFilterSet(WagtailFilterSet):
    """The review queue's filters: edition, state, neighbourhood, category, hidden."""

    budget = django_filters.ModelChoiceFilter(label=_("Budget"), queryset=user_budgets)
    council = council_filter(IDEA_PERMISSIONS)
    hidden = django_filters.BooleanFilter(label=_("Hidden"), field_name="hidden_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Idea
        fields = ["budget", "status", "council", "category"]


class IdeaIndexView(generic.IndexView):
    """The queue, by state then date of submission; Review and Hide buttons on each row."""

    def get_add_url(self):
        return None  # residents submit ideas; the admin never creates them

    def get_base_queryset(self):
        return (super().get_base_queryset() & user_ideas(self.request.user)).select_related("budget", "council")

    def get_list_buttons(self, instance):
        user, buttons = self.request.user, []
        if has_perm(user, "budget.review_idea", instance) and instance.status in services.REVIEWABLE:
            buttons.append(ListingButton(_("Review"), url=reverse(f"{IDEAS_NAMESPACE}:review", args=[instance.pk]),
                                         icon_name="tasks", priority=5))
        if has_perm(user, "budget.hide_idea", instance):
            name, label = ("restore", _("Show again")) if instance.is_hidden else ("hide", _("Hide"))
            buttons.append(ListingButton(label, url=reverse(f"{IDEAS_NAMESPACE}:{name}", args=[instance.pk]),
                                         icon_name="no-view", priority=6))
        return [*buttons, *super().get_list_buttons(instance)]


class RewriteAdminForm(WagtailAdminModelForm):
    """The idea's fields plus the author's agreement and a note for the history."""

    author_agreed = forms.BooleanField(label=_("The author agreed to this new text"), required=False)
    note = forms.CharField(label=_("Note for the history"), required=False, max_length=500,
                           help_text=_("e.g. “merged with a similar idea, cost checked with the technical services”."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The idea's neighbourhood is one of its own collectivity's councils.
        limit_councils(self, self.instance.get_site() if self.instance.pk else None, "council")


class IdeaRewriteView(generic.EditView):
    """The committee rewrites an idea with its author's agreement; the service keeps the history."""

    def get_queryset(self):
        return user_ideas(self.request.user, ["budget.change_idea"])

    def save_instance(self):
        idea = Idea.objects.select_related("budget", "council").get(pk=self.object.pk)
        return services.rewrite_idea(
            idea=idea, editor=self.request.user, data={name: self.form.cleaned_data.get(name) for name in IDEA_FIELDS},
            author_agreed=self.form.cleaned_data["author_agreed"], note=self.form.cleaned_data["note"],
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except InvalidData as error:
            for name, message in error.errors.items():
                form.add_error(name if name in form.fields else None, message)
        except BudgetError as error:
            form.add_error(None, error.message)
        self.produced_error_message = self.get_error_message()
        return self.form_invalid(form)

    def get_success_message(self):
        return gettext("The idea “%(title)s” is rewritten; the previous text stays in its history.") % {"title": self.object.title}

    def get_context_data(self, **kwargs):
        return super().get_context_data(revisions=self.object.revisions.select_related("editor"), **kwargs)


class IdeaInspectView(generic.InspectView):
    template_name = "budget/admin/idea_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(user_ideas(self.request.user), pk=self.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(revisions=self.object.revisions.select_related("editor"), **kwargs)


class IdeaObjectMixin(SitePermissionRequiredMixin, WagtailAdminTemplateMixin):
    """An admin page about one idea of a site where the user holds ``permission_required`` (404 otherwise)."""

    header_icon = "help"

    @cached_property
    def idea(self) -> Idea:
        ideas = user_ideas(self.request.user, self.get_permission_required())
        return get_object_or_404(ideas.select_related("budget", "council", "author", "image"), pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.idea.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{IDEAS_NAMESPACE}:index"), "label": gettext("Ideas")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(idea=self.idea, **kwargs)

    def back_to_queue(self):
        return redirect(f"{reverse(f'{IDEAS_NAMESPACE}:index')}?budget={self.idea.budget_id}")


class ReviewView(IdeaObjectMixin, FormView):
    """One idea against the published criteria: checklist, verdict, reason; the author is told."""

    template_name = "budget/admin/review.html"
    form_class = ReviewForm
    page_title = _("Review")
    permission_required = "budget.review_idea"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "idea": self.idea}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            revisions=self.idea.revisions.select_related("editor"),
            phase=services.budget_phase(self.idea.budget), phases=Phase, **kwargs,
        )

    def form_valid(self, form):
        try:
            services.review_idea(idea=self.idea, reviewer=self.request.user, eligible=form.cleaned_data["eligible"],
                                 reason=form.cleaned_data["reason"], checklist=form.checklist())
        except InvalidData as error:
            for name, message in error.errors.items():
                form.add_error(name if name in form.fields else None, message)
            return self.form_invalid(form)
        except BudgetError as error:
            messages.error(self.request, error.message)
            return self.form_invalid(form)
        messages.success(self.request, gettext("“%(title)s”: %(verdict)s.") % {
            "title": self.idea.title, "verdict": self.idea.get_status_display()})
        return self.back_to_queue()


class HideView(IdeaObjectMixin, FormView):
    """A moderator hides an idea, giving the reason shown in its place."""

    template_name = "budget/admin/hide.html"
    page_title = _("Hide an idea")
    form_class = HideForm
    permission_required = "budget.hide_idea"

    def form_valid(self, form):
        services.hide_idea(idea=self.idea, moderator=self.request.user, reason=form.cleaned_data["reason"])
        messages.success(self.request, gettext("The idea “%(title)s” is hidden.") % {"title": self.idea.title})
        return self.back_to_queue()


class RestoreView(IdeaObjectMixin, TemplateView):
    """Show a hidden idea again, after a confirmation."""

    template_name = "budget/admin/restore.html"
    page_title = _("Show an idea again")
    permission_required = "budget.hide_idea"

    def post(self, request, *args, **kwargs):
        services.restore_idea(idea=self.idea, moderator=request.user)
        messages.success(request, gettext("The idea “%(title)s” is shown again.") % {"title": self.idea.title})
        return self.back_to_queue()


# Ideas belong to the site of their budget page: its staff review them, no one else's (common.scoping).
register_permission_policy(Idea, SiteScopedPolicy(Idea, page="budget"))


class IdeaViewSet(ModelViewSet):
    """Residents' ideas: the steering committee's review queue and the moderators' hiding."""

    model = Idea
    name = IDEAS_NAMESPACE
    url_prefix = "budget/ideas"
    icon = "help"
    menu_label = _("Ideas")
    index_view_class = IdeaIndexView
    edit_view_class = IdeaRewriteView
    inspect_view_class = IdeaInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = IdeaFilterSet
    search_fields = ["title", "description", "location"]
    search_backend_name = None  # a few hundred rows an edition: the ORM searches them, no index to keep
    list_display = [
        "title",
        Column("budget", label=_("Budget"), accessor="budget"),
        Column("council", label=_("Neighbourhood"), accessor=lambda idea: idea.council or gettext("Whole town")),
        Column("cost", label=_("Cost (EUR)"), sort_key="cost"),
        StatusTagColumn("status", label=_("State"), accessor="get_status_display", primary=lambda idea: idea.status == Idea.Status.SUBMITTED),
        Column("hidden", label=_("Hidden"), accessor=lambda idea: gettext("hidden") if idea.is_hidden else ""),
        "submitted_at",
    ]
    ordering = ["status", "submitted_at"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel([FieldPanel(name) for name in IDEA_FIELDS], heading=_("The idea")),
            MultiFieldPanel([FieldPanel("author_agreed"), FieldPanel("note")], heading=_("Rewriting with the author's agreement")),
        ],
        base_form_class=RewriteAdminForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("review/<int:pk>/", ReviewView.as_view(), name="review"),
            path("hide/<int:pk>/", HideView.as_view(), name="hide"),
            path("restore/<int:pk>/", RestoreView.as_view(), name="restore"),
        ]
