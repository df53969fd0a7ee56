"""Preparing a contest for sealing: what it needs, the manifest it is frozen to, dates by hand.

The key itself is made by the trustees (:mod:`.ceremony`); the contest is
sealed when their ceremony ends.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import crypto
from ..exceptions import ContestFrozen, NotReady
from ..manifest import FORMAT
from ..models import Contest, Trustee, VoterRoll
from ..phases import Phase, contest_phase
from . import areas
from .audit import log


def check_ready_to_seal(contest: Contest) -> None:
    """Raise NotReady with every reason a contest cannot be sealed yet."""
    problems = []
    options = list(contest.options.all())
    if len(options) < (1 if contest.allow_blank or contest.rule != Contest.Rule.SINGLE else 2):
        problems.append(_("add the options (at least two for a single choice)"))
    needs_costs = contest.rule == Contest.Rule.KNAPSACK or contest.winners_rule == Contest.WinnersRule.EQUAL_SHARES
    if needs_costs and any(option.cost is None for option in options):
        problems.append(_("give every project its cost"))
    if contest.winners_rule == Contest.WinnersRule.EQUAL_SHARES and (
        contest.rule not in (Contest.Rule.APPROVAL, Contest.Rule.KNAPSACK) or not contest.envelope
    ):
        problems.append(_("the Method of Equal Shares needs a vote on projects and an envelope"))
    trustees = contest.trustees.count()
    if trustees == 0:
        problems.append(_("name the trustees who will hold the key"))
    elif not 1 <= contest.threshold <= trustees:
        problems.append(_("the number of trustees needed to count must be between 1 and %(n)d") % {"n": trustees})
    if contest.eligibility == Contest.Eligibility.ROLL and (
        contest.roll is None or contest.roll.status != VoterRoll.Status.READY
    ):
        problems.append(_("import the electoral roll"))
    refusal = areas.contest_area_refusal(contest)
    if refusal:
        problems.append(refusal)
    if not contest.opens_at < contest.closes_at <= contest.proclaims_at:
        problems.append(_("set dates in order: opening, closing, proclamation"))
    if problems:
        raise NotReady(_("Before sealing: %(problems)s.") % {"problems": "; ".join(problems)})


def build_manifest(contest: Contest, public: "crypto.ThresholdPublicKey", trustees: list[Trustee], *,
                   ceremony: dict) -> dict:
    """Everything the contest is frozen to. Dates are not in it: officers may open or close by hand.

    ``ceremony`` names the key ceremony the key comes from (its descriptor's
    hash and its transcript's), so the record's transcript is bound to it.
    """
    return {
        "format": FORMAT,
        "contest": contest.pk,
        "title": contest.title,
        "question": contest.question,
        "rule": contest.rule,
        "options": [{"id": o.pk, "label": o.label, "cost": o.cost} for o in contest.options.all()],
        "max_choices": contest.max_choices,
        "seats": contest.seats,
        "envelope": contest.envelope,
        "winners_rule": contest.winners_rule,
        "allow_blank": contest.allow_blank,
        "eligibility": contest.eligibility,
        "roll_hash": contest.roll.roll_hash if contest.roll else None,
        "polling_stations": list(contest.polling_stations),
        "threshold": contest.threshold,
        "trustees": [
            {"index": t.index, "name": t.name, "verification_key": t.verification_key} for t in trustees
        ],
        "public_key": public.to_dict(),
        "key_ceremony": ceremony,
    }


def set_dates_by_hand(*, contest: Contest, actor, open_now: bool = False, close_now: bool = False, now=None) -> Contest:
    """An officer opens or closes a vote now rather than at the scheduled time."""
    now = now or timezone.now()
    phase = contest_phase(contest, now)
    if open_now:
        if phase is not Phase.SCHEDULED:
            raise NotReady(_("Only a sealed vote, whose trustees have made its key, can be opened."))
        contest.opens_at = now
        log(contest=contest, action="open_by_hand", actor=actor)
    if close_now:
        if phase is not Phase.OPEN:
            raise NotReady(_("Only an open vote can be closed."))
        contest.closes_at = now
        contest.proclaims_at = max(contest.proclaims_at, now)
        log(contest=contest, action="close_by_hand", actor=actor)
    contest.save(update_fields=["opens_at", "closes_at", "proclaims_at"])
    return contest


def assert_editable(contest: Contest) -> None:
    """Options, rule, roll and trustees cannot change once the key ceremony started (frozen rules)."""
    if contest.is_frozen:
        raise ContestFrozen()

