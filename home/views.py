"""Site-wide views: search over pages, the health check, and the installable app's files and pages."""

from urllib.parse import urlencode

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from wagtail.models import Page, Site

from . import pwa
from .models import SiteSettings

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def search(request):
    """Full-text search over the live, public pages of the current site."""
    # NUL bytes are no search term, and the database refuses them (a 500 instead of an answer).
    query = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    results = Page.objects.none()
    site = Site.find_for_request(request)
    if query and site:
        results = Page.objects.live().public().in_site(site).specific().search(query)
    paginator = Paginator(results, RESULTS_PER_PAGE)
    try:
        page_obj = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page_obj = paginator.page(1)
    except EmptyPage:
        page_obj = paginator.page(paginator.num_pages)
    context = {"query": query, "page_obj": page_obj, "query_string": urlencode({"q": query})}
    return TemplateResponse(request, "home/search.html", context)


@never_cache
def healthz(request):
    """Liveness probe for load balancers; also the trivial baseline of bench/pages."""
    return HttpResponse("ok", content_type="text/plain")


# --- The installable app (home/pwa.py) ---------------------------------------------------------


def web_app_manifest(request):
    """The site's web app manifest: its name, colours and icons from its settings."""
    site_settings = SiteSettings.for_request(request)
    response = JsonResponse(pwa.manifest(site_settings), content_type="application/manifest+json",
                            json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=3600)
    return response


def app_icon(request, size, maskable=False):
    """One of the site's app icons (PNG); its address carries the settings' fingerprint, so it may be kept long."""
    site_settings = SiteSettings.for_request(request)
    try:
        png = pwa.app_icon(site_settings, size=size, purpose="maskable" if maskable else "any")
    except ValueError:
        raise Http404 from None
    response = HttpResponse(png, content_type="image/png")
    patch_cache_control(response, public=True, max_age=7 * 24 * 3600)
    return response


def service_worker(request):
    """The service worker, at the root so that it may control every page; never kept stale by the browser."""
    site_settings = SiteSettings.for_request(request)
    config = pwa.service_worker_config(offline_url=reverse("offline"), name=site_settings.town_name,
                                       icon=pwa.icon_url(site_settings, 192, "any"))
    response = TemplateResponse(request, "home/pwa/service_worker.js", {"config": config},
                                content_type="text/javascript; charset=utf-8")
    # Browsers check for a new worker on every visit when told not to cache it; the version inside
    # changes with the static files, and that change is what installs the new one.
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


def offline(request):
    """What the service worker shows when the network fails: kept in its cache, the same for everyone."""
    return TemplateResponse(request, "home/pwa/offline.html")


def install_app(request):
    """How to put the site on a phone's home screen, on Android and on iPhone."""
    return TemplateResponse(request, "home/pwa/install.html")
