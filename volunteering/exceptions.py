"""Domain errors of the volunteering space. Their messages are safe to show residents and staff."""

from django.utils.translation import gettext_lazy as _


class VolunteeringError(Exception):
    """Base class: ``message`` says what happened and what to do next. Nothing was saved when one is raised."""

    default_message = _("This action is not possible.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class NotEligible(VolunteeringError):
    default_message = _("Log in with a confirmed e-mail address to take part.")


class NotAllowed(VolunteeringError):
    default_message = _("Only the representatives of this association may do this.")


class MissionFull(VolunteeringError):
    default_message = _("This mission already has all the volunteers it needs. Nothing was changed.")


class MissionClosed(VolunteeringError):
    default_message = _("This mission no longer takes offers: it has started or is over. Nothing was changed.")


class DuplicateOffer(VolunteeringError):
    default_message = _("You have already offered to help on this mission. Nothing was changed.")


class AlreadyAnswered(VolunteeringError):
    default_message = _("This offer has already been answered. Nothing was changed.")


class AlreadyReviewed(VolunteeringError):
    default_message = _("This association has already been reviewed. Nothing was changed.")


class TooYoung(VolunteeringError):
    default_message = _("This mission is open from the age of %(age)d: according to your profile you are too young. Nothing was sent.")


class InvalidData(VolunteeringError):
    """Refused input; ``errors`` maps form field names (or ``None``) to messages."""

    default_message = _("Please correct the errors below. Nothing was saved.")

    def __init__(self, errors: dict, message=None):
        self.errors = errors
        super().__init__(message)
