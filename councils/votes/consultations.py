"""The rules of local consultations, on top of the ballot engine.

Each question is a contest (single choice, or approval when voters may
tick several answers). Publishing the page ``launch``-es it: the contests
are written from the page and sealed, so the questions cannot change once
residents may see them. Voting goes through ``prove_roll`` and ``cast``
here, never straight to the engine's views, because the territory of a
residents' consultation and the minimum age are rules the engine does not
know (see :mod:`.eligibility`).
"""

from collections import Counter

from django.db import transaction
from django.utils.translation import gettext as _

from voting.exceptions import AlreadyVoted, InvalidChoice, NotEligible, VoteNotOpen, VotingError
from voting.models import Contest, Option, Participation, Trustee
from voting.normalize import station_key
from voting.phases import Phase, contest_phase
from voting.notify import tell_trustees
from voting.services import ceremony
from voting.services.audit import log
from voting.services.casting import cast_ballot
from voting.services.eligibility import ballot_status
from voting.services.roll import prove_roll_membership
from voting.services.roll_matching import CivilIdentity, prove_roll_membership_by_identity

from ..models import Council
from . import eligibility
from .models import ConsultationBallot, ConsultationPage


def _contest_fields(page: ConsultationPage, question, number: int, count: int) -> dict:
    title = page.title if count == 1 else f"{page.title} ({number}/{count})"
    is_roll = page.eligibility == Contest.Eligibility.ROLL
    return {
        "title": title[:200],
        "question": question.question,
        "description": question.description,
        "rule": Contest.Rule.APPROVAL if question.max_choices else Contest.Rule.SINGLE,
        "max_choices": question.max_choices,
        "allow_blank": True,
        "opens_at": page.opens_at,
        "closes_at": page.closes_at,
        "proclaims_at": page.proclaims_at,
        "eligibility": page.eligibility,
        "roll_id": page.roll_id if is_roll else None,
        "polling_stations": eligibility.roll_stations(page.roll, page.territory()) if is_roll and page.territory() else [],
        "threshold": page.threshold,
    }


def sync_contests(*, consultation: ConsultationPage, actor=None) -> list[Contest]:
    """Write every question of the (published) page into its contest; sealed contests are left alone."""
    with transaction.atomic():
        questions = list(consultation.questions.all())
        ballots = {ballot.position: ballot for ballot in consultation.ballots.select_related("contest")}
        for position, ballot in ballots.items():
            if position >= len(questions) and not ballot.contest.is_frozen:
                ballot.contest.delete()
        for position, question in enumerate(questions):
            fields = _contest_fields(consultation, question, position + 1, len(questions))
            ballot = ballots.get(position)
            if ballot is None:
                contest = Contest.objects.create(**fields, site=consultation.get_site())
                ConsultationBallot.objects.create(consultation=consultation, position=position, contest=contest)
            else:
                contest = Contest.objects.select_for_update().get(pk=ballot.contest_id)
                if contest.is_frozen:
                    continue
                for name, value in fields.items():
                    setattr(contest, name, value)
                contest.save()
                contest.options.all().delete()
                contest.trustees.all().delete()
            Option.objects.bulk_create(
                Option(contest=contest, label=answer, position=number)
                for number, answer in enumerate(question.answer_list())
            )
            for trustee in consultation.trustees.all():
                Trustee.objects.create(contest=contest, user_id=trustee.user_id, name=trustee.name)
    return consultation.contests()


def launch(*, consultation: ConsultationPage, actor=None) -> list[Contest]:
    """Write the consultation's contests and start their key ceremony (on publication); all of them or none.

    Each contest is sealed once its trustees have made its key on their devices.
    """
    with transaction.atomic():
        contests = sync_contests(consultation=consultation, actor=actor)
        to_seal = [contest for contest in contests if not contest.is_frozen]
        sealed = [ceremony.start_key_ceremony(contest=contest, actor=actor) for contest in to_seal]
        for contest in sealed:
            log(contest=contest, action="consultation_published", actor=actor, page=consultation.pk)
    if sealed:
        tell_trustees(sealed)
    return sealed


def _open_contests(consultation: ConsultationPage) -> list[Contest]:
    contests = [contest for contest in consultation.contests() if contest.is_sealed]
    if not contests or any(contest_phase(contest) is not Phase.OPEN for contest in contests):
        raise VoteNotOpen()
    return contests


def prove_roll(*, consultation: ConsultationPage, user, family_name: str, birth_date, place: str,
               source: str = "") -> None:
    """Prove roll membership for every question at once, then check the minimum age on the roll's birth date."""
    for contest in _open_contests(consultation):
        prove_roll_membership(contest=contest, user=user, family_name=family_name, birth_date=birth_date, place=place,
                              source=source)
    problem = eligibility.refusal(consultation, user)
    if problem:
        raise NotEligible(problem)


def prove_roll_by_identity(*, consultation: ConsultationPage, user, identity: CivilIdentity) -> None:
    """As ``prove_roll``, from the resident's certified identity (FranceConnect) instead of typed details."""
    for contest in _open_contests(consultation):
        prove_roll_membership_by_identity(contest=contest, user=user, identity=identity)
    problem = eligibility.refusal(consultation, user)
    if problem:
        raise NotEligible(problem)


def check_may_vote(consultation: ConsultationPage, user) -> None:
    """Raise NotEligible with the reason when the engine would accept a vote our rules refuse."""
    if not (user and user.is_authenticated):
        raise NotEligible(_("Log in to vote."))
    problem = eligibility.refusal(consultation, user)
    if problem:
        raise NotEligible(problem)


def cast(*, consultation: ConsultationPage, user, ballots: dict, now=None) -> tuple[dict, list[str]]:
    """Cast the voter's encrypted answers to the questions they have not answered yet.

    ``ballots`` maps each contest to the encrypted ballot the voter's device
    made for it. Returns ``({contest: tracker}, [messages for questions
    refused])``; a question already answered is skipped with a message, the
    others are still cast (each vote is its own sealed ballot).
    """
    check_may_vote(consultation, user)
    own = {contest.pk for contest in consultation.contests()}
    if not ballots or any(contest.pk not in own for contest in ballots):
        raise InvalidChoice()
    trackers, refused = {}, []
    for contest, payload in ballots.items():
        try:
            trackers[contest] = cast_ballot(contest=contest, user=user, payload=payload, now=now)
        except VotingError as error:
            if not isinstance(error, AlreadyVoted) and not trackers:
                raise  # nothing was cast: the whole vote is refused with this reason
            refused.append(f"{contest.question}: {error.message}")
    return trackers, refused


def voter_status(consultation: ConsultationPage, user) -> dict:
    """What the page should offer this visitor: flags for the template and the questions still to answer."""
    contests = [contest for contest in consultation.contests() if contest.is_sealed]
    status = {
        "phase": consultation.phase(),
        "needs_login": False,
        "needs_roll_proof": False,
        "refusal": None,
        "to_answer": [],
        "answered": [],
    }
    if status["phase"] is not Phase.OPEN or not contests:
        return status
    if not (user and user.is_authenticated):
        status["needs_login"] = True
        return status
    statuses = {contest: ballot_status(contest=contest, user=user) for contest in contests}
    if any(s.needs_roll_proof for s in statuses.values()):
        status["needs_roll_proof"] = True
        return status
    if any(s.not_eligible for s in statuses.values()):
        status["refusal"] = _("Confirm your e-mail address to vote: we sent you a link when you signed up.")
        return status
    status["refusal"] = eligibility.refusal(consultation, user)
    status["to_answer"] = [contest for contest, s in statuses.items() if s.can_vote]
    status["answered"] = [contest for contest, s in statuses.items() if s.has_voted]
    return status


def council_turnout(consultation: ConsultationPage) -> list[dict]:
    """Voters per council (any question answered, online or on paper), and their share of the population.

    Roll voters are placed by their polling station, residents by the
    council of their profile. Only counts leave this function.
    """
    contests = consultation.contests()
    councils = consultation.territory() or list(Council.objects.prefetch_related("polling_stations"))
    participations = Participation.objects.filter(contest__in=contests)
    per_council: Counter = Counter()
    if consultation.eligibility == Contest.Eligibility.ROLL:
        station_council = {
            station_key(station.code): council.pk for council in councils for station in council.polling_stations.all()
        }
        voters = participations.values_list("voter__roll_entry_id", "voter__roll_entry__polling_station").distinct()
        for _entry, station in voters:
            per_council[station_council.get(station_key(station or ""))] += 1
    else:
        voters = participations.values_list("voter__user_id", "voter__user__profile__council_id").distinct()
        for _user, council_id in voters:
            per_council[council_id] += 1
    rows = []
    for council in councils:
        voters = per_council.get(council.pk, 0)
        rows.append({
            "council": council,
            "voters": voters,
            "population": council.population,
            "population_percent": round(100 * voters / council.population, 1) if council.population else None,
        })
    return rows
