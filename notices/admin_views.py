"""Communications' admin pages: compose a notice, preview it with its count, send; the log of sends."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import staff
from .forms import StaffNoticeForm
from .models import StaffNotice

PERMISSION = "notices.send_notice"


class StaffNoticeLogView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """Every notice sent to residents: who, when, to which councils, how many."""

    raise_exception = True
    permission_required = PERMISSION
    template_name = "notices/admin/log.html"
    page_title = _("Notices to residents")
    header_icon = "mail"

    def get_context_data(self, **kwargs):
        sends = StaffNotice.objects.select_related("notice", "sent_by").prefetch_related("councils")[:200]
        return super().get_context_data(sends=sends, **kwargs)


class StaffNoticeSendView(PermissionRequiredMixin, WagtailAdminTemplateMixin, FormView):
    """Compose, then preview (what the phone shows, and to how many), then send."""

    raise_exception = True
    permission_required = PERMISSION
    template_name = "notices/admin/send.html"
    page_title = _("Send a notice to residents")
    header_icon = "mail"
    form_class = StaffNoticeForm

    def form_valid(self, form):
        data = form.cleaned_data
        if "send" not in self.request.POST:
            count = staff.audience_count(councils=data["councils"])
            return self.render_to_response(self.get_context_data(form=form, preview=data, count=count))
        log = staff.send_staff_notice(
            by=self.request.user, councils=data["councils"], title=data["title"], body=data["body"], url=data["url"]
        )
        messages.success(self.request, gettext("The notice is on its way to %(count)d residents.") % {"count": log.recipients})
        return redirect("notices_admin:log")
