"""Sealing a contest: freeze its rules in a manifest, deal the key, hand out shares."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import crypto
from ..exceptions import ContestFrozen, NotReady, VotingError
from ..manifest import FORMAT, manifest_hash
from ..models import Contest, Trustee, TrusteeShare, VoterRoll
from ..phases import Phase, contest_phase
from .audit import log


def check_ready_to_seal(contest: Contest) -> None:
    """Raise NotReady with every reason a contest cannot be sealed yet."""
    problems = []
    options = list(contest.options.all())
    if len(options) < (1 if contest.allow_blank or contest.rule != Contest.Rule.SINGLE else 2):
        problems.append(_("add the options (at least two for a single choice)"))
    if contest.rule == Contest.Rule.KNAPSACK and any(option.cost is None for option in options):
        problems.append(_("give every project its cost"))
    trustees = contest.trustees.count()
    if trustees == 0:
        problems.append(_("name the trustees who will hold the key"))
    elif not 1 <= contest.threshold <= trustees:
        problems.append(_("the number of trustees needed to count must be between 1 and %(n)d") % {"n": trustees})
    if contest.eligibility == Contest.Eligibility.ROLL and (
        contest.roll is None or contest.roll.status != VoterRoll.Status.READY
    ):
        problems.append(_("import the electoral roll"))
    if not contest.opens_at < contest.closes_at <= contest.proclaims_at:
        problems.append(_("set dates in order: opening, closing, proclamation"))
    if problems:
        raise NotReady(_("Before sealing: %(problems)s.") % {"problems": "; ".join(problems)})


def build_manifest(contest: Contest, public: "crypto.ThresholdPublicKey", trustees: list[Trustee]) -> dict:
    """Everything the contest is frozen to. Dates are not in it: officers may open or close by hand."""
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
        "allow_blank": contest.allow_blank,
        "eligibility": contest.eligibility,
        "roll_hash": contest.roll.roll_hash if contest.roll else None,
        "polling_stations": list(contest.polling_stations),
        "threshold": contest.threshold,
        "trustees": [
            {"index": t.index, "name": t.name, "verification_key": t.verification_key} for t in trustees
        ],
        "public_key": public.to_dict(),
    }


def seal_contest(*, contest: Contest, actor=None) -> Contest:
    """Freeze the contest: deal a k-of-n key, publish the manifest and its hash.

    Each share is kept only until its trustee downloads it (``download_share``);
    the contest cannot open before all are downloaded, so no share is on the
    server while ballots arrive. The whole secret exists only inside ``deal``.
    """
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest.pk)
        if contest.is_sealed:
            raise ContestFrozen()
        check_ready_to_seal(contest)
        trustees = list(contest.trustees.order_by("pk"))
        dealt = crypto.deal(len(trustees), contest.threshold)
        public = dealt.public
        for index, (trustee, share) in enumerate(zip(trustees, dealt.shares, strict=True), start=1):
            trustee.index = index
            trustee.verification_key = public.verification_keys[index - 1].to_hex()
            trustee.save(update_fields=["index", "verification_key"])
            TrusteeShare.objects.create(trustee=trustee, share=share.to_dict())
        del dealt  # the shares now exist only in TrusteeShare rows, until downloaded
        manifest = build_manifest(contest, public, trustees)
        contest.manifest = manifest
        contest.manifest_hash = manifest_hash(manifest)
        contest.public_key = manifest["public_key"]
        contest.head_hash = crypto.genesis_hash(contest.manifest_hash)
        contest.sealed_at = timezone.now()
        contest.save(update_fields=["manifest", "manifest_hash", "public_key", "head_hash", "sealed_at"])
        log(contest=contest, action="seal", actor=actor, manifest_hash=contest.manifest_hash)
    return contest


def download_share(*, trustee: Trustee, user) -> dict:
    """Hand a trustee their key share, once; the server keeps no copy afterwards."""
    if trustee.user_id != user.pk:
        raise VotingError(_("Only this trustee can download their key share."))
    with transaction.atomic():
        pending = TrusteeShare.objects.select_for_update().filter(trustee=trustee).first()
        if pending is None:
            raise VotingError(_("This key share has already been downloaded. It is not kept on the server."))
        # Locked, so that of two trustees downloading at once the second sees the first's share gone.
        contest = Contest.objects.select_for_update().get(pk=trustee.contest_id)
        document = {
            "format": "parvis-key-share/1",
            "contest": contest.pk,
            "title": contest.title,
            "manifest_hash": contest.manifest_hash,
            "trustee": trustee.index,
            "trustee_name": trustee.name,
            "share": pending.share,
        }
        pending.delete()
        now = timezone.now()
        Trustee.objects.filter(pk=trustee.pk).update(share_downloaded_at=now)
        if not TrusteeShare.objects.filter(trustee__contest_id=contest.pk).exists():
            Contest.objects.filter(pk=contest.pk, keys_delivered_at=None).update(keys_delivered_at=now)
        log(contest=contest, action="share_downloaded", actor=user, trustee=trustee.index)
    return document


def set_dates_by_hand(*, contest: Contest, actor, open_now: bool = False, close_now: bool = False, now=None) -> Contest:
    """An officer opens or closes a vote now rather than at the scheduled time."""
    now = now or timezone.now()
    phase = contest_phase(contest, now)
    if open_now:
        if phase is not Phase.SCHEDULED or contest.keys_delivered_at is None:
            raise NotReady(_("Only a sealed vote whose trustees all have their share can be opened."))
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
    """Options, rule, roll and trustees cannot change once sealed (frozen rules)."""
    if contest.is_sealed:
        raise ContestFrozen()

