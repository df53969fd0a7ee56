"""The demo département's consultation: issued by its site, open to the electors of its four towns.

Its roll is one départemental file (a few electors per town, each with their commune's INSEE
code), imported like a real one, so the commune check runs; the vote is sealed by the demo trustees
(their key files kept under PRIVATE_ROOT/demo-trustees/, as for the town's votes) and shown on a
page of every town's site and of the département's. Idempotent.

To try it from a town's site (e.g. http://brissac.localhost:8000/consultation-departementale/),
sign up, then give the card of the demo elector of that town: family name ``Loire``, born
01/04/1980, and the town's postcode (``POSTCODES``). Every town has such an elector at its polling
station 1 (stations are numbered per commune), so the station number alone matches four electors
and the form asks for more: the postcode tells them apart.
"""

import json
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from home.models import StandardPage
from territories.demo import DEPARTEMENT, TOWNS
from territories.models import Territory
from voting import simulation
from voting.models import Contest, Option, Trustee, VoterRoll
from voting.services.roll import import_roll

ROLL_NAME = "Liste électorale départementale (démo)"
TITLE = "Consultation départementale : les bus scolaires"
QUESTION = "Faut-il étendre la gratuité des bus scolaires aux lycéens de tout le département ?"
SLUG = "consultation-departementale"
DEMO_ELECTOR = ("Loire", "Camille", date(1980, 4, 1))
FAMILY_NAMES = ["Martin", "Bernard", "Petit", "Robert", "Richard", "Durand", "Leroy"]
GIVEN_NAMES = ["Léa", "Hugo", "Chloé", "Louis", "Emma", "Jules", "Inès"]
POSTCODES = {"49301": "49000", "49050": "49320", "49092": "49120", "49023": "49600"}
KEY_FILES = settings.PRIVATE_ROOT / "demo-trustees"
TRUSTEES = ("Présidence du Département", "Groupe d'opposition départemental")


def _roll(site) -> VoterRoll:
    roll = VoterRoll.objects.filter(name=ROLL_NAME).first()
    if roll:
        return roll
    lines = ["Code de la commune;Bureau de vote;Nom de naissance;Prénoms;Date de naissance;Code postal"]
    for code, _name, _epci, _host in TOWNS:
        family, given, born = DEMO_ELECTOR
        lines.append(f"{code};0001;{family};{given};{born:%d/%m/%Y};{POSTCODES[code]}")
        for number, (family, given) in enumerate(zip(FAMILY_NAMES, GIVEN_NAMES, strict=True)):
            born = date(1950 + 6 * number, 5, 20)
            lines.append(f"{code};000{1 + number % 2};{family};{given};{born:%d/%m/%Y};{POSTCODES[code]}")
    roll = VoterRoll.objects.create(name=ROLL_NAME, site=site)
    roll.source_file.save("liste-departementale.csv", ContentFile("\n".join(lines).encode()), save=True)
    return import_roll(roll=roll)


def _contest(site, roll) -> Contest:
    contest = Contest.objects.filter(title=TITLE, site=site).first()
    if contest:
        return contest
    now = timezone.now()
    contest = Contest.objects.create(
        title=TITLE, question=QUESTION, site=site, eligibility=Contest.Eligibility.ROLL, roll=roll, threshold=2,
        description="Le Département consulte les électeurs de toutes ses communes.",
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=13), proclaims_at=now + timedelta(days=14),
    )
    for position, label in enumerate(("Oui", "Non")):
        Option.objects.create(contest=contest, label=label, position=position)
    User = get_user_model()
    for number, name in enumerate(TRUSTEES, start=1):
        user, _created = User.objects.get_or_create(
            username=f"garant-dep{number}", defaults={"email": f"garant-dep{number}@parvis.localhost"})
        Trustee.objects.create(contest=contest, user=user, name=name)
    simulation.run_key_ceremony(contest, key_files=KEY_FILES)
    contest.refresh_from_db()
    return contest


def _page(home, contest) -> None:
    if home.get_children().filter(slug=SLUG).exists():
        return
    page = StandardPage(
        title=TITLE, slug=SLUG, show_in_menus=True,
        intro="Le Département de Maine-et-Loire consulte les électeurs de ses communes.",
        body=json.dumps([{"type": "ballot", "value": {
            "contest": contest.pk, "intro": "<p>Vote ouvert aux électeurs de toutes les communes du département.</p>"}}]),
    )
    home.add_child(instance=page)
    page.save_revision().publish()


@transaction.atomic
def load() -> Contest:
    """The départemental consultation, and its page on the département's and every town's site."""
    departement = Territory.objects.get(kind=Territory.Kind.DEPARTEMENT, code=DEPARTEMENT[0])
    contest = _contest(departement.site, _roll(departement.site))
    for territory in Territory.objects.filter(kind=Territory.Kind.COMMUNE, site__isnull=False).select_related("site"):
        _page(territory.site.root_page.specific, contest)
    _page(departement.site.root_page.specific, contest)
    return contest
