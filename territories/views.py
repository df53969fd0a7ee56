"""Residents' address: where they live says which collectivities are theirs (one account for all)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .exceptions import ResidenceError
from .forms import ResidenceForm
from .services.residences import communes_for_postcode, residence_of, resident_sites, set_residence


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def residence(request):
    """Say or change one's postcode and commune."""
    current = residence_of(request.user)
    initial = {"postcode": current.postcode, "commune": current.commune_id} if current else {}
    form = ResidenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            set_residence(user=request.user, postcode=form.cleaned_data["postcode"], commune=form.cleaned_data["commune"])
        except ResidenceError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("Your address has been saved: you live in %(commune)s.")
                             % {"commune": form.cleaned_data["commune"].name})
            return redirect(_next_url(request) or "residents:address")
    return TemplateResponse(request, "territories/residence.html", {
        "form": form, "residence": current, "places": current.territories() if current else [],
        "sites": resident_sites(current), "next": _next_url(request),
    })


@require_GET
def communes(request):
    """The communes of a postcode, for the address form's chooser (public: La Poste's published list)."""
    found = communes_for_postcode(request.GET.get("code_postal", ""))[:50]
    return JsonResponse({"communes": [{"id": commune.pk, "name": commune.name} for commune in found]})


def _next_url(request) -> str:
    """Where to go back after saving (a vote that asked for the address), if it is on this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    return url if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()) else ""
