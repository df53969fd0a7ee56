"""allauth adapters: FranceConnect's failures as a clear message on the login page; sign-out through FranceConnect."""

import logging

import requests
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthError

from .provider import provider_down_message
from .views import end_session_url

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    """Signing out of a FranceConnect session signs out of FranceConnect too."""

    def get_logout_redirect_url(self, request):
        # allauth asks for this before it empties the session, which still holds the ID token.
        return end_session_url(request) or super().get_logout_redirect_url(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Every failed sign-in (forged, replayed, expired, provider down…) ends on the login page with a message.

    Nothing is written: allauth stops before looking the account up. The
    details go to the log for the operators, not to the resident.
    """

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        if error == AuthError.CANCELLED:
            return  # allauth's own "you cancelled" page
        logger.warning("Sign-in with %s refused: %s (%r)", getattr(provider, "id", provider), error, exception)
        if isinstance(exception, requests.RequestException):
            message = provider_down_message()
        elif exception is None and extra_context and "state_id" in extra_context:
            message = _("This FranceConnect sign-in was already used or has expired, so you were not signed in. "
                        "Start again from the button below.")
        else:
            message = _("Your FranceConnect sign-in could not be verified, so you were not signed in and nothing "
                        "was changed. Start again, or sign in with your e-mail address and password.")
        messages.error(request, message)
        raise ImmediateHttpResponse(redirect("account_login"))
