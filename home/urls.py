"""Site-wide addresses outside the page tree: the installable app's files (at the root, as browsers expect)."""

from django.urls import path

from . import views

urlpatterns = [
    path("manifest.webmanifest", views.web_app_manifest, name="web_app_manifest"),
    path("app-icon-<int:size>.png", views.app_icon, name="app_icon"),
    path("app-icon-<int:size>-maskable.png", views.app_icon, {"maskable": True}, name="app_icon_maskable"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("hors-ligne/", views.offline, name="offline"),
    path("installer-l-application/", views.install_app, name="install_app"),
]
