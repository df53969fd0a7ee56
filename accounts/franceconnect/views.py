"""FranceConnect's OpenID Connect exchange: nonce, verified ID token, signed userinfo, logout through the provider."""

import logging

import requests
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare, get_random_string, salted_hmac
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Client, OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri

logger = logging.getLogger(__name__)

PROVIDER_ID = "franceconnect"
ID_TOKEN_SESSION_KEY = "franceconnect_id_token"  # kept for the logout's id_token_hint
LOGOUT_STATE_SALT = "accounts.franceconnect.logout"
LOGOUT_STATE_MAX_AGE = 15 * 60


def nonce_for(state_id: str) -> str:
    """The nonce of one authorization request, derived from its allauth ``state``.

    The state is random, kept in the resident's session and usable once
    (allauth checks and drops it before the token is read), so an ID token
    minted for another login, another browser or an earlier attempt carries
    another nonce. Deriving it with the site's secret means nothing more to store.
    """
    return salted_hmac("accounts.franceconnect.nonce", state_id).hexdigest()


class FranceConnectClient(OAuth2Client):
    """Adds the nonce to the authorization request (allauth's client sends none)."""

    def get_redirect_url(self, authorization_url, scope, extra_params) -> str:
        return super().get_redirect_url(authorization_url, scope, {**extra_params, "nonce": nonce_for(self.state or "")})


class FranceConnectAdapter(OpenIDConnectOAuth2Adapter):
    """The generic OpenID Connect adapter, with every check of FranceConnect's rules."""

    client_class = FranceConnectClient

    def __init__(self, request: HttpRequest, provider_id: str = PROVIDER_ID) -> None:
        super().__init__(request, provider_id)

    def get_callback_url(self, request: HttpRequest, app):
        return build_absolute_uri(request, reverse("franceconnect_callback"), self.redirect_uri_protocol)

    def _verified(self, app, credential: str) -> dict:
        """Signature (provider's JWKS), issuer, audience (this client), expiry; raises OAuth2Error."""
        return jwtkit.verify_and_decode(
            credential=credential, keys_url=self.openid_config["jwks_uri"], issuer=self.openid_config["issuer"],
            audience=app.client_id, lookup_kid=jwtkit.lookup_kid_jwk, verify_signature=True,
        )

    def _fetch_user_info(self, access_token: str, app=None) -> dict:
        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url, headers={"Authorization": f"Bearer {access_token}"})
            response.raise_for_status()
        if response.headers.get("Content-Type", "").split(";")[0].strip() == "application/jwt":
            return self._verified(app, response.text.strip())  # FranceConnect v2 signs its userinfo
        return response.json()

    def complete_login(self, request: HttpRequest, app, token, **kwargs):
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise OAuth2Error("FranceConnect sent no ID token")
        claims = self._verified(app, id_token)
        if not constant_time_compare(str(claims.get("nonce", "")), nonce_for(request.GET.get("state", ""))):
            raise OAuth2Error("ID token nonce does not match this sign-in")
        wanted_acr = self.get_provider().get_auth_params().get("acr_values")
        if wanted_acr and claims.get("acr") not in wanted_acr.split():
            raise OAuth2Error(f"ID token acr {claims.get('acr')!r} is not the level asked for")
        userinfo = self._fetch_user_info(token.token, app)
        if str(userinfo.get("sub")) != str(claims["sub"]):
            raise OAuth2Error("userinfo is about another person than the ID token")
        request.session[ID_TOKEN_SESSION_KEY] = id_token
        return self.get_provider().sociallogin_from_response(request, {"userinfo": userinfo, "id_token": claims})


def _adapter_view(view_class, request):
    try:
        return view_class.adapter_view(FranceConnectAdapter(request))(request)
    except SocialApp.DoesNotExist:
        raise Http404("FranceConnect is not configured.") from None


@login_not_required
def login(request):
    """POST: go to FranceConnect (allauth's login view, with our adapter)."""
    return _adapter_view(OAuth2LoginView, request)


@login_not_required
def callback(request):
    """FranceConnect sends the resident back here with ``code`` and ``state``."""
    return _adapter_view(OAuth2CallbackView, request)


def end_session_url(request: HttpRequest) -> str | None:
    """Where to send a resident signed in with FranceConnect when they sign out, or None.

    FranceConnect's rules: sign out of FranceConnect too, through its
    ``end_session_endpoint`` with the ID token as hint. The ``state`` is
    signed rather than stored, as signing out empties the session. When
    FranceConnect does not answer, the resident is still signed out here.
    """
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    if not id_token:
        return None
    try:
        endpoint = FranceConnectAdapter(request).openid_config.get("end_session_endpoint")
    except (requests.RequestException, SocialApp.DoesNotExist, ValueError):
        logger.warning("FranceConnect did not answer at sign-out: signed out of Parvis only")
        return None
    if not endpoint:
        return None
    state = signing.dumps(get_random_string(16), salt=LOGOUT_STATE_SALT)
    query = urlencode({
        "id_token_hint": id_token, "state": state,
        "post_logout_redirect_uri": build_absolute_uri(request, reverse("franceconnect_logged_out")),
    })
    return f"{endpoint}?{query}"


@login_not_required
def logged_out(request):
    """FranceConnect sends the resident back here once signed out there too."""
    try:
        signing.loads(request.GET.get("state", ""), salt=LOGOUT_STATE_SALT, max_age=LOGOUT_STATE_MAX_AGE)
    except signing.BadSignature:
        return redirect("/")
    messages.success(request, _("You are signed out, of FranceConnect too."))
    return redirect("/")
