"""Signing in with FranceConnect, the French state's identity federation, through django-allauth.

FranceConnect speaks OpenID Connect; allauth's generic OpenID Connect
provider does the protocol (discovery, authorization code, token, state,
JWKS). This package only adds what FranceConnect's integration rules ask
and the generic provider leaves out:

- a ``nonce`` sent with every authorization request and checked in the ID
  token (``views.nonce_for``: derived from allauth's one-time ``state``);
- the ID token's signature always verified against the provider's keys
  (allauth skips it when the token came straight from the token endpoint),
  with its issuer, audience, expiry and the ``acr`` asked for;
- the userinfo answer read as a signed JWT (FranceConnect v2) or JSON;
- logout through the provider (``end_session_endpoint`` with
  ``id_token_hint``, ``state`` and ``post_logout_redirect_uri``);
- a clear message, and the other ways to sign in, when anything fails.

Configuration (client id, secret, platform) lives in
``parvis/settings/base.py`` and the README.
"""
