"""Platform administrators' pages: import INSEE's lists and La Poste's postcodes, let a collectivity join with its site."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .exceptions import TerritoryError
from .forms import ImportForm, JoinForm, PostcodeImportForm
from .models import Territory
from .services import imports, postcodes, sites

INDEX = "territories:index"


class ImportView(PermissionRequiredMixin, WagtailAdminTemplateMixin, FormView):
    raise_exception = True
    permission_required = "territories.add_territory"
    template_name = "territories/admin/import.html"
    page_title = _("Import territories")
    header_icon = "upload"
    form_class = ImportForm

    def form_valid(self, form):
        try:
            report = imports.import_territories(form.cleaned_data["file"], departements=form.cleaned_data["departements"])
        except TerritoryError as error:
            return self.render_to_response(self.get_context_data(form=form, import_errors=error.messages))
        created, updated = sum(report.created.values()), sum(report.updated.values())
        messages.success(self.request, gettext("Import done: %(created)d created, %(updated)d updated, "
                                               "%(unchanged)d unchanged.")
                         % {"created": created, "updated": updated, "unchanged": report.unchanged})
        return redirect(INDEX)


class PostcodeImportView(PermissionRequiredMixin, WagtailAdminTemplateMixin, FormView):
    """La Poste's postcodes of the communes already imported: residents choose their commune from them."""

    raise_exception = True
    permission_required = "territories.add_territory"
    template_name = "territories/admin/import_postcodes.html"
    page_title = _("Import postcodes")
    header_icon = "upload"
    form_class = PostcodeImportForm

    def form_valid(self, form):
        try:
            report = postcodes.import_postcodes(form.cleaned_data["file"])
        except TerritoryError as error:
            return self.render_to_response(self.get_context_data(form=form, import_errors=error.messages))
        messages.success(self.request, gettext(
            "Postcodes imported: %(created)d added, %(updated)d updated, %(removed)d withdrawn, %(unchanged)d "
            "unchanged; %(skipped)d rows of communes not known here skipped.") % {
                "created": report.created, "updated": report.updated, "removed": report.removed,
                "unchanged": report.unchanged, "skipped": report.skipped_rows})
        return redirect(INDEX)


class JoinView(PermissionRequiredMixin, WagtailAdminTemplateMixin, FormView):
    """One step: the collectivity's site, starter pages, settings, collection and staff groups."""

    raise_exception = True
    permission_required = "territories.change_territory"
    template_name = "territories/admin/join.html"
    header_icon = "site"
    form_class = JoinForm

    def dispatch(self, request, *args, pk, **kwargs):
        self.territory = get_object_or_404(Territory, pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return gettext("Create the site of %(name)s") % {"name": self.territory.name}

    def get_context_data(self, **kwargs):
        return super().get_context_data(territory=self.territory, **kwargs)

    def form_valid(self, form):
        try:
            site = sites.create_site(territory=self.territory, **form.cleaned_data)
        except TerritoryError as error:
            form.add_error(None, error.messages[0])
            return self.form_invalid(form)
        messages.success(self.request, gettext("%(name)s's site is ready at %(hostname)s; add its staff to its groups.")
                         % {"name": self.territory.name, "hostname": site.hostname})
        return redirect(INDEX)
