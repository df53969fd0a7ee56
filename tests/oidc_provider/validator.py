"""FranceConnect's behaviour on top of django-oauth-toolkit's validator, plus deliberate misbehaviour."""

import json
import os
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from jwcrypto import jwk, jwt
from oauth2_provider.oauth2_validators import OAuth2Validator

# People at this provider: username -> identity claims (FranceConnect's "identité pivot").
PEOPLE = json.loads(Path(os.environ["OIDC_PROVIDER_PEOPLE"]).read_text())
# Test people whose sign-in the provider spoils on purpose, to prove the client refuses it.
MISCHIEF = {"forged-signature", "expired", "other-audience", "wrong-nonce", "low-acr", "other-subject"}
IDENTITY_CLAIMS = ("given_name", "family_name", "birthdate", "birthplace", "birthcountry", "gender", "preferred_username")


class FranceConnectLikeValidator(OAuth2Validator):
    # FranceConnect's scopes are one per claim.
    oidc_claim_scope = {"sub": "openid", **{claim: claim for claim in IDENTITY_CLAIMS}}

    def get_additional_claims(self, request):
        return {claim: value for claim, value in PEOPLE.get(request.user.username, {}).items() if claim in IDENTITY_CLAIMS}

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        # As FranceConnect: the ID token says who and how (acr), the identity comes from userinfo.
        claims = {key: value for key, value in claims.items() if key not in IDENTITY_CLAIMS}
        claims["acr"] = "eidas1"
        username = request.user.username
        if username == "expired":
            claims["exp"] = int((timezone.now() - timedelta(minutes=10)).timestamp())
        elif username == "other-audience":
            claims["aud"] = "another-service"
        elif username == "wrong-nonce":
            claims["nonce"] = "a-nonce-from-another-sign-in"
        elif username == "low-acr":
            claims["acr"] = "eidas0"
        return claims, expiration

    def finalize_id_token(self, id_token, token, token_handler, request):
        signed = super().finalize_id_token(id_token, token, token_handler, request)
        if request.user.username != "forged-signature":
            return signed
        # Same header and claims, signed by a key that is not the provider's.
        header, payload = (json.loads(jwk.base64url_decode(part)) for part in signed.split(".")[:2])
        forged = jwt.JWT(header=header, claims=payload)
        forged.make_signed_token(jwk.JWK.generate(kty="RSA", size=2048))
        return forged.serialize()

    def get_userinfo_claims(self, request):
        """A signed JWT, as FranceConnect v2 answers (oauthlib sends a string as application/jwt)."""
        claims = self.get_oidc_claims(request.access_token, None, request)
        if request.user.username == "other-subject":
            claims["sub"] = "someone-else"
        claims.update(iss=self.get_oidc_issuer_endpoint(request), aud=request.client.client_id)
        key = request.client.jwk_key
        token = jwt.JWT(header={"typ": "JWT", "alg": "RS256", "kid": key.thumbprint()}, claims=claims)
        token.make_signed_token(key)
        return token.serialize()
