"""What accounts hands other apps through Wagtail hooks: the certified identity, for roll matching; account fields."""

from django.contrib.auth import get_user_model
from django.db.models import ForeignKey
from wagtail import hooks
from wagtail.admin.forms.models import register_form_field_override

from .fields import AccountField
from .identity import VOTING_IDENTITY_HOOK, identity_for_voting

hooks.register(VOTING_IDENTITY_HOOK, identity_for_voting)

# Every account field of the admin's forms (trustees, candidates, helpers…) takes an e-mail address.
register_form_field_override(ForeignKey, to=get_user_model(), override={"form_class": AccountField})


@hooks.register("register_admin_viewset")
def register_helpers_menu():
    from .admin_views import HelpersMenu

    return HelpersMenu()
