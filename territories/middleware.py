"""A host name that leads to no collectivity gets a clear 404, not another collectivity's site.

Wagtail serves its default site for an unknown host name; on a platform of many collectivities that
would show, say, the département's pages at a mistyped town address. With a single site (one town
per installation) any allowed host name still serves it, as before. Placed before the page cache,
so made-up host names cannot fill it.
"""

from urllib.parse import urlsplit

from django.shortcuts import render
from wagtail.models import Site


class UnknownHostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Wagtail keeps the sites' root URLs in its cache: no query per request.
        hosts = {urlsplit(root.root_url).hostname for root in Site.get_site_root_paths()}
        hostname = request.get_host().rsplit(":", 1)[0].lower()
        if len(hosts) > 1 and hostname not in hosts:
            return render(request, "territories/unknown_host.html", {"hostname": hostname}, status=404)
        return self.get_response(request)
