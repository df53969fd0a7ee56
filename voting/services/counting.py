"""Counting and proclamation.

After the close, each trustee brings back their key share. The server checks
it against the trustee's public verification key, computes that trustee's
partial decryption of the encrypted sums (with a proof), stores only the
partial decryption, and forgets the share. Once ``threshold`` of them are
in, the count runs (a Celery task): partial decryptions are combined in the
exponent and small discrete logs give the totals. No single ballot is ever
decrypted, and before the close or with fewer than k shares no count exists.
"""

import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import crypto
from ..exceptions import InvalidShare, NotReady, VotingError
from ..manifest import ballot_shape
from ..models import Contest, PaperResult, Participation, Result, Trustee
from ..phases import Phase, contest_phase
from .audit import log
from .chaining import close_box


def encrypted_sums(contest: Contest) -> list["crypto.Ciphertext"]:
    """The running sums kept with each ballot (identity sums for an empty box)."""
    n_slots = ballot_shape(contest.manifest).n_slots
    if not contest.encrypted_sums:
        identity = crypto.Ciphertext(crypto.group.IDENTITY, crypto.group.IDENTITY)
        return [identity] * n_slots
    return [crypto.Ciphertext.from_dict(c, allow_identity=True) for c in contest.encrypted_sums]


def submit_share(*, trustee: Trustee, user, share_document: str | bytes, now=None) -> Trustee:
    """A trustee's share, uploaded after the close, becomes a stored partial decryption.

    A share that does not match the trustee's verification key is refused
    with a message that says nothing about the key.
    """
    now = now or timezone.now()
    contest = Contest.objects.get(pk=trustee.contest_id)  # the sums as they are now, not as the caller saw them
    if trustee.user_id != user.pk:
        raise VotingError(_("Only this trustee can bring their key share."))
    if contest_phase(contest, now) is not Phase.CLOSED:
        raise NotReady(_("Key shares are brought back only once the vote is closed and not yet counted."))
    try:
        document = json.loads(share_document)
        if document.get("manifest_hash") != contest.manifest_hash:
            raise InvalidShare(_("This key share belongs to another vote."))
        share = crypto.KeyShare.from_dict(document["share"])
        public = crypto.ThresholdPublicKey.from_dict(contest.public_key)
        if share.index != trustee.index:
            raise InvalidShare()
        crypto.verify_share(share, public)
    except InvalidShare:
        raise
    except (ValueError, KeyError, TypeError, AttributeError):
        raise InvalidShare() from None
    contest = close_box(contest=contest, now=now)  # the partial decryption is of the final sums
    partial = crypto.partial_decrypt(share, public, encrypted_sums(contest), contest.manifest_hash)
    del share
    Trustee.objects.filter(pk=trustee.pk).update(partial_decryption=partial.to_dict())
    log(contest=contest, action="share_brought", actor=user, trustee=trustee.index)
    trustee.refresh_from_db()
    return trustee


def ready_to_count(contest: Contest) -> bool:
    return contest.trustees.exclude(partial_decryption=None).count() >= contest.threshold


def check_ready_to_count(contest: Contest, now=None) -> None:
    """Raise NotReady unless the vote is closed, not yet counted, and k trustees brought their share.

    The admin calls it before queueing the count, so an officer learns why
    at once rather than from a task that silently does nothing.
    """
    if contest_phase(contest, now or timezone.now()) is not Phase.CLOSED:
        raise NotReady(_("This vote is not waiting to be counted."))
    if not ready_to_count(contest):
        raise NotReady(
            _("%(needed)d trustees must bring their key share before counting.") % {"needed": contest.threshold}
        )


def count_contest(*, contest: Contest, now=None) -> Result:
    """Combine the trustees' partial decryptions into the online count.

    Also re-checks the hash chain's head against the stored ballots'
    entries (every ballot chained, none waiting), so a tampered box is
    caught before anything is announced.
    """
    now = now or timezone.now()
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest.pk)
        check_ready_to_count(contest, now)
        if contest.box_closed_at is None:  # shares are brought only after close_box: a box tampered with
            raise VotingError(_("The ballot box was not closed before the key shares were brought."))
        verify_box_chain(contest)
        public = crypto.ThresholdPublicKey.from_dict(contest.public_key)
        partials = [
            crypto.PartialDecryption.from_dict(t.partial_decryption)
            for t in contest.trustees.exclude(partial_decryption=None).order_by("index")
        ]
        sums = encrypted_sums(contest)
        tally = crypto.decrypt_tally(public, sums, partials, contest.manifest_hash, max(contest.ballot_count, 1))
        shape = ballot_shape(contest.manifest)
        options = contest.manifest["options"]
        result = Result.objects.create(
            contest=contest,
            online_counts={str(o["id"]): tally.counts[i] for i, o in enumerate(options)},
            online_blank=tally.counts[shape.n_options] if shape.blank else 0,
            online_ballots=contest.ballot_count,
            decryption=tally.to_dict(),
        )
        log(contest=contest, action="count", ballots=contest.ballot_count, trustees=list(tally.trustees))
    return result


def verify_box_chain(contest: Contest) -> None:
    """Raise if the stored ballots do not rebuild the chain up to the recorded head."""
    rows = contest.ballots.order_by("position").values_list("position", "tracker", "entry_hash")
    positions, trackers, entries = [], [], []
    for position, tracker, entry in rows.iterator(chunk_size=10_000):
        positions.append(position)
        trackers.append(tracker)
        entries.append(entry)
    if positions != list(range(1, len(positions) + 1)) or len(positions) != contest.ballot_count:
        raise VotingError(_("The ballot box is inconsistent: a ballot is missing or duplicated."))
    broken = crypto.verify_chain(crypto.genesis_hash(contest.manifest_hash), trackers, entries, head=contest.head_hash)
    if broken is not None:
        raise VotingError(_("The ballot box fails verification at ballot %(position)d.") % {"position": broken + 1})


def proclaim(*, contest: Contest, actor=None, now=None) -> Result:
    """Publish the results: by an officer, or by the scheduler at the proclamation time."""
    now = now or timezone.now()
    with transaction.atomic():
        result = Result.objects.select_for_update().filter(contest=contest).first()
        if result is None:
            raise NotReady(_("The votes have not been counted yet."))
        if result.proclaimed_at is not None:
            return result
        if actor is None and now < contest.proclaims_at:
            raise NotReady(_("The proclamation time has not come yet."))
        result.proclaimed_at = now
        result.proclaimed_by = actor
        result.save(update_fields=["proclaimed_at", "proclaimed_by"])
        log(contest=contest, action="proclaim", actor=actor)
    return result


def turnout(contest: Contest) -> dict:
    """Participation figures: online, paper, total, and the share of the roll."""
    online = Participation.objects.filter(contest=contest, channel=Participation.Channel.ONLINE).count()
    paper = Participation.objects.filter(contest=contest, channel=Participation.Channel.PAPER).count()
    electorate = contest.roll.entries.count() if contest.roll_id else None
    if electorate is not None and contest.polling_stations:
        electorate = contest.roll.entries.filter(polling_station__in=contest.polling_stations).count()
    total = online + paper
    return {
        "online": online,
        "paper": paper,
        "total": total,
        "electorate": electorate,
        "rate": (total / electorate) if electorate else None,
        "percent": round(100 * total / electorate, 1) if electorate else None,
    }


def merged_results(contest: Contest) -> dict:
    """Online and paper counts per option, and their sum, for the results page and the record."""
    result = Result.objects.get(contest=contest)
    options = contest.manifest["options"]
    paper_rows = list(PaperResult.objects.filter(contest=contest))
    paper_counts = {str(o["id"]): sum(int(p.counts.get(str(o["id"]), 0)) for p in paper_rows) for o in options}
    paper_blank = sum(p.blank for p in paper_rows)
    return {
        "online": {"counts": result.online_counts, "blank": result.online_blank, "ballots": result.online_ballots},
        "paper": {
            "counts": paper_counts,
            "blank": paper_blank,
            "invalid": sum(p.invalid for p in paper_rows),
            "ballots": sum(p.ballots for p in paper_rows),
            "stations": {p.polling_station: {"counts": p.counts, "blank": p.blank, "invalid": p.invalid} for p in paper_rows},
        },
        "total": {
            "counts": {key: result.online_counts.get(key, 0) + paper_counts[key] for key in paper_counts},
            "blank": result.online_blank + paper_blank,
        },
    }


def result_rows(contest: Contest) -> list[dict]:
    """One row per option (then blank): online, paper, total and share of the expressed votes."""
    merged = merged_results(contest)
    rows = [
        {
            "label": option["label"],
            "online": merged["online"]["counts"].get(str(option["id"]), 0),
            "paper": merged["paper"]["counts"].get(str(option["id"]), 0),
            "total": merged["total"]["counts"].get(str(option["id"]), 0),
            "blank": False,
        }
        for option in contest.manifest["options"]
    ]
    expressed = sum(row["total"] for row in rows)
    for row in rows:
        row["percent"] = round(100 * row["total"] / expressed, 1) if expressed else 0.0
    if contest.manifest["allow_blank"]:
        rows.append({"label": None, "online": merged["online"]["blank"], "paper": merged["paper"]["blank"],
                     "total": merged["total"]["blank"], "blank": True, "percent": None})
    return rows
