"""E-mails about offers and associations, sent by tasks after the commit, one message per recipient.

They are transactional: they answer something the recipient did or is in
charge of, like allauth's confirmation e-mails, so they are sent whatever the
profile's notification choices (those govern announcements to many
residents, ``accounts.notifications``)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from councils import roles

from ..models import Association, Offer
from .missions import mission_url
from .offers import contact_of


def _full_url(path: str) -> str:
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    return base.rstrip("/") + path if path and path.startswith("/") else path


def _representative_addresses(association: Association) -> list[str]:
    addresses = list(
        association.representatives.filter(user__is_active=True).exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return addresses or [association.contact_email]


def _send(*, recipients: list[str], template: str, subject: str, context: dict) -> int:
    """Render once, then one delivery task per recipient: an SMTP retry never re-sends to the others."""
    from home.tasks import send_email

    body = render_to_string(f"volunteering/email/{template}.txt", context)
    addresses = [address for address in dict.fromkeys(recipients) if address]
    for address in addresses:
        send_email.delay(subject=str(subject), body=body, recipients=[address])
    return len(addresses)


def send_offer_emails(*, offer_id: int, event: str) -> int:
    """E-mail the volunteer and/or the association about an offer, as it stands when sent; return how many."""
    from django.urls import reverse

    offer = Offer.objects.select_related("mission__association", "volunteer").filter(pk=offer_id).first()
    if offer is None:
        return 0
    mission, association = offer.mission, offer.mission.association
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "offer": offer, "mission": mission, "association": association, "contact": contact_of(offer),
            "mission_url": mission_url(mission),
            "workspace_url": _full_url(reverse("volunteering:association", args=[association.pk])),
            "space_url": _full_url(reverse("volunteering:space")),
        }
        sent = 0
        to_association = {
            "offered": _("[%(mission)s] A resident offers to help"),
            "accepted": _("[%(mission)s] You accepted an offer of help"),
            "declined": _("[%(mission)s] You declined an offer of help"),
            "withdrawn": _("[%(mission)s] A volunteer withdrew their offer"),
        }
        to_volunteer = {
            "accepted": _("[%(mission)s] Your offer of help is accepted"),
            "declined": _("[%(mission)s] Your offer of help was declined"),
        }
        if event in to_association:
            sent += _send(recipients=_representative_addresses(association), template=f"offer_{event}_association",
                          subject=to_association[event] % {"mission": mission.title}, context=context)
        if event in to_volunteer and offer.volunteer is not None and offer.volunteer.email:
            sent += _send(recipients=[offer.volunteer.email], template=f"offer_{event}_volunteer",
                          subject=to_volunteer[event] % {"mission": mission.title}, context=context)
    return sent


def send_association_emails(*, association_id: int, event: str, user_id: int | None = None) -> int:
    """E-mail moderators (a new registration) or the representatives (approved, refused, added); return how many."""
    from django.urls import reverse

    association = Association.objects.filter(pk=association_id).first()
    if association is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {"association": association,
                   "workspace_url": _full_url(reverse("volunteering:association", args=[association.pk])),
                   "admin_url": _full_url(reverse("volunteering_associations:index"))}
        if event == "submitted":
            moderators = get_user_model().objects.filter(groups__name=roles.MODERATORS, is_active=True).exclude(email="")
            return _send(recipients=list(moderators.values_list("email", flat=True)), template="association_submitted",
                         subject=_("New association to review: %(name)s") % {"name": association.name}, context=context)
        if event == "representative_added":
            user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
            return _send(recipients=[user.email] if user else [], template="representative_added",
                         subject=_("You now represent %(name)s") % {"name": association.name}, context=context)
        subjects = {
            Association.Status.APPROVED: _("%(name)s is approved"),
            Association.Status.REFUSED: _("%(name)s was not approved"),
        }
        return _send(recipients=_representative_addresses(association), template=f"association_{event}",
                     subject=subjects[event] % {"name": association.name}, context=context)
