"""Who may vote in a contest, and what the ballot should offer them now."""

from dataclasses import dataclass

from django.apps import apps
from wagtail import hooks
from django.utils.translation import gettext as _

from ..exceptions import EmailNotConfirmed, NotEligible
from ..models import Contest, Participation, Voter
from ..phases import Phase, contest_phase


ELIGIBILITY_HOOK = "parvis_voting_eligibility"
"""Wagtail hook for rules the engine does not know (a consultation's territory, a minimum age…).

Register ``fn(contest, user) -> str | None`` returning why ``user`` may not
vote in ``contest`` (shown to them), or None. Every path to a ballot asks it:
the roll proof, the ballot form and casting, whichever page or view they come from.
"""


def other_rules_refusal(*, contest: Contest, user) -> str | None:
    for rule in hooks.get_hooks(ELIGIBILITY_HOOK):
        reason = rule(contest, user)
        if reason:
            return reason
    return None


def is_verified_resident(user) -> bool:
    """An active account whose e-mail address is confirmed (when accounts confirm e-mails), or whose identity
    an identity provider certified (FranceConnect: such residents may have no e-mail at all)."""
    from .roll_matching import certified_identity

    if not (user and user.is_authenticated and user.is_active):
        return False
    if not confirms_email():
        return True
    from allauth.account.models import EmailAddress

    # The e-mail first: most residents have one, and their check stays one query.
    return EmailAddress.objects.filter(user=user, verified=True).exists() or certified_identity(user) is not None


def confirms_email() -> bool:
    """Whether residents' accounts confirm their e-mail address (allauth installed)."""
    return apps.is_installed("allauth.account")


def voter_for(*, contest: Contest, user, email_checked_on_write: bool = False) -> Voter:
    """The user's Voter record in this contest, or NotEligible.

    Roll contests need a prior proof of roll membership
    (:func:`voting.services.roll.prove_roll_membership`), which wrote the
    record. In resident contests a record is written only with the
    resident's vote: a verified resident gets a new, unsaved one, which
    casting inserts in the vote's own transaction — if they already have
    one, they have voted, and that insert's unique constraint says so
    without a query first. ``email_checked_on_write`` leaves the confirmed
    e-mail to that same statement (casting: one round trip fewer per vote).
    """
    if not (user and user.is_authenticated):
        raise NotEligible(_("Log in to vote."))
    reason = other_rules_refusal(contest=contest, user=user)
    if reason:
        raise NotEligible(reason)
    if contest.eligibility == Contest.Eligibility.ROLL:
        voter = Voter.objects.filter(contest=contest, user=user).first()
        if voter is None:
            raise NotEligible(_("First confirm that you are on the electoral roll."))
        return voter
    if not user.is_active:
        raise NotEligible()
    if not email_checked_on_write and not is_verified_resident(user):
        raise EmailNotConfirmed()
    return Voter(contest=contest, user=user)


def can_vote(*, contest: Contest, user, now=None) -> bool:
    """Whether the ballot form should be offered (open, eligible and not yet voted)."""
    return ballot_status(contest=contest, user=user, now=now).can_vote


@dataclass(frozen=True, slots=True)
class BallotStatus:
    """What a ballot block or page should offer this visitor now; templates read only these flags."""

    phase: Phase
    needs_login: bool = False
    needs_roll_proof: bool = False
    not_eligible: bool = False
    can_vote: bool = False
    has_voted: bool = False
    reason: str = ""


def ballot_status(*, contest: Contest, user, now=None) -> BallotStatus:
    phase = contest_phase(contest, now)
    if phase is not Phase.OPEN:
        return BallotStatus(phase=phase)
    if not (user and user.is_authenticated):
        return BallotStatus(phase=phase, needs_login=True)
    voter = Voter.objects.filter(contest=contest, user=user).first()
    reason = other_rules_refusal(contest=contest, user=user)
    if reason:
        return BallotStatus(phase=phase, not_eligible=True, reason=reason)
    if voter is None:
        if contest.eligibility == Contest.Eligibility.ROLL:
            return BallotStatus(phase=phase, needs_roll_proof=True)
        if not is_verified_resident(user):
            return BallotStatus(phase=phase, not_eligible=True)
        return BallotStatus(phase=phase, can_vote=True)
    voted = Participation.objects.filter(voter=voter).exists()
    return BallotStatus(phase=phase, can_vote=not voted, has_voted=voted)
