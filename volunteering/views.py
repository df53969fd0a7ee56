"""Views of the volunteering space: validate a form, call a service, redirect with a message.

Public pages are routes of ``VolunteeringIndexPage`` (``mission_index``,
``mission_page``, ``association_page``). The residents' and associations'
workspace lives under ``/mon-benevolat/`` (``urls.py``): it works before editors
place the index page, and none of it is public.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Site

from pagecache.fragments import query_key

from . import rules, services
from .exceptions import InvalidData, VolunteeringError
from .forms import AssociationForm, MissionFilterForm, MissionForm, OfferForm, RepresentativeForm
from .models import Association, Mission, Offer, VolunteeringIndexPage
from .rules import AgeCheck


def _login_redirect(target: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


def _paginate(request, items, per_page: int):
    paginator = Paginator(items, per_page)
    try:
        return paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


# --- Public pages (routes of the index page) ---------------------------------------------------

def mission_index(request, page: VolunteeringIndexPage):
    """The missions still taking offers, filtered by neighbourhood, skill and dates, twelve a page."""
    # The page is served on the request's site, which the host check has already found (no query).
    form = MissionFilterForm(request.GET or None, site=Site.find_for_request(request))
    filters = form.filters()

    def missions():
        page_obj = _paginate(request, services.listed_missions(**filters), page.per_page)
        for mission in page_obj:
            mission.url = page.mission_url(mission)
        return page_obj

    query = {name: value for name, value in request.GET.items() if name != "page" and value}
    keep = query_key(request)
    return page.render(request, context_overrides={
        # Read only when the list is not kept for every visitor (parvis_fragments): an unfiltered page of it is.
        "filter_form": form, "page_obj": SimpleLazyObject(missions), "query_string": urlencode(query),
        "filtered": bool(filters), "list_key": " ".join(keep) if keep is not None else None,
    })


def _published_mission(mission_id: int) -> Mission:
    return get_object_or_404(
        Mission.objects.published().with_accepted_count().select_related("association", "council")
        .prefetch_related("skills"), pk=mission_id,
    )


def mission_page(request, page: VolunteeringIndexPage, mission_id: int, slug: str):
    """A mission's page; residents offer help from it (POST), then come back to it."""
    mission = _published_mission(mission_id)
    url = page.mission_url(mission)
    if slug != mission.slug:
        return HttpResponseRedirect(url)
    options = services.offer_options(mission=mission, user=request.user)
    form, status = None, 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return _login_redirect(url)
        form = OfferForm(request.POST, mission=mission, ask_age=options.age is AgeCheck.CONFIRM)
        if form.is_valid():
            try:
                services.offer_help(mission=mission, volunteer=request.user, message=form.cleaned_data["message"],
                                    age_confirmed=form.cleaned_data.get("age_confirmed", False))
            except InvalidData as error:
                form.add_domain_errors(error)
            except VolunteeringError as error:
                messages.error(request, error.message)
                return HttpResponseRedirect(url)
            else:
                messages.success(request, _(
                    "Thank you! Your offer is sent to %(association)s. You will receive an e-mail when they answer."
                ) % {"association": mission.association.name})
                return HttpResponseRedirect(url)
        messages.error(request, _("Your offer could not be sent: please correct the errors in the form. Nothing was sent."))
        status = 400
    elif request.method not in ("GET", "HEAD"):
        raise Http404
    if form is None and options.may_offer:
        form = OfferForm(mission=mission, ask_age=options.age is AgeCheck.CONFIRM)
    return TemplateResponse(request, "volunteering/mission_page.html", {
        "page": page, "self": page, "mission": mission, "options": options, "form": form, "age_checks": AgeCheck,
        "association_url": page.association_url(mission.association),
    }, status=status)


def association_page(request, page: VolunteeringIndexPage, slug: str):
    """An approved association's public page: who they are, how to reach them, their missions taking offers (paginated)."""
    if request.method not in ("GET", "HEAD"):
        raise Http404
    association = get_object_or_404(Association.objects.select_related("council", "logo"), slug=slug,
                                     status=Association.Status.APPROVED)
    page_obj = _paginate(request, services.listed_missions().filter(association=association), page.per_page)
    for mission in page_obj:
        mission.url = page.mission_url(mission)
    return TemplateResponse(request, "volunteering/association_page.html", {
        "page": page, "self": page, "association": association, "page_obj": page_obj, "query_string": "",
    })


# --- Workspace (/mon-benevolat/) -------------------------------------------------------------------

@never_cache
@login_required
def space(request):
    """A resident's volunteering: the associations they represent and their offers of help."""
    index = services.index_page()
    offers = list(services.offers_of(request.user))
    for offer in offers:
        offer.mission_url = index.mission_url(offer.mission) if index else ""
    return TemplateResponse(request, "volunteering/space.html", {
        "associations": services.associations_of(request.user), "offers": offers, "statuses": Offer.Status,
        "index": index,
    })


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def register_association(request):
    """A resident registers an association; they become its first representative, and it awaits approval."""
    form = AssociationForm(request.POST or None, request.FILES or None, site=Site.find_for_request(request))
    if request.method == "POST":
        if form.is_valid():
            try:
                association = services.register_association(user=request.user, data=form.association_data(),
                                                            logo=form.cleaned_data["logo"],
                                                            site=Site.find_for_request(request))
            except InvalidData as error:
                form.add_domain_errors(error)
            except VolunteeringError as error:
                messages.error(request, error.message)
                return redirect("volunteering:space")
            else:
                messages.success(request, _(
                    "“%(name)s” is registered. The moderators will review it; you will receive an e-mail."
                ) % {"name": association.name})
                return redirect("volunteering:association", association.pk)
        messages.error(request, _("The association could not be registered: please correct the errors. Nothing was saved."))
    return TemplateResponse(request, "volunteering/association_form.html", {"form": form, "association": None},
                            status=400 if form.is_bound else 200)


def _represented(request, pk: int) -> Association:
    """The association, for one of its representatives only (others get a 404: nothing to learn)."""
    association = get_object_or_404(Association.objects.select_related("council", "logo"), pk=pk)
    if not rules.is_representative_of(request.user, association):
        raise Http404
    return association


def _submit(request, form, association_pk: int, call, *, success, failure: str):
    """A representative's form posted: run the service, or say why not.

    A valid form calls ``call()``; the service's field errors go back on the
    form, a refusal or a success is a message and a redirect to the
    association's page. Returns that redirect, or None when the form must be
    shown again (with ``failure`` as the message).
    """
    if form.is_valid():
        try:
            result = call()
        except InvalidData as error:
            form.add_domain_errors(error)
        except VolunteeringError as error:
            messages.error(request, error.message)
            return redirect("volunteering:association", association_pk)
        else:
            messages.success(request, success(result))
            return redirect("volunteering:association", association_pk)
    messages.error(request, failure)
    return None


@never_cache
@login_required
def association_workspace(request, pk: int):
    """The representatives' page: the association's state, its missions and the offers they received."""
    association = _represented(request, pk)
    index = services.index_page()
    missions = list(association.missions.with_accepted_count().prefetch_related("skills").order_by("-starts_at"))
    offers_by_mission: dict[int, list] = {}
    for offer in services.offers_for_association(association):
        offer.contact = services.contact_of(offer)
        offers_by_mission.setdefault(offer.mission_id, []).append(offer)
    for mission in missions:
        mission.received = offers_by_mission.get(mission.pk, [])
        mission.url = index.mission_url(mission) if index and association.is_approved else ""
    return TemplateResponse(request, "volunteering/association_workspace.html", {
        "association": association, "missions": missions, "statuses": Offer.Status,
        "may_act": rules.can_act_for(request.user, association),
        "representatives": association.representatives.select_related("user__profile").order_by("added_at"),
        "representative_form": RepresentativeForm(),
        "public_url": index.association_url(association) if index and association.is_approved else "",
    })


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def edit_association(request, pk: int):
    association = _represented(request, pk)
    if request.method == "POST":
        form = AssociationForm(request.POST, request.FILES, site=association.get_site())
        done = _submit(
            request, form, pk,
            lambda: services.update_association(association=association, by=request.user,
                                                data=form.association_data(), logo=form.cleaned_data["logo"]),
            success=lambda _association: _("The association's details are saved."),
            failure=_("The details could not be saved: please correct the errors. Nothing was saved."),
        )
        if done:
            return done
        status = 400
    else:
        form = AssociationForm(site=association.get_site(), initial={name: getattr(association, name) for name in
                                        ("name", "description", "contact_email", "contact_phone", "website", "council")})
        status = 200
    return TemplateResponse(request, "volunteering/association_form.html", {"form": form, "association": association},
                            status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def post_mission(request, pk: int):
    """A representative of an approved association posts a mission."""
    association = _represented(request, pk)
    if not association.is_approved:
        messages.error(request, _("Your association can post missions once the moderators have approved it."))
        return redirect("volunteering:association", pk)
    form = MissionForm(request.POST or None, site=association.get_site())
    if request.method == "POST":
        done = _submit(
            request, form, pk,
            lambda: services.post_mission(association=association, by=request.user, data=form.mission_data(),
                                          skills=form.cleaned_data["skills"]),
            success=lambda mission: _("The mission “%(title)s” is published.") % {"title": mission.title},
            failure=_("The mission could not be published: please correct the errors. Nothing was saved."),
        )
        if done:
            return done
    return TemplateResponse(request, "volunteering/mission_form.html", {"form": form, "association": association,
                                                                        "mission": None},
                            status=400 if form.is_bound else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def edit_mission(request, pk: int):
    mission = get_object_or_404(Mission.objects.select_related("association"), pk=pk)
    association = _represented(request, mission.association_id)
    if request.method == "POST":
        form = MissionForm(request.POST, site=association.get_site())
        done = _submit(
            request, form, association.pk,
            lambda: services.update_mission(mission=mission, by=request.user, data=form.mission_data(),
                                            skills=form.cleaned_data["skills"]),
            success=lambda _mission: _("The mission is updated."),
            failure=_("The mission could not be saved: please correct the errors. Nothing was saved."),
        )
        if done:
            return done
        status = 400
    else:
        form, status = MissionForm(initial=MissionForm.initial_for(mission), site=association.get_site()), 200
    return TemplateResponse(request, "volunteering/mission_form.html",
                            {"form": form, "association": association, "mission": mission}, status=status)


@login_required
@require_POST
def add_representative(request, pk: int):
    association = _represented(request, pk)
    form = RepresentativeForm(request.POST)
    if form.is_valid():
        try:
            role = services.add_representative(association=association, by=request.user, email=form.cleaned_data["email"])
        except InvalidData as error:
            messages.error(request, " ".join(str(message) for message in error.errors.values()))
        except VolunteeringError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(email)s now represents the association.") % {"email": role.user.email})
    else:
        messages.error(request, _("Give a valid e-mail address. Nothing was changed."))
    return redirect("volunteering:association", pk)


def _answer(request, pk: int, service, success: str):
    offer = get_object_or_404(Offer.objects.select_related("mission"), pk=pk)
    try:
        service(offer=offer, by=request.user)
    except VolunteeringError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success % {"mission": offer.mission.title})
    association_id = offer.mission.association_id
    if rules.is_representative_of(request.user, offer.mission.association):
        return redirect(reverse("volunteering:association", args=[association_id]) + f"#mission-{offer.mission_id}")
    return redirect("volunteering:space")


@login_required
@require_POST
def accept_offer(request, pk: int):
    return _answer(request, pk, services.accept_offer,
                   _("Offer accepted for “%(mission)s”: the volunteer's contact details are below, and they are told."))


@login_required
@require_POST
def decline_offer(request, pk: int):
    return _answer(request, pk, services.decline_offer, _("Offer declined for “%(mission)s”: the resident is told."))


@login_required
@require_POST
def withdraw_offer(request, pk: int):
    offer = get_object_or_404(Offer.objects.select_related("mission"), pk=pk)
    try:
        services.withdraw_offer(offer=offer, volunteer=request.user)
    except VolunteeringError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your offer for “%(mission)s” is withdrawn; the association is told.") % {
            "mission": offer.mission.title})
    return redirect("volunteering:space")


