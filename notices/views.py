"""The resident's side: notification centre, preferences, push subscription. Thin: services hold the rules."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import push, services, subscriptions
from .exceptions import InvalidSubscription
from .forms import PreferencesForm
from .models import Notification, PushSubscription


@never_cache
@login_required
@require_http_methods(["GET"])
def centre(request):
    """The resident's notifications, newest first, unread ones marked."""
    page = Paginator(services.inbox(request.user), 20).get_page(request.GET.get("page"))
    return TemplateResponse(request, "notices/centre.html", {"page_obj": page, "unread": services.unread_count(request.user)})


@never_cache
@login_required
@require_http_methods(["GET"])
def open_notification(request, pk):
    """Follow a notification's link; it is read from then on."""
    notification = get_object_or_404(Notification.objects.select_related("notice"), pk=pk, user=request.user)
    services.mark_read(user=request.user, notification_id=notification.pk)
    url = notification.notice.url
    return redirect(url if url and _local(url) else "notices:centre")


@login_required
@require_POST
def mark_read(request, pk=None):
    """Mark one notification, or all, as read."""
    services.mark_read(user=request.user, notification_id=pk)
    return redirect("notices:centre")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """Choose topics and the daily limit; turn push on (script) or off (plain form)."""
    form = PreferencesForm(request.POST or None, instance=services.preferences_for(request.user))
    if request.method == "POST" and form.is_valid():
        services.save_preferences(user=request.user, data=form.cleaned_data)
        messages.success(request, _("Your notification preferences have been saved."))
        return redirect("notices:preferences")
    return TemplateResponse(request, "notices/preferences.html", {
        "form": form,
        "push_enabled": form.instance.push_enabled,
        "devices": PushSubscription.objects.filter(user=request.user).count(),
        "vapid_public_key": push.public_key(),
    })


@login_required
@require_POST
def subscribe(request):
    """The opt-in script posts the browser's subscription (JSON, CSRF header); a clear error if refused."""
    try:
        subscriptions.subscribe(user=request.user, body=request.body)
    except InvalidSubscription as error:
        return JsonResponse({"error": error.message}, status=400)
    return JsonResponse({"message": _("Notifications are on for this device.")}, status=201)


@login_required
@require_POST
def withdraw(request):
    """Withdraw consent: every device's subscription is deleted and nothing more is pushed."""
    subscriptions.withdraw(user=request.user)
    messages.success(request, _("Push notifications are off: your devices were forgotten. Your notifications stay on this site."))
    return redirect("notices:preferences")


@login_required
@require_POST
def dismiss(request):
    """“Not now” on the invitation: it is not shown again (the profile still offers push)."""
    services.dismiss_invitation(user=request.user)
    back = request.POST.get("next", "")
    return redirect(back if _local(back) else "/")


def _local(url: str) -> bool:
    """A path on this site (not “//host”, “/\\host” or “https://host”)."""
    return url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
