"""Paper day: polling-station lists, paper voters, paper results.

Online voting closes before paper day. Each station's list marks who voted
online, so they cannot vote again; officers record who voted on paper (the
same one-participation rule applies) and each station's count.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..exceptions import AlreadyVoted, InvalidChoice, NotEligible, NotReady
from ..manifest import ballot_shape
from ..models import Contest, PaperResult, Participation, RollEntry, Voter
from ..normalize import code_key, name_key
from ..phases import Phase, contest_phase
from .audit import log
from .mixing import counts_by_equal_shares


def station_entries(contest: Contest, station: str, family_name: str = ""):
    """The station's roll, each entry annotated with its channel if it has voted.

    ``family_name`` narrows it to the names starting so (accents and case
    ignored), as an officer looks a voter up at the polling station.
    """
    entries = RollEntry.objects.filter(roll=contest.roll, polling_station=code_key(station)).order_by(
        "family_name", "given_names", "birth_date"
    )
    if family_name:
        entries = entries.filter(match_name__startswith=name_key(family_name))
    channels = dict(
        Participation.objects.filter(contest=contest, voter__roll_entry__in=entries).values_list(
            "voter__roll_entry_id", "channel"
        )
    )
    for entry in entries:
        entry.voted_channel = channels.get(entry.pk)
        yield entry


def stations(contest: Contest) -> list[str]:
    if contest.polling_stations:
        return sorted(code_key(s) for s in contest.polling_stations)
    return list(
        RollEntry.objects.filter(roll=contest.roll).values_list("polling_station", flat=True).distinct().order_by("polling_station")
    )


def assert_paper_day(contest: Contest) -> None:
    """Paper entries come after the online close and stop at the proclamation, which they must not change."""
    if contest_phase(contest) not in (Phase.CLOSED, Phase.COUNTED):
        raise NotReady(_("Paper voters and results are recorded after the online vote closes, until the proclamation."))


def record_paper_voter(*, contest: Contest, roll_entry: RollEntry, actor) -> Participation:
    """Mark a roll entry as having voted on paper; refused if they voted online (or already on paper)."""
    assert_paper_day(contest)
    if roll_entry.roll_id != contest.roll_id or (
        contest.polling_stations and roll_entry.polling_station not in stations(contest)
    ):
        raise NotEligible(_("This person is not on this vote's roll."))
    try:
        with transaction.atomic():
            voter, _created = Voter.objects.get_or_create(contest=contest, roll_entry=roll_entry)
            participation = Participation.objects.create(contest=contest, voter=voter, channel=Participation.Channel.PAPER)
    except IntegrityError:
        existing = Participation.objects.filter(contest=contest, voter__roll_entry=roll_entry).first()
        how = existing.get_channel_display() if existing else ""
        raise AlreadyVoted(_("This person has already voted (%(channel)s).") % {"channel": how}) from None
    log(contest=contest, action="paper_voter", actor=actor, station=roll_entry.polling_station)
    return participation


def record_paper_result(*, contest: Contest, station: str, counts: dict, blank: int, invalid: int, actor) -> PaperResult:
    """Save one station's paper count after checking it against the roll and the paper voters."""
    assert_paper_day(contest)
    if counts_by_equal_shares(contest):
        # Per-option totals cannot join an equal-shares count, which needs each ballot's whole choice.
        raise InvalidChoice(_("This vote is counted by equal shares from each online ballot's whole choice: "
                              "paper totals per project cannot be added to it."))
    station = code_key(station)
    if station not in stations(contest):
        raise InvalidChoice(_("Unknown polling station for this vote."))
    option_ids = {str(option["id"]) for option in contest.manifest["options"]}
    clean = {}
    for key, value in counts.items():
        if str(key) not in option_ids:
            raise InvalidChoice(_("One of the options does not belong to this vote."))
        if int(value) < 0:
            raise InvalidChoice(_("Counts cannot be negative."))
        clean[str(key)] = int(value)
    if blank < 0 or invalid < 0:
        raise InvalidChoice(_("Counts cannot be negative."))
    registered = RollEntry.objects.filter(roll=contest.roll, polling_station=station).count()
    voted_online = Participation.objects.filter(
        contest=contest, channel=Participation.Channel.ONLINE, voter__roll_entry__polling_station=station
    ).count()
    ballots = sum(clean.values()) + blank + invalid
    if contest.rule != Contest.Rule.SINGLE:
        # A ballot may carry several marks: the fewest ballots these counts need is the largest
        # count, or the marks spread at most ``max_choices`` a ballot, plus blank and invalid ones.
        per_ballot = max(ballot_shape(contest.manifest).max_choices, 1)
        marked = max(max(clean.values(), default=0), -(-sum(clean.values()) // per_ballot))
        ballots = marked + blank + invalid
    if ballots > registered - voted_online:
        raise InvalidChoice(
            _("%(ballots)d ballots is more than the %(left)d voters of this station who did not vote online.")
            % {"ballots": ballots, "left": registered - voted_online}
        )
    if any(value > registered - voted_online for value in clean.values()):
        raise InvalidChoice(_("A count is larger than the number of voters of this station who did not vote online."))
    result, _created = PaperResult.objects.update_or_create(
        contest=contest, polling_station=station,
        defaults={"counts": clean, "blank": blank, "invalid": invalid, "recorded_by": actor},
    )
    log(contest=contest, action="paper_result", actor=actor, station=station)
    return result
