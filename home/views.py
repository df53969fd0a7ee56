"""Site-wide views: search over pages and the health check."""

from urllib.parse import urlencode

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from wagtail.models import Page, Site

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
