"""A host name that leads to no collectivity gets a clear 404, not another collectivity's site.

Wagtail serves its default site for an unknown host name; on a platform of many collectivities that
would show, say, the département's pages at a mistyped town address. With a single site (one town
per installation) any allowed host name still serves it, as before. An IP address names no
collectivity: it gets the default site, as Wagtail does (health checks, ``make run`` at 127.0.0.1).
Placed before the page cache, so made-up host names cannot fill it.
"""

import ipaddress

from django.shortcuts import render

from . import hosts


class UnknownHostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Kept in the process until a site changes (``hosts``): one small cache read, however many sites.
        sites = hosts.current()
        # Where Wagtail looks for the sites' root paths when it writes a page's URL (once per request).
        request._wagtail_cached_site_root_paths = sites.root_paths
        hostname = request.get_host().rsplit(":", 1)[0].lower()
        if len(sites.hostnames) > 1 and hostname not in sites.hostnames and not _is_ip_address(hostname):
            return render(request, "territories/unknown_host.html", {"hostname": hostname}, status=404)
        return self.get_response(request)


def _is_ip_address(hostname: str) -> bool:
    try:
        ipaddress.ip_address(hostname.strip("[]"))
    except ValueError:
        return False
    return True
