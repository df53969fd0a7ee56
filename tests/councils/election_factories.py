"""Builders for election and consultation tests: a small town, its roll, pages, sealed and opened ballots."""

from datetime import date, timedelta

from django.utils import timezone

from councils.models import (
    Candidate,
    ConsultationIndexPage,
    ConsultationPage,
    ConsultationQuestion,
    ConsultationTrustee,
    ElectionCouncil,
    ElectionPage,
    ElectionTrustee,
)
from councils.votes import elections
from councils.votes.permissions import open_section_to_election_officers
from voting import simulation
from voting.crypto.dkg import TrusteeSecrets
from voting.models import Contest
from voting.services import counting
from voting.voter import encrypt_choice

from ..home.utils import make_home
from ..voting.factories import make_ready_roll, make_user
from .factories import CouncilFactory

# Station "001" and "002" vote in the Centre, "003" in Les Prés; the roll spells them with zeros.
ROLL = [
    ("Dupont", "Marie", date(1980, 7, 14), "001", "49000"),
    ("Lefèvre", "Jean", date(1975, 1, 2), "002", "49000"),
    ("Martin", "Paul", date(2001, 5, 1), "003", "49100"),
    ("Petit", "Léa", date(2011, 9, 1), "003", "49100"),
]


def make_town():
    """Two councils with their polling stations and postcodes, a roll, and the votes section of the site."""
    home = make_home()
    centre = CouncilFactory(name="Centre", stations=["1", "2"], areas=[("49000", "")], population=1000)
    pres = CouncilFactory(name="Les Prés", stations=["3"], areas=[("49100", "")], population=400)
    index = ConsultationIndexPage(title="Votes et consultations", slug="votes")
    home.add_child(instance=index)
    index.save_revision().publish()
    open_section_to_election_officers(index)  # what the admin does when the section is created there
    return {"home": home, "index": index, "centre": centre, "pres": pres, "roll": make_ready_roll(ROLL)}


def trustees(count: int = 3):
    return [make_user(f"garant-{timezone.now().timestamp()}-{number}", is_staff=True) for number in range(count)]


def make_election(town, *, seats=(2, 1), applications_close_in=timedelta(days=1), opens_in=timedelta(days=2),
                  duration=timedelta(days=14), publish=True, **fields) -> ElectionPage:
    now = timezone.now()
    election = ElectionPage(
        title=fields.pop("title", "Élection des conseils 2027"),
        slug=fields.pop("slug", "elections-2027"),
        applications_close_at=now + applications_close_in,
        opens_at=now + opens_in,
        closes_at=now + opens_in + duration,
        proclaims_at=now + opens_in + duration + timedelta(hours=2),
        roll=town["roll"],
        threshold=2,
        council_seats=[
            ElectionCouncil(council=town["centre"], seats=seats[0]),
            ElectionCouncil(council=town["pres"], seats=seats[1]),
        ],
        trustees=[ElectionTrustee(name=f"Garant {n}", user=user) for n, user in enumerate(trustees())],
        **fields,
    )
    town["index"].add_child(instance=election)
    revision = election.save_revision()
    if publish:
        revision.publish()
    election.refresh_from_db()
    return election


def candidate(election, council, name, *, status=Candidate.Status.APPROVED, user=None) -> Candidate:
    return Candidate.objects.create(
        election=election, council=council, name=name, statement=f"{name} se présente.", status=status, user=user,
    )


def play_ceremonies(contests) -> dict[int, dict[int, TrusteeSecrets]]:
    """Play each contest's key ceremony as its trustees' devices would; their secrets by contest, then by index."""
    return {contest.pk: simulation.run_key_ceremony(contest) for contest in contests}


def encrypted(contest, option_ids) -> str:
    """The ballot a voter's device sends for this selection (canonical JSON), e.g. for ``consultations.cast``."""
    contest.refresh_from_db()
    ballot = encrypt_choice(contest.manifest, contest.manifest_hash, contest.public_key, option_ids)[0]
    return ballot.to_json()


def open_now(contests) -> None:
    Contest.objects.filter(pk__in=[c.pk for c in contests]).update(opens_at=timezone.now() - timedelta(minutes=1))


def close_now(contests) -> None:
    Contest.objects.filter(pk__in=[c.pk for c in contests]).update(closes_at=timezone.now() - timedelta(seconds=1))
    for contest in contests:
        contest.refresh_from_db()


def open_election(town, *, candidates=None, **kwargs):
    """An election whose two ballots are sealed by their trustees' key ceremony and open to voting.

    Returns (election, secrets): the trustees' secrets by contest, then by trustee index.
    """
    election = make_election(town, applications_close_in=timedelta(hours=1), opens_in=timedelta(hours=2), **kwargs)
    for council, name in candidates or [
        (town["centre"], "Alice Morel"), (town["centre"], "Bruno Roy"), (town["centre"], "Chloé Faure"),
        (town["pres"], "Denis Blanc"), (town["pres"], "Emma Noël"),
    ]:
        candidate(election, council, name)
    officer = make_user(f"officer-{election.pk}", is_staff=True)
    frozen = elections.seal_ballots(election=election, actor=officer)
    secrets = play_ceremonies(frozen)
    open_now(frozen)
    return election, secrets


def count_and_proclaim(contest, secrets, *, proclaim=True):
    """After the close: two trustees' devices decrypt the totals, the count runs, then (optionally) the proclamation."""
    contest.refresh_from_db()
    simulation.decrypt_as_trustees(contest, secrets[contest.pk], indices=[1, 2])
    counting.count_contest(contest=contest)
    if proclaim:
        counting.proclaim(contest=contest, actor=None, now=contest.proclaims_at + timedelta(minutes=1))


def make_consultation(town, *, questions=(("Faut-il un marché le dimanche ?", "Oui\nNon"),), councils=(),
                      eligibility=Contest.Eligibility.RESIDENTS, min_age=None, opens_in=timedelta(hours=1),
                      duration=timedelta(days=14), publish=True, **fields) -> ConsultationPage:
    now = timezone.now()
    page = ConsultationPage(
        title=fields.pop("title", "Consultation sur le marché"),
        slug=fields.pop("slug", "marche"),
        opens_at=now + opens_in,
        closes_at=now + opens_in + duration,
        proclaims_at=now + opens_in + duration + timedelta(hours=2),
        eligibility=eligibility,
        roll=town["roll"] if eligibility == Contest.Eligibility.ROLL else None,
        min_age=min_age,
        threshold=2,
        questions=[ConsultationQuestion(question=q, answers=a) for q, a in questions],
        trustees=[ConsultationTrustee(name=f"Garant {n}", user=user) for n, user in enumerate(trustees())],
        **fields,
    )
    town["index"].add_child(instance=page)
    page.councils.set(list(councils))
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page


def open_consultation(town, **kwargs):
    """A published consultation whose contests' key ceremonies are played and that is open; returns (page, secrets)."""
    page = make_consultation(town, **kwargs)
    contests = page.contests()
    secrets = play_ceremonies(contests)
    open_now(contests)
    return page, secrets
