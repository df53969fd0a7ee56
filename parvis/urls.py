"""Root URLconf: Django admin is not exposed; Wagtail serves the page tree."""

from django.conf import settings
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Without a CSRF token, so that every page's language switcher can be served from the page cache:
    # a forged request could only change a visitor's display language, as a link to a translated page does.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("compte/", include("accounts.urls")),
    path("compte/", include("territories.urls")),  # the resident's address (their collectivities)
    path("compte/", include("allauth.urls")),
    path("vote/", include("voting.urls")),
    path("mon-benevolat/", include("volunteering.urls")),
    path("notifications/", include("notices.urls")),
    path("recherche/", home_views.search, name="search"),
    path("healthz", home_views.healthz, name="healthz"),
    path("", include("home.urls")),  # the installable app: manifest, icons, service worker, offline page
]

if settings.SERVE_MEDIA:
    # Development and tests only: in production the web server in front serves /media/.
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

urlpatterns += [path("", include(wagtail_urls))]

# A lost connection to PostgreSQL, Redis or the task queue answers 503 "try again" (parvis/errors.py).
handler500 = "parvis.errors.server_error"
