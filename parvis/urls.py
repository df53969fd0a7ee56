"""Root URLconf: Django admin is not exposed; Wagtail serves the page tree."""

from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("compte/", include("accounts.urls")),
    path("compte/", include("allauth.urls")),
    path("vote/", include("voting.urls")),
    path("mon-benevolat/", include("volunteering.urls")),
    path("notifications/", include("notices.urls")),
    path("recherche/", home_views.search, name="search"),
    path("healthz", home_views.healthz, name="healthz"),
]

if settings.SERVE_MEDIA:
    # Development and tests only: in production the web server in front serves /media/.
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

urlpatterns += [path("", include(wagtail_urls))]

# A lost connection to PostgreSQL, Redis or the task queue answers 503 "try again" (parvis/errors.py).
handler500 = "parvis.errors.server_error"
