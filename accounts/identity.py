"""Certified identities: stored at each FranceConnect sign-in, handed to the ballot engine for roll matching."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from .models import CertifiedIdentity

# voting.services.roll_matching.IDENTITY_HOOK, by name: accounts does not import the ballot engine.
VOTING_IDENTITY_HOOK = "parvis_voting_certified_identity"
PROVIDER_NAMES = {"franceconnect": "FranceConnect"}


def _birth_date(value) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def store_certified_identity(*, user, provider: str, claims: dict, now=None) -> CertifiedIdentity | None:
    """Keep the identity claims FranceConnect certified for this account (replacing older ones).

    ``claims`` is the userinfo answer: ``sub``, ``family_name`` (birth name),
    ``given_name`` (all given names), ``birthdate`` (YYYY-MM-DD; FranceConnect
    may send only the year as YYYY-01-01 for some people), ``birthplace``
    (INSEE code, empty when born abroad), ``gender``, ``preferred_username``
    (usage name). Without a birth name or a usable birth date nothing is kept.
    """
    born = _birth_date(claims.get("birthdate", ""))
    if not (claims.get("family_name") and born and claims.get("sub")):
        return None
    values = {
        "provider": provider,
        "subject": str(claims["sub"])[:255],
        "birth_name": str(claims["family_name"])[:150],
        "given_names": str(claims.get("given_name") or "")[:200],
        "birth_date": born,
        "birthplace": str(claims.get("birthplace") or "")[:10],
        "gender": str(claims.get("gender") or "")[:20],
        "usage_name": str(claims.get("preferred_username") or "")[:150],
        "certified_at": now or timezone.now(),
    }
    with transaction.atomic():
        identity, _created = CertifiedIdentity.objects.update_or_create(user=user, defaults=values)
    return identity


def identity_for_voting(user) -> dict | None:
    """What the ballot engine matches against its rolls (fields of its ``CivilIdentity``)."""
    identity = CertifiedIdentity.objects.filter(user=user).first()
    if identity is None:
        return None
    return {
        "birth_name": identity.birth_name, "given_names": identity.given_names, "birth_date": identity.birth_date,
        "birthplace": identity.birthplace, "usage_name": identity.usage_name,
        "provider": PROVIDER_NAMES.get(identity.provider, identity.provider),
    }


def on_login(sender, request, user, sociallogin=None, **kwargs):
    """allauth's ``user_logged_in``: after a FranceConnect sign-in, store what it certified."""
    if sociallogin is None or sociallogin.account.provider not in PROVIDER_NAMES:
        return
    claims = sociallogin.account.extra_data.get("userinfo") or {}
    store_certified_identity(user=user, provider=sociallogin.account.provider, claims=claims)
