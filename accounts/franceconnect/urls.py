"""FranceConnect's routes, found by allauth (``FranceConnectProvider.package``) and mounted under /compte/.

Register ``https://<site>/compte/franceconnect/login/callback/`` as the redirect URI and
``https://<site>/compte/franceconnect/deconnexion/`` as the post-logout redirect URI.
"""

from django.urls import path

from . import views

urlpatterns = [
    path("franceconnect/login/", views.login, name="franceconnect_login"),
    path("franceconnect/login/callback/", views.callback, name="franceconnect_callback"),
    path("franceconnect/deconnexion/", views.logged_out, name="franceconnect_logged_out"),
]
