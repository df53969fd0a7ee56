from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    label = "accounts"
    verbose_name = _("Resident accounts")

    def ready(self):
        from allauth.account.signals import user_logged_in

        from .identity import on_login

        user_logged_in.connect(on_login, dispatch_uid="accounts.identity.on_login")
