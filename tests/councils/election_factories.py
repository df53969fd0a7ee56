"""Builders for election and consultation tests: a small town, its roll, pages, sealed and opened ballots."""

import json
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
from voting.models import Contest, Trustee
from voting.services import counting, setup

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


def download_shares(contests) -> dict[int, list[dict]]:
    shares = {}
    for contest in contests:
        shares[contest.pk] = [
            setup.download_share(trustee=trustee, user=trustee.user) for trustee in contest.trustees.order_by("index")
        ]
    return shares


def open_now(contests) -> None:
    Contest.objects.filter(pk__in=[c.pk for c in contests]).update(opens_at=timezone.now() - timedelta(minutes=1))


def close_now(contests) -> None:
    Contest.objects.filter(pk__in=[c.pk for c in contests]).update(closes_at=timezone.now() - timedelta(seconds=1))
    for contest in contests:
        contest.refresh_from_db()


def open_election(town, *, candidates=None, **kwargs):
    """An election whose two ballots are sealed, shares downloaded and voting open; returns (election, shares)."""
    election = make_election(town, applications_close_in=timedelta(hours=1), opens_in=timedelta(hours=2), **kwargs)
    for council, name in candidates or [
        (town["centre"], "Alice Morel"), (town["centre"], "Bruno Roy"), (town["centre"], "Chloé Faure"),
        (town["pres"], "Denis Blanc"), (town["pres"], "Emma Noël"),
    ]:
        candidate(election, council, name)
    officer = make_user(f"officer-{election.pk}", is_staff=True)
    sealed = elections.seal_ballots(election=election, actor=officer)
    shares = download_shares(sealed)
    open_now(sealed)
    return election, shares


def count_and_proclaim(contest, shares, *, proclaim=True):
    contest.refresh_from_db()
    for trustee, share in zip(Trustee.objects.filter(contest=contest).order_by("index")[:2], shares[contest.pk], strict=False):
        counting.submit_share(trustee=trustee, user=trustee.user, share_document=json.dumps(share))
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
    page = make_consultation(town, **kwargs)
    contests = page.contests()
    shares = download_shares(contests)
    open_now(contests)
    return page, shares

