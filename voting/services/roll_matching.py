"""Residents proving they are on the roll: by the details of their voter card, or by a certified identity.

Two ways, one result (the account linked to one roll entry, once):

- ``prove_roll_membership``: the resident types their family name (birth name
  or usage name, both printed on the voter card), birth date and polling
  station or postcode; failures are rate-limited, as typing can guess.
- ``prove_roll_membership_by_identity``: the resident signed in with an
  identity provider that certifies their civil identity (FranceConnect);
  the roll entry is found from it, with nothing to type. No match, or
  several, falls back to the typed proof with an explanation.

The engine knows no account app: the certified identity reaches it as a
:class:`CivilIdentity`, handed in by the caller, or found through the
``IDENTITY_HOOK`` Wagtail hook that the accounts app registers.
"""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _
from wagtail import hooks

from ..exceptions import NotEligible, RollMatchFailed, TooManyAttempts
from ..models import Contest, RollEntry, Voter
from ..normalize import code_key, given_names_key, name_key, station_key
from ..stations import entries_q
from .areas import resident_commune

MAX_ATTEMPTS = 5
ATTEMPT_WINDOW = 15 * 60
# Failures per contest from one address (common.http.client_ip): one attacker with many accounts could
# otherwise try 5 names per account and enumerate the roll. Higher than per account: a town hall's desk
# or a library shares one address among residents.
MAX_ATTEMPTS_PER_SOURCE = 30
MAX_CANDIDATES = 10

IDENTITY_HOOK = "parvis_voting_certified_identity"
"""Wagtail hook through which an accounts app hands the engine a resident's certified identity.

Register ``fn(user) -> CivilIdentity | dict | None``: the identity an
identity provider certified for this account (a dict holds CivilIdentity's
fields, so the registering app need not import the engine), or None.
"""


@dataclass(frozen=True, slots=True)
class CivilIdentity:
    """A civil identity certified by an identity provider, as matched against the roll.

    ``given_names`` holds all of them, space-separated, as FranceConnect gives
    them; ``birthplace`` is the INSEE code of the commune of birth (empty for
    residents born abroad); ``usage_name`` the name used day to day, if any.
    """

    birth_name: str
    given_names: str
    birth_date: date
    birthplace: str = ""
    usage_name: str = ""
    provider: str = "FranceConnect"


def certified_identity(user) -> CivilIdentity | None:
    """The first certified identity a registered hook knows for this user, or None."""
    if not (user and user.is_authenticated):
        return None
    for provider in hooks.get_hooks(IDENTITY_HOOK):
        identity = provider(user)
        if isinstance(identity, dict):
            identity = CivilIdentity(**identity)
        if identity is not None:
            return identity
    return None


def _attempts_key(contest: Contest, user) -> str:
    return f"voting:roll-attempts:{contest.pk}:{user.pk}"


def _source_attempts_key(contest: Contest, source: str) -> str:
    # Only a hash of the address reaches the cache: nothing to keep about who tried.
    return f"voting:roll-attempts-from:{contest.pk}:{hashlib.sha256(source.encode()).hexdigest()}"


def _count_failure(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, ATTEMPT_WINDOW)


def _checked_first(contest: Contest, user) -> Voter | None:
    """Refuse a resident other rules exclude; return their Voter if they already proved membership."""
    from .eligibility import other_rules_refusal

    reason = other_rules_refusal(contest=contest, user=user)
    if reason:
        raise NotEligible(reason)
    return Voter.objects.filter(contest=contest, user=user).select_related("roll_entry").first()


def contest_entries(contest: Contest):
    """The roll entries that may vote in this contest: its roll, narrowed to its polling stations if it has some."""
    entries = RollEntry.objects.filter(roll=contest.roll)
    if contest.polling_stations:
        entries = entries.filter(entries_q(contest.polling_stations))
    return entries


def _link(*, contest: Contest, user, entry: RollEntry) -> Voter:
    with transaction.atomic():
        voter, _created = Voter.objects.select_for_update().get_or_create(contest=contest, roll_entry=entry)
        if voter.user_id and voter.user_id != user.pk:
            raise NotEligible(
                _("This voter is already linked to another account. If this is you, contact the town hall.")
            )
        if voter.user_id is None:
            voter.user = user
            voter.save(update_fields=["user"])
    return voter


def prove_roll_membership(*, contest: Contest, user, family_name: str, birth_date: date, place: str,
                          source: str = "") -> Voter:
    """Link a resident's account to their roll entry for this contest, once.

    ``family_name`` is the birth name or the usage name; ``place`` the polling
    station number or the postcode printed on the voter card. Matching ignores
    accents, case, ligatures, apostrophes, hyphens and spaces. Failed attempts
    are limited to 5 per 15 minutes per contest and account, and to
    ``MAX_ATTEMPTS_PER_SOURCE`` per contest from one ``source`` (the client's
    address, when the request comes over HTTP).
    """
    existing = _checked_first(contest, user)
    if existing:
        return existing
    key = _attempts_key(contest, user)
    source_key = _source_attempts_key(contest, source) if source else None
    if cache.get(key, 0) >= MAX_ATTEMPTS or (source_key and cache.get(source_key, 0) >= MAX_ATTEMPTS_PER_SOURCE):
        raise TooManyAttempts()
    name = name_key(family_name)
    place_key = code_key(place)
    place_station = station_key(place)
    candidates = contest_entries(contest).filter(Q(match_name=name) | Q(usage_match_name=name), birth_date=birth_date)
    matches = _in_residents_commune(contest, user, [
        entry for entry in candidates[:MAX_CANDIDATES]
        if name and place_key and (place_station == station_key(entry.polling_station) or place_key == entry.postcode)
    ])
    if len(matches) != 1:
        _count_failure(key)
        if source_key:
            _count_failure(source_key)
        postcodes = {entry.postcode for entry in matches}
        if len(matches) > 1 and len(postcodes) == len(matches) and place_key not in postcodes:
            # Homonyms born the same day with the same station number, in different towns of one roll.
            raise RollMatchFailed(_("Several voters match these details. Type the postcode printed on your voter "
                                    "card instead of the polling station number."))
        if len(matches) > 1:
            raise RollMatchFailed(_("Several voters match these details. Please contact the town hall."))
        raise RollMatchFailed()
    voter = _link(contest=contest, user=user, entry=matches[0])
    cache.delete(key)
    return voter


def given_names_agree(on_roll: str, certified: str) -> bool:
    """The roll lists all given names, or only the first ones: one list must begin the other."""
    roll_names, identity_names = given_names_key(on_roll), given_names_key(certified)
    shorter = min(len(roll_names), len(identity_names))
    return shorter > 0 and roll_names[:shorter] == identity_names[:shorter]


def identity_matches(*, contest: Contest, identity: CivilIdentity) -> list[RollEntry]:
    """The roll entries of this contest that are this person, best first, ties left in.

    Birth name (or usage name against the roll's usage name) and birth date
    select; the given names must agree. When several remain, an entry whose
    given names are exactly the certified ones wins over entries listing
    only some, then the birthplace breaks the tie where the roll has it.
    """
    names = Q(match_name=name_key(identity.birth_name))
    if name_key(identity.usage_name):
        names |= Q(usage_match_name=name_key(identity.usage_name))
    if not name_key(identity.birth_name):
        return []
    candidates = contest_entries(contest).filter(names, birth_date=identity.birth_date)[:MAX_CANDIDATES]
    matches = [entry for entry in candidates if given_names_agree(entry.given_names, identity.given_names)]
    if len(matches) > 1:
        exact = [entry for entry in matches if given_names_key(entry.given_names) == given_names_key(identity.given_names)]
        matches = exact or matches
    birthplace = code_key(identity.birthplace)
    if len(matches) > 1 and birthplace:
        same_place = [entry for entry in matches if entry.birthplace_code == birthplace]
        matches = same_place or matches
    return matches


def prove_roll_membership_by_identity(*, contest: Contest, user, identity: CivilIdentity) -> Voter:
    """Link the account to the roll entry its certified identity designates, with nothing typed.

    No entry, or several the identity cannot tell apart (homonyms born the
    same day with no birthplace on the roll), raise RollMatchFailed with an
    explanation that sends the resident to the typed proof. The identity is
    certified, not typed, so failures do not count as guesses.
    """
    existing = _checked_first(contest, user)
    if existing:
        return existing
    matches = _in_residents_commune(contest, user, identity_matches(contest=contest, identity=identity))
    if len(matches) != 1:
        raise identity_refusal(identity, several=len(matches) > 1)
    return _link(contest=contest, user=user, entry=matches[0])


def _in_residents_commune(contest: Contest, user, matches: list[RollEntry]) -> list[RollEntry]:
    """Homonyms in different communes of one roll (a département's: same name, birth date and station
    number are not rare among a million electors): the one in the commune the resident says they live in.

    The address is the resident's word, as what they type is: it tells apart entries the details
    already matched, never finds one.
    """
    if len({entry.commune for entry in matches}) < 2:
        return matches
    commune = resident_commune(contest, user)
    return [entry for entry in matches if entry.commune == commune] or matches


def identity_refusal(identity: CivilIdentity, *, several: bool) -> RollMatchFailed:
    """Why a certified identity found no single roll entry, and what to do instead."""
    who = {
        "provider": identity.provider,
        "name": f"{identity.birth_name.upper()} {identity.given_names}".strip(),
        "born": formats.date_format(identity.birth_date, "SHORT_DATE_FORMAT"),
    }
    if several:
        return RollMatchFailed(_(
            "Several voters on the roll share your %(provider)s identity (%(name)s, born on %(born)s), so we cannot "
            "tell which one is you. Prove that you are on the roll with the details of your voter card below."
        ) % who)
    return RollMatchFailed(_(
        "Your %(provider)s identity (%(name)s, born on %(born)s) is not on this vote's electoral roll as it is "
        "written. The roll may spell your name differently: prove that you are on it with the details of your "
        "voter card below."
    ) % who)
