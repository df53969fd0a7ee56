"""A real OpenID Connect provider for the FranceConnect tests: django-oauth-toolkit, RS256, its own SQLite file.

Started in its own process by ``tests/accounts/oidc.py`` on 127.0.0.1. It
behaves as FranceConnect v2 does: identity claims in a signed userinfo JWT,
``acr`` eidas1, RP-initiated logout. A few test people make it misbehave on
purpose (a forged signature, an expired token…), see ``validator.MISCHIEF``.
"""
