"""Communications' admin pages: compose a notice, preview it with its count, send; the log of sends.

A notice is sent for the collectivity of the site it is composed on (``common.scoping.creation_site``),
to its councils' residents; the log shows the user's collectivities' notices only.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from common.scoping import SitePermissionRequiredMixin, creation_site, scoped, site_ids_with_perm

from . import staff
from .exceptions import OutsideCollectivity
from .forms import StaffNoticeForm
from .models import StaffNotice

PERMISSION = "notices.send_notice"


class StaffNoticeLogView(SitePermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """Every notice sent to the user's collectivities' residents: who, when, to which councils, how many."""

    permission_required = PERMISSION
    template_name = "notices/admin/log.html"
    page_title = _("Notices to residents")
    header_icon = "mail"

    def get_context_data(self, **kwargs):
        sends = scoped(StaffNotice.objects.all(), self.request.user, PERMISSION, site="site")
        sends = sends.select_related("notice", "sent_by").prefetch_related("councils")[:200]
        return super().get_context_data(sends=sends, **kwargs)


class StaffNoticeSendView(SitePermissionRequiredMixin, WagtailAdminTemplateMixin, FormView):
    """Compose, then preview (what the phone shows, and to how many), then send."""

    permission_required = PERMISSION
    template_name = "notices/admin/send.html"
    page_title = _("Send a notice to residents")
    header_icon = "mail"
    form_class = StaffNoticeForm

    @cached_property
    def site(self):
        """The collectivity sending: the site composed on, or the sender's only one."""
        site = creation_site(self.request, [PERMISSION])
        if site is None and site_ids_with_perm(self.request.user, PERMISSION) is not None:
            raise PermissionDenied
        return site

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "site": self.site}

    def form_valid(self, form):
        data = form.cleaned_data
        if "send" not in self.request.POST:
            count = staff.audience_count(councils=data["councils"], site=self.site)
            return self.render_to_response(self.get_context_data(form=form, preview=data, count=count))
        try:
            log = staff.send_staff_notice(by=self.request.user, councils=data["councils"], title=data["title"],
                                          body=data["body"], url=data["url"], site=self.site)
        except OutsideCollectivity as error:
            form.add_error("councils", error.message)
            return self.form_invalid(form)
        messages.success(self.request, gettext("The notice is on its way to %(count)d residents.") % {"count": log.recipients})
        return redirect("notices_admin:log")
