"""Builders for ballot-engine tests: rolls, contests, sealed and opened contests."""

from datetime import date, timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from voting.models import Contest, Option, RollEntry, Trustee, VoterRoll
from voting.normalize import code_key, name_key
from voting import simulation
from voting.crypto.dkg import TrusteeSecrets

User = get_user_model()

ROLL_CSV = """nom;prenoms;date_naissance;bureau;code_postal;adresse
Dupont;Marie;14/07/1980;001;49000;3 rue des Lilas
Lefèvre;Jean Pierre;02/01/1975;001;49000;5 rue des Lilas
Nguyễn;Thi;30/11/1990;002;49100;1 place du Marché
Martin;Paul;01/05/2001;002;49100;8 avenue de la Gare
"""


def make_user(username: str, *, verified: bool = True, **fields):
    """A resident account; ``verified`` confirms its e-mail address (what makes a verified resident)."""
    user = User.objects.create_user(username=username, email=f"{username}@example.org", password="pw", **fields)
    if verified and apps.is_installed("allauth.account"):
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def make_roll(csv_text: str = ROLL_CSV, name: str = "Liste 2027", encoding: str = "utf-8") -> VoterRoll:
    roll = VoterRoll.objects.create(name=name)
    roll.source_file.save("liste.csv", ContentFile(csv_text.encode(encoding)), save=True)
    return roll


def make_ready_roll(entries=None) -> VoterRoll:
    """A roll already imported (without going through the CSV), for tests of later steps."""
    roll = VoterRoll.objects.create(name="Liste", status=VoterRoll.Status.READY, roll_hash="0" * 64)
    rows = entries or [
        ("Dupont", "Marie", date(1980, 7, 14), "001", "49000"),
        ("Lefèvre", "Jean", date(1975, 1, 2), "001", "49000"),
        ("Martin", "Paul", date(2001, 5, 1), "002", "49100"),
    ]
    RollEntry.objects.bulk_create(
        RollEntry(roll=roll, family_name=f, given_names=g, birth_date=b, polling_station=code_key(s), postcode=p,
                  match_name=name_key(f))
        for f, g, b, s, p in rows
    )
    return roll


def make_contest(*, rule=Contest.Rule.SINGLE, options=("Oui", "Non"), roll=None, trustees=3, threshold=2,
                 opens_in=timedelta(hours=1), duration=timedelta(days=14), **fields) -> Contest:
    now = timezone.now()
    eligibility = Contest.Eligibility.ROLL if roll else Contest.Eligibility.RESIDENTS
    contest = Contest.objects.create(
        title=fields.pop("title", "Consultation"),
        question=fields.pop("question", "Faut-il piétonniser la place du marché ?"),
        rule=rule, roll=roll, eligibility=eligibility, threshold=threshold,
        opens_at=now + opens_in, closes_at=now + opens_in + duration,
        proclaims_at=now + opens_in + duration + timedelta(hours=2), **fields,
    )
    for position, label in enumerate(options):
        cost = None
        if isinstance(label, tuple):
            label, cost = label
        Option.objects.create(contest=contest, label=label, position=position, cost=cost)
    for number in range(trustees):
        Trustee.objects.create(contest=contest, user=make_user(f"trustee{contest.pk}-{number}"), name=f"Garant {number}")
    return contest


def sealed(contest: Contest) -> tuple[Contest, dict[int, TrusteeSecrets]]:
    """Run the contest's key ceremony as its trustees' devices would; return it sealed, and their secrets by index."""
    secrets = simulation.run_key_ceremony(contest)
    contest.refresh_from_db()
    return contest, secrets


def open_contest(**kwargs) -> tuple[Contest, dict[int, TrusteeSecrets]]:
    """A sealed contest that opened a minute ago."""
    contest, secrets = sealed(make_contest(opens_in=timedelta(hours=1), **kwargs))
    Contest.objects.filter(pk=contest.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
    contest.refresh_from_db()
    return contest, secrets


def vote(contest: Contest, user, option_ids, now=None) -> str:
    """Vote as the resident's device does: encrypt the selection, then cast it. Returns the tracker."""
    return simulation.cast_as_device(contest=contest, user=user, option_ids=option_ids, now=now)


def decrypt(contest: Contest, secrets: dict[int, TrusteeSecrets], indices=None, now=None) -> Contest:
    """After the close, trustees (default: the first k) decrypt the totals on their devices."""
    simulation.decrypt_as_trustees(contest, secrets, indices=indices, now=now)
    contest.refresh_from_db()
    return contest


def close(contest: Contest) -> Contest:
    Contest.objects.filter(pk=contest.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    contest.refresh_from_db()
    return contest


def option_ids(contest: Contest) -> dict[str, int]:
    return {o.label: o.pk for o in contest.options.all()}




