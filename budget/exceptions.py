"""Domain errors of the participatory budget. Their messages are safe to show residents and staff."""

from django.utils.translation import gettext_lazy as _


class BudgetError(Exception):
    """Base class: ``message`` says what happened and what to do next."""

    default_message = _("This action is not possible.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class PhaseClosed(BudgetError):
    default_message = _("This step of the participatory budget is not open now.")


class NotEligible(BudgetError):
    default_message = _("Log in with a confirmed e-mail address to take part.")


class NotAllowed(BudgetError):
    default_message = _("You are not allowed to do this.")


class InvalidData(BudgetError):
    """Refused input; ``errors`` maps form field names (or ``None``) to messages."""

    default_message = _("Please correct the errors below. Nothing was saved.")

    def __init__(self, errors: dict, message=None):
        self.errors = errors
        super().__init__(message)
