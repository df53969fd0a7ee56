"""Where allauth looks for the providers of an installed app (``<app>.provider.provider_classes``)."""

from .franceconnect.provider import provider_classes  # noqa: F401
