"""Counting and proclamation.

After the close, the box is closed (its last ballots chained) and each
trustee's device gets the final encrypted totals with the ceremony's
transcript (``decryption_task``). The device rebuilds its share from its
key file, decrypts the totals partially and proves it; the server checks
the proof against the trustee's verification key and stores the partial
decryption (``submit_partial_decryption``). No share ever reaches the
server. Once ``threshold`` of them are in, the count runs (a Celery task):
partial decryptions are combined in the exponent and small discrete logs
give the totals. No single ballot is ever decrypted, and before the close
or with fewer than k trustees no count exists.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import crypto
from ..crypto.errors import DecodeError
from ..exceptions import InvalidAnswer, NotReady, VotingError
from ..manifest import ballot_shape
from ..models import Contest, PaperResult, Participation, Result, Trustee
from ..phases import Phase, contest_phase
from .audit import log
from . import mixing
from ..stations import entries_q
from .chaining import close_box


def encrypted_sums(contest: Contest) -> list["crypto.Ciphertext"]:
    """The running sums kept with each ballot (identity sums for an empty box)."""
    n_slots = ballot_shape(contest.manifest).n_slots
    if not contest.encrypted_sums:
        identity = crypto.Ciphertext(crypto.group.IDENTITY, crypto.group.IDENTITY)
        return [identity] * n_slots
    return [crypto.Ciphertext.from_dict(c, allow_identity=True) for c in contest.encrypted_sums]


def decryption_ciphertexts(contest: Contest) -> list["crypto.Ciphertext"]:
    """What the trustees decrypt: the overall sums, then each group's (``contest.tally_groups``), in order.

    Per-group sums give results per commune; the verifier checks they add up
    to the overall sums, so the overall result is the sum of the groups'.
    """
    ciphertexts = encrypted_sums(contest)
    for group in contest.tally_groups or ():
        ciphertexts += [crypto.Ciphertext.from_dict(c, allow_identity=True) for c in group["sums"]]
    return ciphertexts


def decryption_due(trustee: Trustee, now=None) -> bool:
    """Whether this trustee should decrypt the totals now: the vote is closed and they have not yet."""
    return trustee.partial_decryption is None and contest_phase(trustee.contest, now or timezone.now()) is Phase.CLOSED


def decryption_task(*, trustee: Trustee, now=None) -> dict | None:
    """The task of a trustee's device after the close: the final encrypted totals to decrypt.

    Closes the box first (idempotent: it chains the last ballots and lets
    none in after), so every trustee decrypts the same, final totals.
    None when this trustee has nothing to do.
    """
    from .ceremony import finished_ceremony

    now = now or timezone.now()
    trustee.contest = Contest.objects.get(pk=trustee.contest_id)
    if not decryption_due(trustee, now):
        return None
    contest = close_box(contest=trustee.contest, now=now)
    ceremony = finished_ceremony(contest)
    task = {
        "format": "parvis-trustee-task/1", "step": "decrypt", "trustee": trustee.index,
        "descriptor": contest.ceremony, "ceremony": contest.ceremony_hash,
        "certificates": [c.to_dict() for c in ceremony.certificates],
        "polynomials": [p.to_dict() for p in ceremony.polynomials],
        "manifest_hash": contest.manifest_hash,
        "public_key": contest.public_key,
        "encrypted_sums": [c.to_dict() for c in decryption_ciphertexts(contest)],
    }
    if mixing.counts_by_equal_shares(contest):
        # Equal shares: the device also decrypts each shuffled ballot, after checking the shuffle.
        task["mix"] = mixing.mix_task(contest, mixing.shuffled_or_queued(contest))
    return task


def submit_partial_decryption(*, trustee: Trustee, user, answer: dict, now=None) -> Trustee:
    """Check a trustee's partial decryption of the final totals against their verification key; store it.

    Refused (nothing stored) when it is not this trustee's, not of these
    totals, or its proof fails.
    """
    now = now or timezone.now()
    if trustee.user_id != user.pk:
        raise VotingError(_("Only this trustee can decrypt with their key."))
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=trustee.contest_id)
        trustee = Trustee.objects.get(pk=trustee.pk)
        if contest_phase(contest, now) is not Phase.CLOSED or contest.box_closed_at is None:
            raise NotReady(_("The totals are decrypted only once the vote is closed and not yet counted."))
        if trustee.partial_decryption is not None:
            raise NotReady(_("You have already decrypted the totals of this vote."))
        if answer.get("ceremony") != contest.ceremony_hash or answer.get("step") != "decrypt":
            raise InvalidAnswer(_("This answer belongs to another vote or another step."))
        try:
            partial = crypto.PartialDecryption.from_dict(answer["partial_decryption"])
            public = crypto.ThresholdPublicKey.from_dict(contest.public_key)
            valid = partial.trustee == trustee.index and crypto.verify_partial_decryption(
                partial, public, decryption_ciphertexts(contest), contest.manifest_hash
            )
        except (DecodeError, KeyError, TypeError, ValueError):
            valid = False
        if not valid:
            raise InvalidAnswer(_("This decryption does not match your key and this vote's totals: nothing was "
                                  "recorded. Check you used your own key file, then try again."))
        trustee.partial_decryption = partial.to_dict()
        if mixing.counts_by_equal_shares(contest):
            trustee.mix_decryption = mixing.checked_mix_decryption(
                contest=contest, trustee_index=trustee.index, data=answer.get("mix_decryption"))
        trustee.save(update_fields=["partial_decryption", "mix_decryption"])
        log(contest=contest, action="decrypted", actor=user, trustee=trustee.index)
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
            _("%(needed)d trustees must decrypt the totals before counting.") % {"needed": contest.threshold}
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
        if contest.box_closed_at is None:  # trustees decrypt only after close_box: a box tampered with
            raise VotingError(_("The ballot box was not closed before the trustees decrypted."))
        verify_box_chain(contest)
        public = crypto.ThresholdPublicKey.from_dict(contest.public_key)
        partials = [
            crypto.PartialDecryption.from_dict(t.partial_decryption)
            for t in contest.trustees.exclude(partial_decryption=None).order_by("index")
        ]
        sums = decryption_ciphertexts(contest)
        tally = crypto.decrypt_tally(public, sums, partials, contest.manifest_hash, max(contest.ballot_count, 1))
        shape = ballot_shape(contest.manifest)
        options = contest.manifest["options"]

        def figures(counts) -> dict:
            return {"counts": {str(o["id"]): counts[i] for i, o in enumerate(options)},
                    "blank": counts[shape.n_options] if shape.blank else 0}

        overall = figures(tally.counts[: shape.n_slots])
        groups = []
        for number, group in enumerate(contest.tally_groups or (), start=1):
            counts = tally.counts[number * shape.n_slots: (number + 1) * shape.n_slots]
            groups.append({"name": group["name"], "communes": group["communes"], "ballots": group["ballots"],
                           **figures(counts)})
        result = Result.objects.create(
            contest=contest,
            online_counts=overall["counts"],
            online_blank=overall["blank"],
            online_ballots=contest.ballot_count,
            decryption=tally.to_dict(),
            groups=groups,
        )
        if mixing.counts_by_equal_shares(contest):
            result.approvals, result.outcome = mixing.count_mix(contest)
            result.save(update_fields=["approvals", "outcome"])
        log(contest=contest, action="count", ballots=contest.ballot_count, trustees=list(tally.trustees))
    return result


def verify_box_chain(contest: Contest) -> None:
    """Raise if the stored ballots do not rebuild the chain up to the recorded head."""
    rows = contest.ballots.order_by("position").values_list("position", "tracker", "entry_hash", "group")
    positions, trackers, entries, groups = [], [], [], []
    for position, tracker, entry, group in rows.iterator(chunk_size=10_000):
        positions.append(position)
        trackers.append(tracker)
        entries.append(entry)
        groups.append(group)
    if positions != list(range(1, len(positions) + 1)) or len(positions) != contest.ballot_count:
        raise VotingError(_("The ballot box is inconsistent: a ballot is missing or duplicated."))
    broken = crypto.verify_chain(crypto.genesis_hash(contest.manifest_hash), trackers, entries,
                                 head=contest.head_hash, groups=groups)
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
        electorate = contest.roll.entries.filter(entries_q(contest.polling_stations)).count()
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
