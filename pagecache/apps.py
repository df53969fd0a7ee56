from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PageCacheConfig(AppConfig):
    name = "pagecache"
    label = "pagecache"
    verbose_name = _("Page cache")

    def ready(self):
        from . import personal, purge

        purge.connect()  # anonymous visitors' cached pages follow content changes
        personal.connect()  # a resident's kept admin access follows their groups and permissions
