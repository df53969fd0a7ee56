"""Voting codes mailed by post: issuing, checking, revoking, and voting with one.

A code is 16 characters of Crockford's base32 (no I, L, O, U: nothing to
misread), printed as four groups of four. Its first :data:`LOOKUP_LENGTH`
characters are not secret: they find the code's row, so a check costs one
indexed read and one hash, never a scan of every hash. The other ten (50
random bits) are kept only as an argon2id hash (Django's hasher, with the
cost of :class:`VotingCodeHasher`). The resident also gives their birth
date, which must be the roll's.

Checking is rate-limited per code and per client address before any hash
is computed, so a guesser is stopped before they cost the server anything.
A code works once: voting with it writes the elector's participation (the
same one-vote rule as every channel) and nothing that names the ballot.
"""

import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..exceptions import (AlreadyVoted, CodeRefused, CodeRevoked, InvalidBallot, NotEligible, TooManyAttempts,
                          VoteNotOpen)
from ..models import Contest, Participation, RollEntry, Voter, VotingCode
from ..phases import Phase, contest_phase
from .audit import log

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16
LOOKUP_LENGTH = 6
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})  # Crockford: what a resident may type for 0 and 1

MAX_ATTEMPTS_PER_CODE = 5
MAX_ATTEMPTS_PER_SOURCE = 30  # higher: a town hall's desk or a library shares one address among residents
ATTEMPT_WINDOW = 15 * 60


class VotingCodeHasher(Argon2PasswordHasher):
    """Django's argon2id hasher, with a cost sized for random 50-bit secrets rather than passwords.

    OWASP's parameters (19 MiB, 2 passes) are for passwords people choose,
    which fall to dictionaries. A code's secret is 50 random bits: at these
    parameters (4 MiB, 2 passes, about 6 ms of one core, ``bench/voting_codes.py``)
    an offline guesser holding the database needs some 200,000 core-years
    per code, while printing a 100,000-elector run costs about ten minutes
    of hashing instead of an hour. Online guessing is stopped by the rate limits.
    """

    time_cost = 2
    memory_cost = 4096
    parallelism = 1


HASHER = VotingCodeHasher()


@dataclass(frozen=True, slots=True)
class IssuedCode:
    """A code as printed on its letter: the only moment its secret exists in clear."""

    entry: RollEntry
    code: str

    @property
    def printed(self) -> str:
        return "-".join(self.code[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalize_code(typed: str) -> str | None:
    """The code as typed (spaces, hyphens, lower case, O for 0, I or L for 1), or None if it cannot be one."""
    code = "".join(typed.split()).replace("-", "").upper().translate(_READ_AS)
    if len(code) != CODE_LENGTH or any(char not in ALPHABET for char in code):
        return None
    return code


def _hash_input(contest_pk: int, code: str) -> str:
    # The contest and lookup go into the hash: a hash copied onto another row never verifies.
    return f"{contest_pk}:{code[:LOOKUP_LENGTH]}:{code[LOOKUP_LENGTH:]}"


def _new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def issue_codes(*, contest: Contest, entries: list[RollEntry], run=None, now=None) -> list[IssuedCode]:
    """Give each entry a new code, revoking the live one it had; return the codes in clear, to print.

    Runs in the caller's transaction: the codes exist only if the letters
    carrying them were stored. A lookup part drawn twice (one chance in
    some ten thousand per 100,000 letters) is drawn again.
    """
    now = now or timezone.now()
    VotingCode.objects.filter(contest=contest, roll_entry__in=entries, revoked_at=None).update(revoked_at=now)
    issued = [IssuedCode(entry=entry, code=_new_code()) for entry in entries]
    while True:
        lookups = Counter(item.code[:LOOKUP_LENGTH] for item in issued)
        clashes = {lookup for lookup, count in lookups.items() if count > 1}
        clashes |= set(VotingCode.objects.filter(contest=contest, lookup__in=list(lookups)).values_list("lookup", flat=True))
        if not clashes:
            break
        issued = [IssuedCode(entry=item.entry, code=_new_code()) if item.code[:LOOKUP_LENGTH] in clashes else item
                  for item in issued]
    VotingCode.objects.bulk_create(
        VotingCode(contest=contest, roll_entry=item.entry, lookup=item.code[:LOOKUP_LENGTH], run=run,
                   secret_hash=make_password(_hash_input(contest.pk, item.code), hasher=HASHER))
        for item in issued
    )
    return issued


def revoke_code(*, contest: Contest, roll_entry: RollEntry, actor, now=None) -> int:
    """Revoke the elector's live code (a stolen or lost letter); return how many were revoked (0 or 1)."""
    with transaction.atomic():
        # The row lock makes a vote with this code, in flight, finish before or fail after.
        codes = list(VotingCode.objects.select_for_update().filter(contest=contest, roll_entry=roll_entry, revoked_at=None))
        VotingCode.objects.filter(pk__in=[code.pk for code in codes]).update(revoked_at=now or timezone.now())
        if codes:
            log(contest=contest, action="code_revoked", actor=actor, roll_entry=roll_entry.pk)
    return len(codes)


def _key(kind: str, contest: Contest, value: str) -> str:
    # Only a hash of the address reaches the cache: nothing to keep about who tried.
    return f"voting:code-attempts:{kind}:{contest.pk}:{hashlib.sha256(value.encode()).hexdigest()}"


def _count_failure(*keys: str) -> None:
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, ATTEMPT_WINDOW)


_dummy_hash: str | None = None


def _spend_a_hash(value: str) -> None:
    """Verify against a throwaway hash, so an unknown code takes as long to refuse as a wrong one."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = make_password("unused", hasher=HASHER)
    HASHER.verify(value, _dummy_hash)


def check_code(*, contest: Contest, code: str, birth_date: date | None, source: str = "", now=None) -> VotingCode:
    """The live, unused code these details designate; otherwise a refusal that says why.

    Raises VoteNotOpen, CodeRefused (malformed code, unknown code, wrong
    secret or wrong birth date — the same message, not to tell a guesser
    which part was right), TooManyAttempts (5 failures per code, or 30 per
    client address ``source``, in 15 minutes; checked before any hash is
    computed), CodeRevoked, or AlreadyVoted (the code, or another channel,
    was used). Nothing is written but the failure counts.
    """
    if contest_phase(contest, now or timezone.now()) is not Phase.OPEN:
        raise VoteNotOpen()
    source_key = _key("from", contest, source) if source else None
    if source_key and cache.get(source_key, 0) >= MAX_ATTEMPTS_PER_SOURCE:
        raise TooManyAttempts()
    normalized = normalize_code(code or "")
    if normalized is None:
        if source_key:
            _count_failure(source_key)
        raise CodeRefused(_("A voting code has 16 letters and digits, as printed on your letter (e.g. ABCD-EFGH-JKMN-PQRS)."))
    code_key = _key("code", contest, normalized[:LOOKUP_LENGTH])
    if cache.get(code_key, 0) >= MAX_ATTEMPTS_PER_CODE:
        raise TooManyAttempts()
    found = (VotingCode.objects.filter(contest=contest, lookup=normalized[:LOOKUP_LENGTH])
             .select_related("roll_entry").first())
    secret = _hash_input(contest.pk, normalized)
    if found is None:
        _spend_a_hash(secret)
        valid = False
    else:
        valid = HASHER.verify(secret, found.secret_hash) and found.roll_entry.birth_date == birth_date
    if not valid:
        _count_failure(code_key, *([source_key] if source_key else []))
        raise CodeRefused()
    cache.delete(code_key)
    if found.revoked_at is not None:
        raise CodeRevoked()
    if Participation.objects.filter(contest=contest, voter__roll_entry_id=found.roll_entry_id).exists():
        raise AlreadyVoted(_("This voting code was already used: a vote is recorded for you. If it was not you, "
                             "tell the town hall."))
    return found


def live_code(*, contest: Contest, code_id: int) -> VotingCode:
    """The code a resident checked a moment ago, if it is still live (their session holds its id). Raises CodeRevoked."""
    code = VotingCode.objects.filter(pk=code_id, contest=contest, revoked_at=None).first()
    if code is None:
        raise CodeRevoked()
    return code


def cast_ballot_with_code(*, contest: Contest, code_id: int, payload: str, tracker: str | None = None, now=None) -> str:
    """Cast the ballot of the elector whose code was checked (:func:`check_code`); return the tracker.

    The code's row is locked while the vote is written, so a revocation
    happens wholly before (the vote is refused) or after. The vote itself
    goes through the same box as every online vote: the elector's voter
    record (shared with a FranceConnect or typed roll proof, or a paper
    vote) and its unique participation are the one-vote guard; the ballot
    row carries nothing of the code.
    """
    from .casting import _append, decode_ballot

    now = now or timezone.now()
    if contest_phase(contest, now) is not Phase.OPEN:
        raise VoteNotOpen()
    decode_ballot(contest, payload)
    computed = hashlib.sha256(payload.encode("ascii")).hexdigest()
    if tracker is not None and tracker != computed:
        raise InvalidBallot()
    with transaction.atomic():
        code = VotingCode.objects.select_for_update().filter(pk=code_id, contest=contest, revoked_at=None).first()
        if code is None:
            raise CodeRevoked()
        if code.roll_entry.roll_id != contest.roll_id:
            raise NotEligible()
        voter = Voter.objects.filter(contest=contest, roll_entry_id=code.roll_entry_id).first()
        if voter is None:
            voter = Voter(contest=contest, roll_entry_id=code.roll_entry_id)
        try:
            return _append(contest=contest, voter=voter, payload=payload, tracker=computed, now=now)
        except IntegrityError:  # the same elector's voter record, written at this very moment by another channel
            raise AlreadyVoted() from None
