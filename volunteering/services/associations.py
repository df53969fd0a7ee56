"""Associations: registration, moderation, their details and representatives."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from common.scoping import has_perm
from home.images import UnusableImage, check_uploaded_image

from .. import rules
from ..exceptions import (
    AlreadyReviewed,
    InvalidData,
    NotAllowed,
    NotEligible,
)
from ..models import Association, Representative


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "association"
    slug, number = base, 2
    while Association.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def validate_logo(upload) -> None:
    """A JPEG, PNG or WebP image within the size and pixel limits (decompression bombs refused), checked before storing.

    The same check as ideas' photos (``home.images``).
    """
    try:
        check_uploaded_image(upload)
    except UnusableImage as error:
        raise InvalidData({"logo": error.message}) from None


def _store_logo(upload, *, name: str, user):
    from django.core.files.images import ImageFile

    image = get_image_model()(title=name[:255], description=_("Logo of %(name)s") % {"name": name}, uploaded_by_user=user)
    image.file = ImageFile(upload, name=upload.name)
    image.save()
    return image


def clean_association_data(*, data: dict, exclude_pk=None) -> dict:
    """The association's fields, trimmed and checked; the name must not be another live association's."""
    cleaned = {
        "name": (data.get("name") or "").strip(),
        "description": (data.get("description") or "").strip(),
        "contact_email": (data.get("contact_email") or "").strip(),
        "contact_phone": (data.get("contact_phone") or "").strip(),
        "website": (data.get("website") or "").strip(),
        "council": data.get("council"),
    }
    errors = {}
    if not cleaned["name"]:
        errors["name"] = _("Give the association's name.")
    elif (
        Association.objects.filter(name__iexact=cleaned["name"]).exclude(status=Association.Status.REFUSED)
        .exclude(pk=exclude_pk).exists()
    ):
        errors["name"] = _("An association with this name is already registered. Ask its representatives to add you.")
    if not cleaned["description"]:
        errors["description"] = _("Describe what the association does.")
    try:
        validate_email(cleaned["contact_email"])
    except ValidationError:
        errors["contact_email"] = _("Give an e-mail address where residents can reach the association.")
    if errors:
        raise InvalidData(errors)
    return cleaned


def register_association(*, user, data: dict, logo=None, site=None, now=None) -> Association:
    """A resident registers an association and becomes its first representative; moderators are told.

    The association stays hidden until a moderator approves it; ``site`` (where it registered) says
    whose moderators review it.
    """
    now = now or timezone.now()
    if not rules.is_verified_resident(user):
        raise NotEligible
    cleaned = clean_association_data(data=data)
    if logo:
        validate_logo(logo)
    with transaction.atomic():
        association = Association(**cleaned, slug=_unique_slug(cleaned["name"]), site=site, submitted_at=now,
                                  submitted_by=user)
        if logo:
            association.logo = _store_logo(logo, name=cleaned["name"], user=user)
        association.save()
        Representative.objects.create(association=association, user=user, added_at=now, added_by=user)
        transaction.on_commit(lambda: _queue_association_email(association.pk, "submitted"))
    return association


def approve_association(*, association: Association, moderator, now=None) -> Association:
    """A moderator approves a pending association: it is published and its representatives may post missions."""
    return _review(association=association, moderator=moderator, status=Association.Status.APPROVED, reason="", now=now)


def refuse_association(*, association: Association, moderator, reason: str, now=None) -> Association:
    """A moderator refuses a pending association, giving the reason its representatives receive."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidData({"reason": _("Give the reason for the refusal: the representatives receive it.")})
    return _review(association=association, moderator=moderator, status=Association.Status.REFUSED, reason=reason, now=now)


def _review(*, association, moderator, status, reason, now) -> Association:
    now = now or timezone.now()
    if not has_perm(moderator, "volunteering.review_association", association):
        raise NotAllowed(_("Only the moderators of its collectivity may approve or refuse this association."))
    with transaction.atomic():
        association = Association.objects.select_for_update().get(pk=association.pk)
        if association.status != Association.Status.PENDING:
            raise AlreadyReviewed
        association.status, association.refusal_reason = status, reason
        association.reviewed_at, association.reviewed_by = now, moderator
        association.save(update_fields=["status", "refusal_reason", "reviewed_at", "reviewed_by"])
        event = Association.Status(status).value
        transaction.on_commit(lambda: _queue_association_email(association.pk, event))
    return association


def update_association(*, association: Association, by, data: dict, logo=None) -> Association:
    """A representative changes the association's public details (name, description, contact, logo)."""
    if not rules.is_representative_of(by, association) or association.status == Association.Status.REFUSED:
        raise NotAllowed
    cleaned = clean_association_data(data=data, exclude_pk=association.pk)
    if logo:
        validate_logo(logo)
    with transaction.atomic():
        for name, value in cleaned.items():
            setattr(association, name, value)
        if logo:
            association.logo = _store_logo(logo, name=cleaned["name"], user=by)
        association.save()
    return association


def add_representative(*, association: Association, by, email: str, now=None) -> Representative:
    """A representative adds another resident's existing account, found by its e-mail address; they are told."""
    now = now or timezone.now()
    if not rules.is_representative_of(by, association) or association.status == Association.Status.REFUSED:
        raise NotAllowed
    email = (email or "").strip()
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first() if email else None
    if user is None or not rules.is_verified_resident(user):
        raise InvalidData({"email": _(
            "No confirmed account uses this address. Ask the person to sign up first, then add them."
        )})
    try:
        with transaction.atomic():
            role = Representative.objects.create(association=association, user=user, added_at=now, added_by=by)
    except IntegrityError:
        raise InvalidData({"email": _("This person already represents the association. Nothing was changed.")}) from None
    transaction.on_commit(lambda: _queue_association_email(association.pk, "representative_added", user_id=user.pk))
    return role


def associations_of(user):
    """The associations this account represents, whatever their state."""
    if not (user and user.is_authenticated):
        return Association.objects.none()
    return Association.objects.filter(representatives__user=user).select_related("council").order_by("name")


def _queue_association_email(association_id: int, event: str, user_id: int | None = None) -> None:
    from ..tasks import send_association_emails

    send_association_emails.delay(association_id=association_id, event=event, user_id=user_id)
