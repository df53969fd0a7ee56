"""The rules of councils: which council covers an address, and writing to a council."""

import hashlib

from django.core.cache import cache
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from home.tasks import send_email

from .models import Council, CouncilArea
from .territory import normalise_postcode, normalise_street

CONTACT_MESSAGES_PER_HOUR = 5


class CouncilNotFound(Exception):
    """No council covers this postcode or street."""


class SeveralCouncils(Exception):
    """The address is shared by several councils (a split postcode, a street name found twice)."""

    def __init__(self, councils: list[Council]):
        super().__init__(", ".join(council.name for council in councils))
        self.councils = councils


class TooManyMessages(Exception):
    """The sender has reached the hourly limit of messages to councils."""


def _street_matches(key: str) -> Q:
    """Areas whose street contains these words: “tilleuls” matches “rue des tilleuls”."""
    return (
        Q(street_key=key)
        | Q(street_key__startswith=f"{key} ")
        | Q(street_key__endswith=f" {key}")
        | Q(street_key__contains=f" {key} ")
    )


def find_council(*, postcode: str = "", street: str = "") -> Council:
    """The council covering this postcode and/or street.

    With a street, an exact street name wins over a partial one; a street not
    listed under the postcode falls back to the council covering the whole
    postcode. Raises ``CouncilNotFound`` or ``SeveralCouncils`` (the resident
    then gives the street, or the postcode, to settle it).
    """
    postcode = normalise_postcode(postcode)
    key = normalise_street(street)
    if not postcode and not key:
        raise CouncilNotFound
    areas = CouncilArea.objects.all()
    if postcode:
        areas = areas.filter(postcode=postcode)
    if key:
        exact = areas.filter(street_key=key)
        by_street = exact if exact.exists() else areas.filter(_street_matches(key))
        if postcode and not by_street.exists():
            by_street = areas.filter(street_key="")
        areas = by_street
    councils = list(Council.objects.filter(areas__in=areas).distinct().order_by("name"))
    if not councils:
        raise CouncilNotFound
    if len(councils) > 1:
        raise SeveralCouncils(councils)
    return councils[0]


def contact_council(*, council: Council, sender_name: str, sender_email: str, message: str, sender_key: str) -> None:
    """Forward a resident's message to the council by e-mail, outside the request.

    The message is not stored (nothing to keep, nothing to erase). A sender,
    identified by ``sender_key`` (their IP address, only hashed into a cache
    key), may send ``CONTACT_MESSAGES_PER_HOUR`` messages an hour.
    """
    if not council.email:
        raise ValueError(f"Council {council.pk} has no contact address.")
    counter = "councils:contact:" + hashlib.sha256(sender_key.encode()).hexdigest()
    cache.add(counter, 0, timeout=60 * 60)
    if cache.incr(counter) > CONTACT_MESSAGES_PER_HOUR:
        raise TooManyMessages
    # A name is one line: line breaks typed into it would otherwise reach the e-mail's Subject header,
    # which the mailer refuses (the message lost) and which could carry injected headers.
    sender_name = " ".join(sender_name.split())
    context = {"council": council, "sender_name": sender_name, "sender_email": sender_email, "message": message}
    send_email.delay(
        subject=_("[%(council)s] Message from %(name)s") % {"council": council.name, "name": sender_name},
        body=render_to_string("councils/email/contact_message.txt", context),
        recipients=[council.email],
    )
