from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Residents' notification centre and web push (preferences, subscriptions, staff notices)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "notices"
    verbose_name = _("Notifications")

    def ready(self):
        from . import signals  # noqa: F401  (meaningful actions that earn the push invitation)
