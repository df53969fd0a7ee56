"""The rules of council elections, on top of the ballot engine.

- ``apply`` / ``review``: residents apply as candidates, officers approve;
- ``prepare_ballots``: one contest per council (multi-seat plurality, the
  roll restricted to the council's polling stations), its options being the
  approved candidates (``Option.reference`` = candidate id);
- ``seal_ballots``: freeze them all at once;
- ``find_my_ballot``: a voter proves they are on the roll and gets their own
  council's ballot (the engine refuses them any other);
- ``results``: elected members per council and turnout, online and paper.

Every officer action is written to the engine's audit log.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from voting.exceptions import ContestFrozen, NotReady, RollMatchFailed, VoteNotOpen, VotingError
from voting.models import Contest, Option, Trustee, Voter
from voting.normalize import code_key, station_key
from voting.phases import Phase, contest_phase
from voting.notify import tell_trustees
from voting.services import ceremony, counting, setup
from voting.services.audit import log
from voting.services.roll import prove_roll_membership
from voting.services.roll_matching import CivilIdentity, identity_matches, identity_refusal, prove_roll_membership_by_identity

from .eligibility import roll_stations
from .models import Candidate, ElectionBallot, ElectionPage


class ApplicationsClosed(VotingError):
    default_message = _("Applications for this election are closed.")


class AlreadyApplied(VotingError):
    default_message = _(
        "You have already applied in this election. One application per person, for one council only."
    )


def _ballot_for_council(election: ElectionPage, council_id: int) -> ElectionBallot | None:
    return election.ballots.select_related("contest").filter(council_id=council_id).first()


def apply(*, election: ElectionPage, user, council, name: str, statement: str, photo=None, video_url: str = "",
          now=None) -> Candidate:
    """Record a resident's application, waiting for review. Refused twice, or for a second council."""
    now = now or timezone.now()
    if not election.applications_open(now):
        raise ApplicationsClosed()
    if not election.council_seats.filter(council=council).exists():
        raise VotingError(_("This council is not elected in this election."))
    if Candidate.objects.filter(election=election, user=user).exists():
        raise AlreadyApplied()
    name = name.strip()
    try:
        with transaction.atomic():
            image = None
            if photo is not None:
                image = get_image_model()(title=name, file=photo)
                image.save()
            return Candidate.objects.create(
                election=election, council=council, user=user, name=name, statement=statement.strip(),
                video_url=video_url, photo=image,
            )
    except IntegrityError:  # a second submission racing the first
        raise AlreadyApplied() from None


def review(*, candidate: Candidate, actor, approve: bool, note: str = "", now=None) -> Candidate:
    """Approve or reject an application; the council's ballot follows (until it is sealed)."""
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        ballot = _ballot_for_council(candidate.election, candidate.council_id)
        if ballot and ballot.contest.is_frozen:
            raise ContestFrozen(_("This council's ballot is sealed: its candidates can no longer change."))
        candidate.status = Candidate.Status.APPROVED if approve else Candidate.Status.REJECTED
        candidate.review_note = note
        candidate.reviewed_at = now or timezone.now()
        candidate.reviewed_by = actor
        candidate.save(update_fields=["status", "review_note", "reviewed_at", "reviewed_by"])
        log(
            contest=ballot.contest if ballot else None, actor=actor,
            action="candidate_approved" if approve else "candidate_rejected",
            candidate=candidate.pk, election=candidate.election_id, council=candidate.council.name,
        )
        if ballot:
            _sync_contest(candidate.election, ballot.council, ballot.contest)
    return candidate


def _council_rows(election: ElectionPage):
    return election.council_seats.select_related("council").prefetch_related("council__polling_stations")


def _sync_contest(election: ElectionPage, council, contest: Contest) -> Contest:
    """Write the election's settings and the council's approved candidates into its (unsealed) contest."""
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    setup.assert_editable(contest)
    seats = election.council_seats.get(council=council).seats
    contest.title = f"{election.title} — {council.name}"[:200]
    contest.question = _("Elect the members of the %(council)s neighbourhood council") % {"council": council.name}
    contest.rule = Contest.Rule.PLURALITY
    contest.seats = seats
    contest.allow_blank = True
    contest.opens_at, contest.closes_at, contest.proclaims_at = election.opens_at, election.closes_at, election.proclaims_at
    contest.eligibility = Contest.Eligibility.ROLL
    contest.roll_id = election.roll_id
    contest.polling_stations = roll_stations(election.roll, [council])
    contest.threshold = election.threshold
    contest.save()
    contest.options.all().delete()
    approved = Candidate.objects.filter(election=election, council=council, status=Candidate.Status.APPROVED)
    Option.objects.bulk_create(
        Option(contest=contest, label=candidate.name, position=position, reference=str(candidate.pk))
        for position, candidate in enumerate(approved.order_by("name", "pk"))
    )
    contest.trustees.all().delete()
    for trustee in election.trustees.all():
        Trustee.objects.create(contest=contest, user_id=trustee.user_id, name=trustee.name)
    return contest


def prepare_ballots(*, election: ElectionPage, actor=None) -> list[ElectionBallot]:
    """Create or update one unsealed contest per council of the election; sealed ones are left alone.

    Called when the election page is published, when a candidate is
    reviewed, and before sealing.
    """
    with transaction.atomic():
        rows = {row.council_id: row for row in _council_rows(election)}
        existing = {ballot.council_id: ballot for ballot in election.ballots.select_related("contest")}
        for council_id, ballot in existing.items():
            if council_id not in rows and not ballot.contest.is_frozen:
                ballot.contest.delete()  # cascades to the ballot row
        for council_id, row in rows.items():
            ballot = existing.get(council_id)
            if ballot is None:
                contest = Contest.objects.create(
                    title=election.title, question="", rule=Contest.Rule.PLURALITY, eligibility=Contest.Eligibility.ROLL,
                    opens_at=election.opens_at, closes_at=election.closes_at, proclaims_at=election.proclaims_at,
                    site=election.get_site(),
                )
                ballot = ElectionBallot.objects.create(election=election, council=row.council, contest=contest)
                log(contest=contest, action="election_ballot_created", actor=actor, election=election.pk,
                    council=row.council.name)
            elif ballot.contest.is_frozen:
                continue
            contest = _sync_contest(election, row.council, ballot.contest)
            log(contest=contest, action="election_ballot_prepared", actor=actor, candidates=contest.options.count())
    return list(election.ballot_rows())


def seal_ballots(*, election: ElectionPage, actor) -> list[Contest]:
    """Freeze every council's ballot at once and start its key ceremony, or none, saying everything that is missing."""
    with transaction.atomic():
        pending = election.candidates.filter(status=Candidate.Status.PENDING).count()
        if pending:
            raise NotReady(
                _("Review every application before sealing: %(count)d still waiting.") % {"count": pending}
            )
        ballots = [ballot for ballot in prepare_ballots(election=election, actor=actor) if not ballot.contest.is_frozen]
        if not ballots:
            raise NotReady(_("Every ballot of this election is already sealed."))
        problems = []
        for ballot in ballots:
            contest = Contest.objects.get(pk=ballot.contest_id)
            reasons = []
            if not contest.options.exists():
                reasons.append(_("no approved candidate"))
            try:
                setup.check_ready_to_seal(contest)
            except NotReady as error:
                reasons.append(str(error.message))
            if reasons:
                problems.append(f"{ballot.council.name}: {' '.join(reasons)}")
        if problems:
            raise NotReady(" ".join(problems))
        sealed = [ceremony.start_key_ceremony(contest=ballot.contest, actor=actor) for ballot in ballots]
    tell_trustees(sealed)
    return sealed


def ballot_of(*, election: ElectionPage, user) -> ElectionBallot | None:
    """The ballot of the council on whose roll this user proved to be, if any."""
    if not (user and user.is_authenticated):
        return None
    contest_ids = Voter.objects.filter(user=user, contest__in=election.ballots.values("contest")).values("contest")
    return election.ballots.select_related("council", "contest").filter(contest__in=contest_ids).first()


def find_my_ballot(*, election: ElectionPage, user, family_name: str, birth_date, place: str,
                   source: str = "") -> ElectionBallot:
    """Prove roll membership against the councils' ballots; return the one the voter belongs to.

    The council whose polling station (or postcode) the voter typed is
    tried first. The engine limits failed attempts per ballot and only
    matches voters of the ballot's own polling stations, so nobody can get
    another council's ballot.
    """
    known = ballot_of(election=election, user=user)
    if known is not None:
        return known
    ballots = [ballot for ballot in election.ballot_rows() if ballot.contest.is_sealed]
    if not ballots or contest_phase(ballots[0].contest) is not Phase.OPEN:
        raise VoteNotOpen()
    station, postcode = station_key(place), code_key(place)

    def typed_here(ballot) -> bool:
        stations = {station_key(code) for code in ballot.contest.polling_stations}
        return station in stations or ballot.council.areas.filter(postcode=postcode).exists()

    failure: VotingError = RollMatchFailed()
    for ballot in sorted(ballots, key=lambda b: not typed_here(b)):
        try:
            prove_roll_membership(
                contest=ballot.contest, user=user, family_name=family_name, birth_date=birth_date, place=place,
                source=source,
            )
        except RollMatchFailed as error:
            failure = error
            continue
        return ballot
    raise failure


def find_my_ballot_by_identity(*, election: ElectionPage, user, identity: CivilIdentity) -> ElectionBallot:
    """Find the voter's council ballot from their certified identity (FranceConnect), with nothing typed.

    Every council's roll is searched; the identity must designate exactly one
    entry across them all (homonyms in two councils are not guessed between),
    else the refusal explains and the typed proof remains.
    """
    known = ballot_of(election=election, user=user)
    if known is not None:
        return known
    ballots = [ballot for ballot in election.ballot_rows() if ballot.contest.is_sealed]
    if not ballots or contest_phase(ballots[0].contest) is not Phase.OPEN:
        raise VoteNotOpen()
    found = [(ballot, identity_matches(contest=ballot.contest, identity=identity)) for ballot in ballots]
    found = [(ballot, matches) for ballot, matches in found if matches]
    if len(found) != 1 or len(found[0][1]) != 1:
        raise identity_refusal(identity, several=bool(found))
    ballot = found[0][0]
    prove_roll_membership_by_identity(contest=ballot.contest, user=user, identity=identity)
    return ballot


@dataclass
class CouncilResult:
    """One council's proclaimed result: candidates by votes, who is elected, ties for the last seats, turnout."""

    ballot: ElectionBallot
    seats: int
    rows: list[dict] = field(default_factory=list)
    tied_seats: int = 0
    turnout: dict = field(default_factory=dict)


def elected(rows: list[dict], seats: int) -> int:
    """Mark ``elected`` / ``tied`` on rows sorted by total; return the seats left to settle between the tied.

    The top ``seats`` totals are elected; when candidates share the total of
    the last seat and there are more of them than seats left, none of them
    is marked elected: the tie is shown, and settled as the town's rules say.
    """
    for row in rows:
        row["elected"] = row["tied"] = False
    if len(rows) <= seats:
        for row in rows:
            row["elected"] = True
        return 0
    cutoff = rows[seats - 1]["total"]
    above = [row for row in rows if row["total"] > cutoff]
    at_cutoff = [row for row in rows if row["total"] == cutoff]
    if len(above) + len(at_cutoff) <= seats:
        for row in above + at_cutoff:
            row["elected"] = True
        return 0
    for row in above:
        row["elected"] = True
    for row in at_cutoff:
        row["tied"] = True
    return seats - len(above)


def turnout_with_population(contest: Contest, population: int | None) -> dict:
    """The engine's turnout (online, paper, share of the roll) plus the share of the population."""
    figures = counting.turnout(contest)
    figures["population"] = population
    figures["population_percent"] = round(100 * figures["total"] / population, 1) if population else None
    return figures


def council_result(ballot: ElectionBallot) -> CouncilResult:
    contest = ballot.contest
    merged = counting.merged_results(contest)
    candidates = {
        str(option.pk): option.reference for option in contest.options.all()
    }
    photos = {
        str(c.pk): c for c in Candidate.objects.filter(pk__in=[r for r in candidates.values() if r.isdigit()])
        .select_related("photo")
    }
    rows = []
    for option in contest.manifest["options"]:
        key = str(option["id"])
        rows.append({
            "label": option["label"],
            "candidate": photos.get(candidates.get(key, "")),
            "online": merged["online"]["counts"].get(key, 0),
            "paper": merged["paper"]["counts"].get(key, 0),
            "total": merged["total"]["counts"].get(key, 0),
        })
    rows.sort(key=lambda row: (-row["total"], row["label"]))
    seats = contest.manifest["seats"]
    tied = elected(rows, seats)
    return CouncilResult(
        ballot=ballot, seats=seats, rows=rows, tied_seats=tied,
        turnout=turnout_with_population(contest, ballot.council.population),
    )


def results(election: ElectionPage) -> dict:
    """Proclaimed councils' results and the election's total turnout; unproclaimed councils stay sealed."""
    proclaimed, sealed = [], []
    for ballot in election.ballot_rows():
        if contest_phase(ballot.contest) is Phase.PROCLAIMED:
            proclaimed.append(council_result(ballot))
        else:
            sealed.append(ballot)
    total = {"online": 0, "paper": 0, "total": 0, "electorate": 0, "population": 0}
    for result in proclaimed:
        for key in ("online", "paper", "total"):
            total[key] += result.turnout[key]
        total["electorate"] += result.turnout["electorate"] or 0
        total["population"] += result.turnout["population"] or 0
    if any(result.turnout["population"] is None for result in proclaimed):
        total["population"] = 0  # a share of a partly known population would mislead
    total["percent"] = round(100 * total["total"] / total["electorate"], 1) if total["electorate"] else None
    total["population_percent"] = (
        round(100 * total["total"] / total["population"], 1) if total["population"] else None
    )
    return {"councils": proclaimed, "sealed": sealed, "total": total}
