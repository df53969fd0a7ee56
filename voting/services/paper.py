"""Paper day: polling-station lists, paper voters, paper results.

Online voting closes before paper day. Each station's list marks who voted
online, so they cannot vote again; officers record who voted on paper (the
same one-participation rule applies) and each station's count.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from common.scoping import has_perm

from ..exceptions import AlreadyVoted, InvalidChoice, NotEligible, NotReady
from ..manifest import ballot_shape
from ..models import Contest, PaperResult, Participation, RollEntry, Voter
from ..normalize import code_key, name_key
from ..phases import Phase, contest_phase
from ..stations import entries_q, split_key, station_key
from .areas import paper_communes
from .audit import log
from .mixing import counts_by_equal_shares


def station_entries(contest: Contest, station: str, family_name: str = ""):
    """The station's roll, each entry annotated with its channel if it has voted.

    ``station`` is a station key (``voting.stations``). ``family_name`` narrows
    it to the names starting so (accents and case ignored), as an officer looks
    a voter up at the polling station.
    """
    entries = RollEntry.objects.filter(entries_q([station]), roll=contest.roll).order_by(
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


def stations(contest: Contest, communes: set[str] | None = None) -> list[str]:
    """The vote's station keys (``"49050-001"``, or ``"001"`` on a single town's roll), in commune order.

    ``communes``: only theirs (a town's officers, see :func:`officer_communes`).
    """
    if contest.polling_stations:
        keys = sorted(code_key(s) for s in contest.polling_stations)
    else:
        pairs = RollEntry.objects.filter(roll=contest.roll).order_by("commune", "polling_station").values_list(
            "commune", "polling_station").distinct()
        keys = [station_key(commune, station) for commune, station in pairs]
    if communes is not None:
        keys = [key for key in keys if split_key(key)[0] in communes]
    return keys


def officer_communes(user, contest: Contest) -> set[str] | None:
    """Whose stations ``user`` runs on paper day: None for every station (the issuing collectivity's
    officers, or a vote that is no territory's), else the communes a territories app grants them (a
    member town's officers: their town's)."""
    if has_perm(user, "voting.record_paper", contest):
        return None
    return paper_communes(user, contest)


def assert_station_officer(user, contest: Contest, commune: str) -> None:
    """Refuse an officer a station of a commune that is not theirs (NotEligible), nothing written."""
    if user is None:  # the demo and scripts act as the system
        return
    allowed = officer_communes(user, contest)
    if allowed is not None and commune not in allowed:
        raise NotEligible(_("You record the paper votes of your own commune's polling stations only."))


def assert_paper_day(contest: Contest) -> None:
    """Paper entries come after the online close and stop at the proclamation, which they must not change."""
    if contest_phase(contest) not in (Phase.CLOSED, Phase.COUNTED):
        raise NotReady(_("Paper voters and results are recorded after the online vote closes, until the proclamation."))


def record_paper_voter(*, contest: Contest, roll_entry: RollEntry, actor) -> Participation:
    """Mark a roll entry as having voted on paper; refused if they voted online (or already on paper)."""
    assert_paper_day(contest)
    if roll_entry.roll_id != contest.roll_id or (
        contest.polling_stations
        and not RollEntry.objects.filter(entries_q(contest.polling_stations), pk=roll_entry.pk).exists()
    ):
        raise NotEligible(_("This person is not on this vote's roll."))
    assert_station_officer(actor, contest, roll_entry.commune)
    try:
        with transaction.atomic():
            voter, _created = Voter.objects.get_or_create(contest=contest, roll_entry=roll_entry)
            participation = Participation.objects.create(contest=contest, voter=voter, channel=Participation.Channel.PAPER)
    except IntegrityError:
        existing = Participation.objects.filter(contest=contest, voter__roll_entry=roll_entry).first()
        how = existing.get_channel_display() if existing else ""
        raise AlreadyVoted(_("This person has already voted (%(channel)s).") % {"channel": how}) from None
    log(contest=contest, action="paper_voter", actor=actor, station=entry_station(roll_entry))
    return participation


def entry_station(entry: RollEntry, contest: Contest | None = None) -> str:
    """The key of the station an entry votes at (as ``contest`` lists its stations, if given)."""
    key = station_key(entry.commune, entry.polling_station)
    if contest is not None and key not in stations(contest):
        return entry.polling_station  # the vote names its stations by number only
    return key


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
    assert_station_officer(actor, contest, split_key(station)[0])
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
    registered = RollEntry.objects.filter(entries_q([station]), roll=contest.roll).count()
    voted_online = Participation.objects.filter(
        entries_q([station], "voter__roll_entry__"), contest=contest, channel=Participation.Channel.ONLINE,
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
