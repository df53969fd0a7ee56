"""Casting: one vote per voter, encrypted on the voter's device, chained into the box, with a receipt.

The server never sees a choice: the voter's device encrypts it to the
election key and proves the ballot valid (``voting/static/voting/js/crypto.js``,
the browser twin of ``voting.crypto.ballot``). The server decodes the
ballot strictly, checks every proof, and refuses a ballot whose content was
revealed by a Benaloh audit. A vote is then one short transaction — the
participation, then the ballot — that takes no lock other voters wait for:
the unique constraint on participations is the guard against a second vote,
and the box's shared lock only keeps the close waiting for votes in flight.
The ballot is appended to the hash chain and the running sums in batches
(:mod:`.chaining`).
"""


import hashlib
import time

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import crypto
from ..crypto.errors import DecodeError
from ..exceptions import EmailNotConfirmed, InvalidBallot, NotEligible, TooManyAttempts, VoteNotOpen
from ..manifest import ballot_parameters
from ..models import AuditedBallot, Ballot, Contest, Voter
from ..phases import Phase, contest_phase
from .areas import resident_commune
from .ballot_box import record_vote
from .chaining import request_chaining
from .eligibility import confirms_email, voter_for
from .roll_matching import certified_identity

MAX_BALLOT_BYTES_PER_SLOT = 700
"""A slot's ciphertext and 0/1 proof take about 400 bytes of canonical JSON; the rest bounds the overhead."""


_parameters: dict[str, "crypto.ContestParameters"] = {}


def contest_parameters(contest: Contest) -> "crypto.ContestParameters":
    """The crypto layer's view of a sealed contest, derived from its manifest (as devices and the verifier do).

    Kept per process by manifest hash: a sealed contest's manifest and key
    never change, and decoding the key costs scalar multiplications on
    every vote otherwise.
    """
    params = _parameters.get(contest.manifest_hash)
    if params is None:
        public = crypto.ThresholdPublicKey.from_dict(contest.public_key)
        params = ballot_parameters(contest.manifest, contest.manifest_hash, public.public_key)
        if len(_parameters) >= 256:
            _parameters.clear()
        _parameters[contest.manifest_hash] = params
    return params


SEALED_CONTEST_TTL = 5.0
"""Seconds a process casts into its copy of a sealed contest before reading it again."""

_sealed: dict[int, tuple[float, Contest]] = {}


def sealed_contest(pk: int, *, now=None) -> Contest:
    """The sealed contest ``pk`` to cast into, read from the database at most every few seconds per process.

    Casting needs the contest's manifest, key and rules on every vote. Once
    sealed only its dates can still change (an officer moving them), and the
    box's own statement checks those when the ballot is written
    (:mod:`.ballot_box`): a copy at most :data:`SEALED_CONTEST_TTL` seconds
    old only decides whether to try, which saves a round trip per vote. A
    copy that says the vote is not open is read again before anyone is
    told so. Raises Contest.DoesNotExist.
    """
    cached = _sealed.get(pk)
    if cached is not None and time.monotonic() - cached[0] < SEALED_CONTEST_TTL:
        if contest_phase(cached[1], now or timezone.now()) is Phase.OPEN:
            return cached[1]
    contest = Contest.objects.exclude(sealed_at=None).get(pk=pk)
    if len(_sealed) >= 256:
        _sealed.clear()
    _sealed[pk] = (time.monotonic(), contest)
    return contest


def decode_ballot(contest: Contest, payload: str) -> "crypto.Ballot":
    """The encrypted ballot a device sent, decoded strictly and with every proof checked.

    Only the canonical serialization is accepted, so the tracker the device
    computed and the server's are the same, and ``payload`` itself can be
    stored and hashed. Raises InvalidBallot.
    """
    params = contest_parameters(contest)
    if not isinstance(payload, str) or len(payload) > MAX_BALLOT_BYTES_PER_SLOT * (params.n_slots + params.budget_bits + 4):
        raise InvalidBallot()
    try:
        ballot = crypto.Ballot.from_json(payload)
    except DecodeError:
        raise InvalidBallot() from None
    if ballot.to_json() != payload or not crypto.verify_ballot(params, ballot):
        raise InvalidBallot()
    return ballot


def cast_ballot(*, contest: Contest, user, payload: str, tracker: str | None = None, now=None) -> str:
    """Record ``user``'s encrypted ballot; return its tracker (the receipt).

    ``tracker``, when the device sends it, must be the one the server
    computes. Raises VoteNotOpen, NotEligible, InvalidBallot,
    AuditedBallotCast or AlreadyVoted; in every case nothing is written. A
    second vote is caught by the participation's unique constraint in
    ``append_ballot`` rather than by a query first.
    """
    now = now or timezone.now()
    if contest_phase(contest, now) is not Phase.OPEN:
        raise VoteNotOpen()
    # A resident's confirmed e-mail and whether the ballot was audited are checked by the box's own
    # statement (EmailNotConfirmed, AuditedBallotCast), at no extra query.
    email_checked_on_write = contest.eligibility != Contest.Eligibility.ROLL and confirms_email()
    voter = voter_for(contest=contest, user=user, email_checked_on_write=email_checked_on_write)
    decode_ballot(contest, payload)
    computed = hashlib.sha256(payload.encode("ascii")).hexdigest()  # payload is the canonical JSON
    if tracker is not None and tracker != computed:
        raise InvalidBallot()
    # A roll voter's ballot is grouped by their roll entry's commune in the box's statement; a resident's
    # by the commune they live in, so that a collectivity's residents' vote has results per town too.
    group = resident_commune(contest, user) if contest.eligibility == Contest.Eligibility.RESIDENTS else ""
    try:
        return _append(contest=contest, voter=voter, payload=payload, tracker=computed, now=now,
                       email_of=user.pk if email_checked_on_write else None, group=group)
    except EmailNotConfirmed:
        # Nothing was written. A resident whose identity FranceConnect certified needs no e-mail.
        if certified_identity(user) is None:
            raise
        return _append(contest=contest, voter=voter, payload=payload, tracker=computed, now=now, group=group)


MAX_AUDITS = 10
"""Audits per voter and contest in a day: plenty to check a device, too few to flood the public list."""


def audit_ballot(*, contest: Contest, user, payload: str, choices: list, nonces: list, now=None,
                 code_id: int | None = None) -> AuditedBallot:
    """Publish a ballot the voter chose to open rather than cast (Benaloh's challenge).

    Only someone who may vote in the contest audits (a resident, or the
    holder of the live voting code ``code_id`` the caller checked), at most
    :data:`MAX_AUDITS` times. The ballot must be valid and its revealed
    choices and randomness must re-encrypt to it exactly; it is then kept,
    public and uncastable, with nothing that names the voter. Raises
    InvalidBallot otherwise, nothing written.
    """
    if contest_phase(contest, now or timezone.now()) is not Phase.OPEN:
        raise VoteNotOpen()
    if code_id is None:
        voter_for(contest=contest, user=user)
    key = f"voting:audits:{contest.pk}:{user.pk if code_id is None else f'code{code_id}'}"
    if cache.get(key, 0) >= MAX_AUDITS:
        raise TooManyAttempts()
    ballot = decode_ballot(contest, payload)
    params = contest_parameters(contest)
    try:
        nonce_values = [crypto.group.scalar_from_hex(n, nonzero=True) for n in nonces]
        valid = isinstance(choices, list) and crypto.verify_audit(params, ballot, choices, nonce_values)
    except (DecodeError, TypeError):
        valid = False
    if not valid:
        raise InvalidBallot(_("The revealed choices do not match this encrypted ballot: your device did not "
                              "encrypt what it shows. Do not vote with this device; tell the town hall."))
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, 24 * 3600)
    audited, _created = AuditedBallot.objects.get_or_create(
        contest=contest, tracker=ballot.hash, defaults={"payload": payload, "choices": choices, "nonces": nonces},
    )
    return audited


def audited_labels(contest: Contest, audited: AuditedBallot) -> list[str]:
    """What an audited ballot contains, in words, from its revealed choices."""
    options = contest.manifest["options"]
    labels = [options[i]["label"] for i, chosen in enumerate(audited.choices[: len(options)]) if chosen]
    return labels or [_("Blank vote")]


def append_ballot(*, contest: Contest, voter: Voter, ballot: "crypto.Ballot", now=None) -> str:
    """Write the participation and the ballot, all or nothing; return the tracker.

    A second vote, a closed box or a replayed ballot writes nothing
    (:func:`.ballot_box.record_vote`, which says how). The ballot joins the
    hash chain and the running sums with the next batch
    (``services.chaining``), seconds later.
    """
    payload = ballot.to_json()
    return _append(contest=contest, voter=voter, payload=payload,
                   tracker=hashlib.sha256(payload.encode("ascii")).hexdigest(), now=now)


def _append(*, contest: Contest, voter: Voter, payload: str, tracker: str, now=None, email_of=None,
            group: str = "") -> str:
    now = now or timezone.now()
    if voter.contest_id != contest.pk:
        raise NotEligible()
    record_vote(contest_id=contest.pk, voter=voter, payload=payload, tracker=tracker, now=now, email_of=email_of,
                group=group)
    # A failure to schedule the chaining must not turn a recorded vote into an error page.
    transaction.on_commit(lambda: request_chaining(contest.pk), robust=True)
    return tracker


def find_receipt(*, contest: Contest, tracker: str) -> Ballot | None:
    """The ballot with this tracker, if it is in the box (public check)."""
    tracker = tracker.strip().lower()
    if len(tracker) != 64:
        return None
    return Ballot.objects.filter(contest=contest, tracker=tracker).first()
