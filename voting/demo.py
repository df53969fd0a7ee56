"""Demo contests: an open consultation, and a past one counted and proclaimed.

Built through the same services officers and residents use. Trustees are
demo accounts; their key shares are written to PRIVATE_ROOT/demo-shares/ so
the demo can be counted later — a real contest never keeps them.
"""

import json
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import Contest, Option, Trustee
from .services import counting, setup
from .services.casting import cast_vote

TRUSTEES = ("Cabinet du maire", "Groupe d'opposition", "Secrétariat des élections")


def _trustee_users():
    User = get_user_model()
    users = []
    for number, name in enumerate(TRUSTEES, start=1):
        user, _created = User.objects.get_or_create(
            username=f"garant{number}", defaults={"email": f"garant{number}@parvis.localhost", "first_name": name}
        )
        users.append(user)
    return users


def _contest(title: str, question: str, options: list[str], opens_at, closes_at, proclaims_at) -> tuple[Contest, bool]:
    existing = Contest.objects.filter(title=title).first()
    if existing:
        return existing, False
    contest = Contest.objects.create(
        title=title, question=question, rule=Contest.Rule.SINGLE, eligibility=Contest.Eligibility.RESIDENTS,
        opens_at=opens_at, closes_at=closes_at, proclaims_at=proclaims_at, threshold=2,
    )
    for position, label in enumerate(options):
        Option.objects.create(contest=contest, label=label, position=position)
    for user, name in zip(_trustee_users(), TRUSTEES, strict=True):
        Trustee.objects.create(contest=contest, user=user, name=name)
    contest = setup.seal_contest(contest=contest)
    shares_dir = settings.PRIVATE_ROOT / "demo-shares"
    shares_dir.mkdir(parents=True, exist_ok=True)
    for trustee in contest.trustees.all():
        document = setup.download_share(trustee=trustee, user=trustee.user)
        (shares_dir / f"contest-{contest.pk}-trustee-{trustee.index}.json").write_text(json.dumps(document))
    contest.refresh_from_db()
    return contest, True


def load() -> dict[str, Contest]:
    """Return the demo's open and past consultations, creating them once."""
    now = timezone.now()
    current, _created = _contest(
        "Consultation : la place du marché",
        "Faut-il rendre la place du marché piétonne le samedi ?",
        ["Oui", "Non"],
        now - timedelta(days=3), now + timedelta(days=11), now + timedelta(days=11, hours=2),
    )
    past, created = _contest(
        "Consultation : les horaires de la médiathèque",
        "Quels horaires d'ouverture préférez-vous pour la médiathèque ?",
        ["Ouverture le dimanche matin", "Ouverture tardive le jeudi soir", "Horaires actuels"],
        now - timedelta(days=60), now - timedelta(days=45), now - timedelta(days=44),
    )
    if created:
        _play_past_contest(past)
    return {"current": current, "past": past}


def _play_past_contest(contest: Contest) -> None:
    """Cast a few demo votes in the past contest, close it, count and proclaim it."""
    User = get_user_model()
    options = list(contest.options.order_by("position").values_list("pk", flat=True))
    choices = [options[0]] * 7 + [options[1]] * 5 + [options[2]] * 3 + [None] * 2
    during = contest.opens_at + timedelta(days=1)
    for number, choice in enumerate(choices, start=1):
        voter, _created = User.objects.get_or_create(username=f"habitant-demo-{number}", defaults={"email": f"habitant{number}@parvis.localhost"})
        _verify_email(voter)
        cast_vote(contest=contest, user=voter, option_ids=[choice] if choice else [], now=during)
    shares_dir = settings.PRIVATE_ROOT / "demo-shares"
    for trustee in contest.trustees.order_by("index")[: contest.threshold]:
        document = (shares_dir / f"contest-{contest.pk}-trustee-{trustee.index}.json").read_text()
        counting.submit_share(trustee=trustee, user=trustee.user, share_document=document)
    counting.count_contest(contest=contest)
    counting.proclaim(contest=contest)


def _verify_email(user) -> None:
    from django.apps import apps

    if apps.is_installed("allauth.account"):
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
