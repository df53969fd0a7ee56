"""Demo content: an election in progress, a consultation whose results are sealed, a past one with results.

Built through the same services officers and residents use, on the demo
councils of ``councils.demo``. Idempotent: pages are looked up by slug, the
roll by name, accounts by username; a page that exists is left as it is.
Trustees are demo accounts; the loader plays their key ceremony and writes
their key files to PRIVATE_ROOT/demo-trustees/ (passphrase
``voting.simulation.DEMO_PASSPHRASE``) so the demo can be counted; on a real
vote key files exist only on the trustees' own devices.

To try the election, sign up, then give the card of a demo voter:
DUPONT, born 14/07/1980, polling station 1 (Centre-ville).
"""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from accounts.models import Profile
from home.demo import PALETTE, TOWN, _child, demo_home, placeholder_image
from voting.models import Contest, PaperResult, RollEntry, VoterRoll
from voting import simulation
from voting.services import counting, paper
from voting.services.roll import import_roll, prove_roll_membership

from ..models import Council
from . import elections
from .models import (
    Candidate,
    ConsultationIndexPage,
    ConsultationPage,
    ConsultationQuestion,
    ConsultationTrustee,
    ElectionCouncil,
    ElectionPage,
    ElectionTrustee,
)
from .permissions import open_section_to_election_officers

POPULATION = {"centre-ville": 4200, "les-tilleuls": 3100, "bords-de-loire": 2800, "la-croix-verte": 1900}
STATIONS = {"centre-ville": ["1", "2"], "les-tilleuls": ["3"], "bords-de-loire": ["4", "5"], "la-croix-verte": ["6"]}
POSTCODES = {"1": "49000", "2": "49000", "3": "49000", "4": "49100", "5": "49100", "6": "49130"}
FAMILY_NAMES = ["Dupont", "Bernard", "Thomas", "Robert", "Richard", "Durand", "Moreau", "Laurent"]
GIVEN_NAMES = ["Marie", "Jean", "Nathalie", "Pierre", "Isabelle", "Michel", "Sandrine", "Philippe"]
ROLL_NAME = "Liste électorale 2027 (démo)"
TRUSTEES = ("Cabinet du maire", "Groupe d'opposition", "Secrétariat des élections")
CANDIDATES = {
    "centre-ville": ["Hélène Caron", "Mathieu Lemoine", "Sarah Benaïssa", "Antoine Vidal"],
    "les-tilleuls": ["Fatou Ndiaye", "Julien Mercier", "Camille Roussel", "Olivier Marchand"],
    "bords-de-loire": ["Nadia Cherif", "Lucas Gautier", "Élise Fournier", "Hugo Perrot"],
}
STATEMENTS = [
    "Habitante du quartier depuis vingt ans, je veux des rues plus sûres pour les enfants.",
    "Commerçant, je souhaite faire vivre nos places le soir et le week-end.",
    "Je porte le projet d'un jardin partagé et d'un composteur collectif.",
    "Cycliste du quotidien : des pistes continues et des abris vélos.",
]


def _roll() -> VoterRoll:
    """A demo electoral list: eight voters per polling station, imported like a real one (all or nothing)."""
    roll = VoterRoll.objects.filter(name=ROLL_NAME).first()
    if roll:
        return roll
    lines = ["nom;prenoms;date_naissance;bureau;code_postal"]
    for station, postcode in POSTCODES.items():
        for number, (family, given) in enumerate(zip(FAMILY_NAMES, GIVEN_NAMES, strict=True)):
            born = date(1950 + 7 * number, 1 + int(station), 14)
            if (family, station) == ("Dupont", "1"):
                born = date(1980, 7, 14)
            lines.append(f"{family};{given};{born:%d/%m/%Y};{int(station):03d};{postcode}")
    roll = VoterRoll.objects.create(name=ROLL_NAME, site=Site.objects.filter(is_default_site=True).first())
    roll.source_file.save("demo-liste.csv", ContentFile("\n".join(lines).encode()), save=True)
    return import_roll(roll=roll)


def _trustee_users():
    User = get_user_model()
    users = []
    for number, name in enumerate(TRUSTEES, start=1):
        user, _created = User.objects.get_or_create(
            username=f"garant{number}", defaults={"email": f"garant{number}@parvis.localhost", "first_name": name}
        )
        users.append(user)
    return users


def _resident(username: str, council: Council):
    """A demo resident with a confirmed address, living in this council."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@parvis.localhost"})
    if created:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        Profile.objects.update_or_create(user=user, defaults={"council": council, "birth_year": 1970 + len(username) % 30})
    return user


KEY_FILES = settings.PRIVATE_ROOT / "demo-trustees"


def _make_keys(contests) -> None:
    for contest in contests:
        simulation.run_key_ceremony(contest, key_files=KEY_FILES)


def _count(contest: Contest) -> None:
    contest.refresh_from_db()
    simulation.decrypt_as_trustees(contest, simulation.load_secrets(contest, KEY_FILES))
    counting.count_contest(contest=contest)


def _election(index: ConsultationIndexPage, roll: VoterRoll, councils: dict[str, Council], candidates=None) -> ElectionPage:
    """Three councils, four candidates each (or ``candidates``: {council slug: [(name, statement)]}),
    voting open for eleven more days, a few votes already in."""
    candidates = candidates or {slug: list(zip(names, STATEMENTS, strict=True)) for slug, names in CANDIDATES.items()}
    existing = index.get_children().filter(slug="elections-conseils-2027").first()
    if existing:
        return existing.specific
    now = timezone.now()
    election = ElectionPage(
        title="Élection des conseils de quartier 2027",
        slug="elections-conseils-2027",
        intro="<p>Élisez les habitants qui porteront la voix de votre quartier pendant trois ans. "
              "Vote en ligne pendant deux semaines, ou au bureau de vote le jour du scrutin papier.</p>",
        applications_close_at=now - timedelta(days=10),
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=11),
        proclaims_at=now + timedelta(days=12),
        roll=roll,
        threshold=2,
        council_seats=[ElectionCouncil(council=councils[slug], seats=3) for slug in candidates],
        trustees=[ElectionTrustee(name=name, user=user) for name, user in zip(TRUSTEES, _trustee_users(), strict=True)],
    )
    index.add_child(instance=election)
    election.save_revision().publish()
    for number, (slug, entries) in enumerate(candidates.items()):
        colour = PALETTE[number % len(PALETTE)]
        for name, statement in entries:
            candidate = Candidate.objects.create(
                election=election, council=councils[slug], name=name, statement=statement,
                photo=placeholder_image(name, colour, size=(400, 400)), status=Candidate.Status.PENDING,
            )
            elections.review(candidate=candidate, actor=None, approve=True)
    sealed = elections.seal_ballots(election=election, actor=None)
    _make_keys(sealed)
    during = now - timedelta(days=2)
    for ballot in election.ballot_rows():
        options = list(ballot.contest.options.order_by("position").values_list("pk", flat=True))
        entries = RollEntry.objects.filter(roll=roll, polling_station__in=ballot.contest.polling_stations)
        for number, entry in enumerate(entries.exclude(family_name="Dupont")[:4]):
            voter = _resident(f"electeur-{entry.pk}", ballot.council)
            prove_roll_membership(contest=ballot.contest, user=voter, family_name=entry.family_name,
                                  birth_date=entry.birth_date, place=entry.polling_station)
            simulation.cast_as_device(contest=Contest.objects.get(pk=ballot.contest_id), user=voter, option_ids=options[number % 3: number % 3 + 2], now=during)
    return election


def _consultation(index, slug: str, *, title: str, intro: str, questions, days: tuple[int, int, int],
                  eligibility=Contest.Eligibility.RESIDENTS, roll=None, councils=(), min_age=None):
    """A consultation page, published, its key made by its (demo) trustees, their key files kept for counting."""
    now = timezone.now()
    opens, closes, proclaims = (now + timedelta(days=offset) for offset in days)
    page = ConsultationPage(
        title=title, slug=slug, intro=intro, opens_at=opens, closes_at=closes, proclaims_at=proclaims,
        eligibility=eligibility, roll=roll, min_age=min_age, threshold=2,
        questions=[ConsultationQuestion(question=question, answers="\n".join(answers)) for question, answers in questions],
        trustees=[ConsultationTrustee(name=name, user=user) for name, user in zip(TRUSTEES, _trustee_users(), strict=True)],
    )
    index.add_child(instance=page)
    page.councils.set(list(councils))
    page.save_revision().publish()
    page.refresh_from_db()
    _make_keys(page.contests())
    return page


def _sealed_consultation(index, councils) -> ConsultationPage:
    """Voting is over, the count is done, and the results stay sealed until the proclamation in three days."""
    existing = index.get_children().filter(slug="place-du-marche").first()
    if existing:
        return existing.specific
    page = _consultation(
        index, "place-du-marche",
        title="Consultation : la place du marché",
        intro="<p>La place du marché deviendrait piétonne le samedi de 8 h à 14 h. Votre avis compte.</p>",
        questions=[("Faut-il rendre la place du marché piétonne le samedi matin ?", ["Oui", "Non"])],
        days=(-20, -6, 3), min_age=16,
    )
    contest = page.contests()[0]
    options = list(contest.options.order_by("position").values_list("pk", flat=True))
    during = contest.opens_at + timedelta(days=1)
    for number, slug in enumerate(["centre-ville", "centre-ville", "les-tilleuls", "bords-de-loire", "la-croix-verte"] * 2):
        voter = _resident(f"habitant-marche-{number}", councils[slug])
        simulation.cast_as_device(contest=contest, user=voter, option_ids=[options[number % 3 == 0]], now=during)
    _count(contest)
    return page


def _past_consultation(index, roll, councils) -> ConsultationPage:
    """Two questions put to the roll of two councils, with paper votes, counted and proclaimed."""
    existing = index.get_children().filter(slug="mediatheque").first()
    if existing:
        return existing.specific
    page = _consultation(
        index, "mediatheque",
        title="Consultation : la médiathèque",
        intro="<p>Horaires et nouveaux services de la médiathèque : les habitants du centre et des Tilleuls ont choisi.</p>",
        questions=[
            ("Quels horaires d'ouverture préférez-vous ?",
             ["Ouverture le dimanche matin", "Ouverture tardive le jeudi soir", "Horaires actuels"]),
            ("Quel nouveau service souhaitez-vous ?", ["Prêt de jeux de société", "Atelier numérique", "Grainothèque"]),
        ],
        days=(-60, -45, -44), eligibility=Contest.Eligibility.ROLL, roll=roll,
        councils=[councils["centre-ville"], councils["les-tilleuls"]],
    )
    contests = page.contests()
    entries = list(RollEntry.objects.filter(roll=roll, polling_station__in=contests[0].polling_stations))
    # Every third voter votes online, from every station; four others of stations 2 and 3 on paper.
    online = entries[0::3]
    on_paper = [entry for number, entry in enumerate(entries) if number % 3 == 1 and entry.polling_station != "001"][:4]
    for number, entry in enumerate(online):
        voter = _resident(f"lecteur-{entry.pk}", councils["centre-ville" if entry.polling_station != "003" else "les-tilleuls"])
        for contest in contests:
            options = list(contest.options.order_by("position").values_list("pk", flat=True))
            prove_roll_membership(contest=contest, user=voter, family_name=entry.family_name,
                                  birth_date=entry.birth_date, place=entry.polling_station)
            simulation.cast_as_device(contest=contest, user=voter, option_ids=[options[number % len(options)]],
                                      now=contest.opens_at + timedelta(days=2))
    for contest in contests:
        options = list(contest.options.order_by("position").values_list("pk", flat=True))
        for entry in on_paper:
            paper.record_paper_voter(contest=contest, roll_entry=entry, actor=None)
        for station in paper.stations(contest):
            voters = sum(1 for entry in on_paper if entry.polling_station == station)
            if voters and not PaperResult.objects.filter(contest=contest, polling_station=station).exists():
                paper.record_paper_result(contest=contest, station=station, counts={options[0]: voters},
                                          blank=0, invalid=0, actor=None)
        _count(contest)
        counting.proclaim(contest=contest)
    return page


@transaction.atomic
def load(*, candidates=None) -> ConsultationIndexPage:
    """The votes section of the demo town: an election in progress and two consultations; return the index.

    ``candidates`` ({council slug: [(name, statement)]}) replaces the election's three councils of four.
    """
    home = demo_home()
    index = _child(
        home, ConsultationIndexPage, "consultations", title="Votes et consultations", show_in_menus=True,
        intro=f"<p>Élections des conseils de quartier et consultations des habitants de {TOWN}. "
              "Le vote est secret et vérifiable ; les résultats restent scellés jusqu'à leur proclamation.</p>",
    )
    open_section_to_election_officers(index)
    councils = {council.slug: council for council in Council.objects.all()}
    for slug, population in POPULATION.items():
        Council.objects.filter(slug=slug, population__isnull=True).update(population=population)
    roll = _roll()
    _election(index, roll, councils, candidates)
    _sealed_consultation(index, councils)
    _past_consultation(index, roll, councils)
    return index
