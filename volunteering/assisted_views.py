"""An accredited helper makes an offer of help with a resident beside them (``accounts.assistance``).

Two steps: the offer and the resident's address (a code is sent to the
resident), then the code the resident gives back, which makes the offer in
the resident's name, marked "made with help". Anyone but an active
accredited helper gets a 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import assistance
from accounts.forms import ConfirmationCodeForm, OnBehalfForm

from . import services
from .exceptions import InvalidData, VolunteeringError
from .forms import OfferForm
from .models import Mission

ACTION = "volunteering.offer"


def _helper(request):
    if not assistance.is_accredited(request.user):
        raise PermissionDenied(_("Only accredited helpers can contribute on behalf of a resident."))
    return request.user


def prepare_offer(request, pk: int):
    helper = _helper(request)
    mission = get_object_or_404(Mission.objects.published().select_related("association"), pk=pk)
    form = OfferForm(request.POST or None, mission=mission, ask_age=bool(mission.minimum_age))
    behalf = OnBehalfForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and behalf.is_valid():
            try:
                pending = assistance.prepare(
                    helper=helper, resident_email=behalf.cleaned_data["resident_email"],
                    attested=behalf.cleaned_data["attested"], action=ACTION, target=mission.pk,
                    payload={"message": form.cleaned_data["message"],
                             "age_confirmed": form.cleaned_data.get("age_confirmed", False)},
                    summary=_("An offer of help to %(association)s for “%(mission)s”.\n\n%(message)s") % {
                        "association": mission.association.name, "mission": mission.title,
                        "message": form.cleaned_data["message"]},
                )
            except assistance.AssistanceRefused as error:
                behalf.add_error(None, error.message)
            else:
                messages.success(request, _("A confirmation code was sent to the resident. Ask them for it."))
                return redirect("volunteering:confirm_assisted_offer", pending.pk)
        status = 400
    return TemplateResponse(request, "volunteering/assisted_offer.html", {
        "mission": mission, "form": form, "behalf": behalf,
    }, status=status)


def confirm_offer(request, request_id: int):
    helper = _helper(request)
    pending = assistance.pending_request(helper=helper, request_id=request_id)
    form = ConfirmationCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if pending is not None and form.is_valid():
            mission = get_object_or_404(Mission.objects.published(), pk=int(pending.target))

            def perform(resident, payload):
                return services.offer_help(mission=mission, volunteer=resident, message=payload["message"],
                                           age_confirmed=payload["age_confirmed"], assisted_by=helper)

            try:
                assistance.confirm(helper=helper, request_id=request_id, code=form.cleaned_data["code"],
                                   perform=perform)
            except InvalidData as error:
                form.add_error(None, " ".join(str(message) for message in error.errors.values()))
            except (VolunteeringError, assistance.AssistanceRefused) as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The offer is sent in the resident's name, marked as made with help."))
                return redirect(services.mission_url(mission) or reverse("volunteering:space"))
        status = 400
    return TemplateResponse(request, "accounts/assisted_confirm.html", {
        "form": form, "pending": pending, "heading": _("Offer help with a resident"),
    }, status=status)
