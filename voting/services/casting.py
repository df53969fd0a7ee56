"""Casting: one vote per voter, encrypted, chained into the box, with a receipt.

A vote is one short transaction — the participation, then the ballot —
that takes no lock other voters wait for: the unique constraint on
participations is the guard against a second vote, and the box's shared
lock only keeps the close waiting for votes in flight. The ballot is
appended to the hash chain and the running sums in batches
(:mod:`.chaining`). Encryption happens before the transaction.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import crypto
from ..exceptions import InvalidChoice, NotEligible, VoteNotOpen
from ..manifest import ballot_shape, choices_vector
from ..models import Ballot, Contest, Voter
from ..phases import Phase, contest_phase
from .ballot_box import record_vote
from .chaining import request_chaining
from .eligibility import voter_for


def contest_parameters(contest: Contest) -> "crypto.ContestParameters":
    """The crypto layer's view of a sealed contest, derived from its manifest."""
    shape = ballot_shape(contest.manifest)
    public = crypto.ThresholdPublicKey.from_dict(contest.public_key)
    return crypto.ContestParameters(
        public_key=public.public_key,
        n_options=shape.n_options,
        min_choices=shape.min_choices,
        max_choices=shape.max_choices,
        blank=shape.blank,
        context=contest.manifest_hash,
    )


def chosen_positions(contest: Contest, option_ids: Iterable[int]) -> set[int]:
    """Check a selection against the frozen manifest; return the chosen positions.

    Refuses forged or foreign option ids, too many choices, a blank vote where
    none is allowed, and (knapsack) a selection costing more than the envelope.
    """
    manifest = contest.manifest
    positions = {option["id"]: index for index, option in enumerate(manifest["options"])}
    selected = set()
    for option_id in option_ids:
        if option_id not in positions:
            raise InvalidChoice(_("One of the choices does not belong to this vote."))
        selected.add(positions[option_id])
    shape = ballot_shape(manifest)
    if not selected and not shape.blank:
        raise InvalidChoice(_("Choose at least one option: blank votes are not allowed in this vote."))
    if len(selected) > shape.max_choices:
        raise InvalidChoice(_("You may choose at most %(count)d options.") % {"count": shape.max_choices})
    if manifest["rule"] == Contest.Rule.KNAPSACK:
        total = sum(manifest["options"][position]["cost"] for position in selected)
        if total > manifest["envelope"]:
            raise InvalidChoice(
                _("These projects cost %(total)s EUR, more than the %(envelope)s EUR envelope.")
                % {"total": total, "envelope": manifest["envelope"]}
            )
    return selected


def cast_vote(*, contest: Contest, user, option_ids: Iterable[int], now=None) -> str:
    """Record ``user``'s vote for these options (none = blank); return the receipt.

    Raises VoteNotOpen, NotEligible, InvalidChoice or AlreadyVoted; in every
    case nothing is written. A second vote is caught by the participation's
    unique constraint in ``append_ballot`` rather than by a query first.
    """
    now = now or timezone.now()
    if contest_phase(contest, now) is not Phase.OPEN:
        raise VoteNotOpen()
    voter = voter_for(contest=contest, user=user)
    positions = chosen_positions(contest, option_ids)
    params = contest_parameters(contest)
    # The web process sees the choice only here, in memory, to encrypt it;
    # it is never stored or logged in clear.
    ballot = crypto.encrypt_ballot(params, choices_vector(ballot_shape(contest.manifest), positions))
    return append_ballot(contest=contest, voter=voter, ballot=ballot, now=now)


def append_ballot(*, contest: Contest, voter: Voter, ballot: "crypto.Ballot", now=None) -> str:
    """Write the participation and the ballot, all or nothing; return the tracker.

    A second vote, a closed box or a replayed ballot writes nothing
    (:func:`.ballot_box.record_vote`, which says how). The ballot joins the
    hash chain and the running sums with the next batch
    (``services.chaining``), seconds later.
    """
    now = now or timezone.now()
    tracker = ballot.hash
    if voter.contest_id != contest.pk:
        raise NotEligible()
    record_vote(contest_id=contest.pk, voter=voter, payload=ballot.to_json(), tracker=tracker, now=now)
    # A failure to schedule the chaining must not turn a recorded vote into an error page.
    transaction.on_commit(lambda: request_chaining(contest.pk), robust=True)
    return tracker


def find_receipt(*, contest: Contest, tracker: str) -> Ballot | None:
    """The ballot with this tracker, if it is in the box (public check)."""
    tracker = tracker.strip().lower()
    if len(tracker) != 64:
        return None
    return Ballot.objects.filter(contest=contest, tracker=tracker).first()
