"""Who may vote in a contest."""

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..exceptions import NotEligible
from ..models import Contest, Participation, Voter


def is_verified_resident(user) -> bool:
    """An active account whose e-mail address is confirmed (when accounts confirm e-mails)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if apps.is_installed("allauth.account"):
        from allauth.account.models import EmailAddress

        return EmailAddress.objects.filter(user=user, verified=True).exists()
    return True


def voter_for(*, contest: Contest, user, create: bool = True) -> Voter:
    """The user's Voter record in this contest, or NotEligible.

    Roll contests need a prior proof of roll membership
    (:func:`voting.services.roll.prove_roll_membership`); resident contests
    create the record on first use for any verified resident.
    """
    if not (user and user.is_authenticated):
        raise NotEligible(_("Log in to vote."))
    voter = Voter.objects.filter(contest=contest, user=user).first()
    if voter is not None:
        return voter
    if contest.eligibility == Contest.Eligibility.ROLL:
        raise NotEligible(_("First confirm that you are on the electoral roll."))
    if not is_verified_resident(user):
        raise NotEligible(_("Confirm your e-mail address to vote."))
    if not create:
        return Voter(contest=contest, user=user)
    try:
        with transaction.atomic():
            return Voter.objects.create(contest=contest, user=user)
    except IntegrityError:
        return Voter.objects.get(contest=contest, user=user)


def can_vote(*, contest: Contest, user) -> bool:
    """Whether the ballot form should be offered (eligible and not yet voted)."""
    try:
        voter = voter_for(contest=contest, user=user, create=False)
    except NotEligible:
        return False
    return voter._state.adding or not Participation.objects.filter(voter=voter).exists()
