from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "territories"
    label = "territories"
    verbose_name = _("Territories")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import hosts

        hosts.connect()  # the host check's and page URLs' sites follow changes of sites
