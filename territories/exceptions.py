"""What can go wrong with territories, in words the platform's administrators understand."""

from django.core.exceptions import ValidationError


class TerritoryError(ValidationError):
    """A territory operation refused; nothing was changed."""


class AlreadyJoined(TerritoryError):
    """The collectivity already has its site."""


class HostnameTaken(TerritoryError):
    """Another site already answers at this address."""


class TerritoryImportError(TerritoryError):
    """A territories file that cannot be imported; ``errors`` lists each problem with its line."""


class ResidenceError(TerritoryError):
    """A resident's address that does not hold together (a postcode that is not their commune's)."""
