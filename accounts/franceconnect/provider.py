"""The FranceConnect provider: allauth's OpenID Connect provider with FranceConnect's scopes and claims."""

import requests
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider

from .views import FranceConnectAdapter

# FranceConnect's scopes are one per claim of the "identité pivot" (plus preferred_username, the usage name).
DEFAULT_SCOPE = ["openid", "given_name", "family_name", "birthdate", "birthplace", "gender", "preferred_username"]
PROVIDER_DOWN = "provider-down"


class FranceConnectProvider(OpenIDConnectProvider):
    """FranceConnect as an allauth provider; its settings sit under ``SOCIALACCOUNT_PROVIDERS["franceconnect"]``."""

    id = "franceconnect"
    name = "FranceConnect"
    package = "accounts.franceconnect"  # where allauth finds its urls.py
    oauth2_adapter_class = FranceConnectAdapter

    def get_default_scope(self):
        return list(DEFAULT_SCOPE)

    def get_login_url(self, request, **kwargs):
        url = reverse("franceconnect_login")
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self):
        return reverse("franceconnect_callback")

    def get_auth_params_from_request(self, request, action):
        # No ?auth_params= from the query string: the acr level asked for is ours to choose, not the visitor's.
        return self.get_auth_params()

    def extract_uid(self, data):
        return str(data["id_token"]["sub"])  # the signed token's subject, checked equal to userinfo's

    def extract_common_fields(self, data):
        claims = data.get("userinfo") or {}
        return {"first_name": (claims.get("given_name") or "")[:150], "last_name": (claims.get("family_name") or "")[:150]}

    def extract_email_addresses(self, data):
        return []  # FranceConnect is asked for no e-mail: residents without one can take part

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        """Send the resident to FranceConnect; if it does not answer, back to the login page, saying so."""
        try:
            return super().redirect(request, process, next_url=next_url, data=data, **kwargs)
        except requests.RequestException:
            messages.error(request, provider_down_message())
            return redirect("account_login")


def provider_down_message() -> str:
    return _("FranceConnect is not answering right now, so you were not signed in. Try again in a few minutes, "
             "or sign in with your e-mail address and password.")


provider_classes = [FranceConnectProvider]
