"""Who may vote in a consultation beyond what the ballot engine checks, as small named rules.

The engine enforces the electoral roll and its polling stations (so the
territory of a roll consultation) and "verified resident". It knows
nothing of councils or ages, so two rules are checked here, by the
consultation services before every proof and every vote:

- ``lives_in_territory``: a verified resident's council (from their
  profile) is one of the consultation's councils;
- ``old_enough``: the age reached by the closing date, from the roll's birth
  date for roll voters, from ``Profile.birth_year`` for residents (only a
  year is known: a resident qualifies if they reach the age during the
  closing date's year).
"""

from datetime import date

from django.utils.translation import gettext as _

from accounts.models import Profile
from voting.models import Contest, RollEntry, Voter
from voting.normalize import code_key, station_key


def age_on(birth_date: date, day: date) -> int:
    """Completed years on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def roll_stations(roll, councils) -> list[str]:
    """The councils' polling stations spelled as the roll spells them ("1" may be "001" there).

    The engine compares stations as written in the roll. Never empty for
    councils that have stations (an empty list would open the whole roll):
    without a roll yet, or without a match, the councils' own codes are kept.
    """
    codes = sorted({code_key(station.code) for council in councils for station in council.polling_stations.all()})
    if roll is None:
        return codes
    wanted = {station_key(code) for code in codes}
    on_roll = RollEntry.objects.filter(roll=roll).values_list("polling_station", flat=True).distinct()
    return sorted({code for code in on_roll if station_key(code) in wanted}) or codes


def _profile(user) -> Profile | None:
    return Profile.objects.filter(user=user).select_related("council").first()


def lives_in_territory(consultation, user) -> bool:
    territory = {council.pk for council in consultation.territory()}
    if not territory or consultation.eligibility == Contest.Eligibility.ROLL:
        return True  # the whole town, or the roll's polling stations (checked by the engine)
    profile = _profile(user)
    return profile is not None and profile.council_id in territory


def old_enough(consultation, user) -> bool | None:
    """True or False; None when it cannot be known yet (no birth year, or roll not yet proved)."""
    if not consultation.min_age:
        return True
    closing_day = consultation.schedule()["closes_at"].date()
    if consultation.eligibility == Contest.Eligibility.ROLL:
        voter = (
            Voter.objects.filter(contest__in=consultation.contests(), user=user, roll_entry__isnull=False)
            .select_related("roll_entry")
            .first()
        )
        if voter is None:
            return None
        return age_on(voter.roll_entry.birth_date, closing_day) >= consultation.min_age
    profile = _profile(user)
    if profile is None or profile.birth_year is None:
        return None
    return closing_day.year - profile.birth_year >= consultation.min_age


def refusal(consultation, user) -> str | None:
    """Why this signed-in user may not vote in the consultation, or None.

    "Not yet known" (no proof of roll membership yet) is no refusal: the
    proof comes first, then this is asked again.
    """
    if not lives_in_territory(consultation, user):
        names = ", ".join(council.name for council in consultation.territory())
        profile = _profile(user)
        if profile is None or profile.council_id is None:
            return _("This consultation is for residents of %(councils)s: choose your council in your profile.") % {
                "councils": names
            }
        return _("This consultation is for residents of %(councils)s only.") % {"councils": names}
    enough = old_enough(consultation, user)
    if enough is False:
        return _("This consultation is open from the age of %(age)d.") % {"age": consultation.min_age}
    if enough is None and consultation.eligibility == Contest.Eligibility.RESIDENTS:
        return _(
            "This consultation is open from the age of %(age)d: give your year of birth in your profile to vote."
        ) % {"age": consultation.min_age}
    return None
