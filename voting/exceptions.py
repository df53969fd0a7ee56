"""Domain errors of the ballot engine. Their messages are safe to show residents."""

from django.utils.translation import gettext_lazy as _


class VotingError(Exception):
    """Base class: ``message`` explains what happened and what to do next."""

    default_message = _("This action is not possible.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class NotEligible(VotingError):
    default_message = _("You are not on the list of voters for this vote.")


class EmailNotConfirmed(NotEligible):
    default_message = _("Confirm your e-mail address to vote.")


class RollMatchFailed(VotingError):
    default_message = _(
        "We could not find you on the electoral roll with these details. Check the spelling of your "
        "family name, your birth date and your polling station (or postcode), as on your voter card."
    )


class TooManyAttempts(VotingError):
    default_message = _("Too many unsuccessful attempts. Please try again in 15 minutes or contact the town hall.")


class AlreadyVoted(VotingError):
    default_message = _("You have already voted in this vote. Only your first vote counts.")


class VoteNotOpen(VotingError):
    default_message = _("This vote is not open.")


class InvalidChoice(VotingError):
    default_message = _("This choice is not valid for this vote.")


class ContestFrozen(VotingError):
    default_message = _("This vote is sealed: its options, rule, roll and key can no longer change.")


class NotReady(VotingError):
    default_message = _("This vote is not ready for this step yet.")


class InvalidAnswer(VotingError):
    default_message = _("This answer could not be verified for this trustee and this vote. Nothing was recorded.")


class InvalidBallot(VotingError):
    default_message = _(
        "Your encrypted ballot could not be verified, so nothing was recorded. Reload the page and vote again."
    )


class AuditedBallotCast(VotingError):
    default_message = _(
        "This ballot was opened for checking, so its content is public: it can no longer be cast. "
        "Your device will encrypt your choice afresh."
    )


class RollImportError(VotingError):
    default_message = _("The electoral roll file could not be imported.")


class CodeRefused(VotingError):
    default_message = _(
        "This voting code and birth date do not match. Type the code as printed on your letter, with your birth "
        "date; if it still fails, contact the town hall."
    )


class CodeRevoked(VotingError):
    default_message = _(
        "This voting code no longer works: a new letter was issued to you, or the town hall cancelled it. "
        "Use the code of your latest letter, or contact the town hall."
    )
