"""Help for residents who need it: an accredited helper submits a contribution on their behalf.

How the resident agrees, and why this way. The helper (a town-hall desk
agent or a volunteer ambassador) prepares the contribution with the
resident beside them and ticks an attestation ("the resident is here, I
read the text back to them and they agree"). That alone is only the
helper's word, so the server then sends a six-digit code to the resident's
own confirmed e-mail address, with what is about to be submitted in their
name; the resident reads it on their phone and gives it to the helper (or
types it). Only the right code, within 15 minutes and 5 tries, submits the
contribution, as the resident's own, marked "made with help". The code
proves the resident's account holder saw the request; the attestation
records that they were present and agreed; a helper alone can do neither.

Every step (prepared, refused, confirmed) is in :class:`AssistanceEvent`.
Votes have no assisted route: the desk's route for voting is paper or the
resident's own mailed code.
"""

import secrets
from collections.abc import Callable
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AccreditedHelper, AssistanceEvent, AssistedRequest

CODE_LIFETIME = timedelta(minutes=15)
MAX_ATTEMPTS = 5


class AssistanceRefused(Exception):
    """The assisted contribution cannot go ahead; ``message`` says why (safe to show the helper)."""

    default_message = gettext_lazy("The resident has not confirmed this contribution. Nothing was submitted.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


def is_accredited(user) -> bool:
    """An active accredited helper."""
    return bool(user and user.is_authenticated and
                AccreditedHelper.objects.filter(user=user, active=True).exists())


def _require_helper(helper) -> None:
    if not is_accredited(helper):
        raise PermissionDenied(_("Only accredited helpers can contribute on behalf of a resident."))


def _log(*, helper, resident, action: str, event: str, object_id: str = "", **detail) -> None:
    AssistanceEvent.objects.create(helper=helper, resident=resident, action=action, event=event,
                                   object_id=object_id, detail=detail)


def _digest(request_pk: int, code: str) -> str:
    return salted_hmac("parvis.assistance.code", f"{request_pk}:{code}").hexdigest()


def find_resident(email: str):
    """The active account whose confirmed e-mail address this is, or None."""
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(email__iexact=(email or "").strip(), verified=True,
                                          user__is_active=True).select_related("user").first()
    return address.user if address else None


def prepare(*, helper, resident_email: str, attested: bool, action: str, target: str, payload: dict,
            summary: str) -> AssistedRequest:
    """Record what the helper prepared and send the resident their confirmation code; nothing is submitted yet.

    Raises PermissionDenied (not an active helper) or AssistanceRefused (no
    attestation, no resident account with this confirmed address, or the
    helper themself).
    """
    _require_helper(helper)
    if not attested:
        raise AssistanceRefused(_("Confirm that the resident is here and agrees with this text: tick the box. "
                                  "Nothing was submitted."))
    resident = find_resident(resident_email)
    if resident is None or resident.pk == helper.pk:
        raise AssistanceRefused(_("No resident account has this confirmed e-mail address. The resident needs an "
                                  "account with a confirmed address to receive the confirmation code."))
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        request = AssistedRequest.objects.create(helper=helper, resident=resident, action=action, target=str(target),
                                                 payload=payload, code_hash="", created_at=now,
                                                 expires_at=now + CODE_LIFETIME)
        AssistedRequest.objects.filter(pk=request.pk).update(code_hash=_digest(request.pk, code))
        _log(helper=helper, resident=resident, action=action, event="prepared", target=str(target))
    helper_name = helper.get_full_name() or helper.get_username()
    body = render_to_string("accounts/email/assistance_code.txt",
                            {"helper": helper_name, "summary": summary, "code": code,
                             "minutes": int(CODE_LIFETIME.total_seconds() // 60)})
    send_mail(_("Your confirmation code: %(code)s") % {"code": code}, body, None, [resident.email])
    return request


def confirm(*, helper, request_id: int, code: str, perform: Callable[[object, dict], object]):
    """Check the resident's code; if right, ``perform(resident, payload)`` submits the contribution. Return its result.

    ``perform`` runs in the same transaction as the confirmation: if it
    raises, nothing is submitted and the code stays usable. A wrong code
    counts a try; the fifth wrong try, or an expired code, ends the request.
    Raises PermissionDenied or AssistanceRefused.
    """
    _require_helper(helper)
    failure = None
    with transaction.atomic():
        request = (AssistedRequest.objects.select_for_update().select_related("resident")
                   .filter(pk=request_id, helper=helper, confirmed_at=None).first())
        if request is None:
            raise AssistanceRefused()
        if request.expires_at <= timezone.now() or request.attempts >= MAX_ATTEMPTS:
            failure = _("This confirmation code has expired or was mistyped too often. Start again: a new code "
                        "will be sent. Nothing was submitted.")
        elif not constant_time_compare(_digest(request.pk, (code or "").strip()), request.code_hash):
            request.attempts += 1
            request.save(update_fields=["attempts"])
            failure = _("This is not the code sent to the resident. Nothing was submitted.")
        if failure:
            _log(helper=helper, resident=request.resident, action=request.action, event="refused",
                 attempts=request.attempts)
        else:
            result = perform(request.resident, request.payload)
            request.confirmed_at = timezone.now()
            request.object_id = str(getattr(result, "pk", "") or "")
            request.save(update_fields=["confirmed_at", "object_id"])
            _log(helper=helper, resident=request.resident, action=request.action, event="confirmed",
                 object_id=request.object_id, target=request.target)
    if failure:
        raise AssistanceRefused(failure)
    return result


def pending_request(*, helper, request_id: int) -> AssistedRequest | None:
    return AssistedRequest.objects.filter(pk=request_id, helper=helper, confirmed_at=None).first()

