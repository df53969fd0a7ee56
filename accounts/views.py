"""A resident's own pages: their profile, their data, deleting their account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.models import Site

from .forms import DeleteAccountForm, ProfileForm
from .privacy import erase_account, export_personal_data
from .services import profile_for, profile_sections


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """Change one's public name, council, birth year and notifications."""
    form = ProfileForm(request.POST or None, instance=profile_for(request.user), site=Site.find_for_request(request))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return TemplateResponse(request, "accounts/profile.html", {"form": form, "sections": profile_sections(request)})


@never_cache
@login_required
@require_GET
def export_data(request):
    """Download everything stored about one's account, as JSON (GDPR, right of access)."""
    response = JsonResponse(export_personal_data(request.user), json_dumps_params={"ensure_ascii": False, "indent": 2})
    filename = f"parvis-mes-donnees-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    """Delete one's account after typing its password (GDPR, right to erasure)."""
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        erase_account(request.user)
        logout(request)
        messages.success(request, _("Your account and your personal data have been deleted."))
        return redirect("/")
    return TemplateResponse(request, "accounts/delete_account.html", {"form": form})
