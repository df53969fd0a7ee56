"""Demo content: the demo election's kit template and every demo candidate's kit, rendered.

Runs after ``councils.votes.demo`` (which approves the candidates). So that
the ambassador page can be tried, the first demo candidate, who applied on
paper, gets a demo account: ``helene.caron@parvis.localhost`` (set its
password with ``manage.py changepassword candidate-demo``). Idempotent: the
template is created once and kits are only rendered when they changed.
"""

from django.contrib.auth import get_user_model

from home.models import TutorialPage

from ..votes.models import Candidate, ElectionPage
from . import services
from .models import KitTemplate

ELECTION_SLUG = "elections-conseils-2027"
DEMO_CANDIDATE = "Hélène Caron"
DEMO_USERNAME = "candidate-demo"


def _candidate_account(election: ElectionPage):
    candidate = Candidate.objects.filter(election=election, name=DEMO_CANDIDATE).first()
    if candidate is None or candidate.user_id:
        return
    from allauth.account.models import EmailAddress

    email = "helene.caron@parvis.localhost"
    user, _created = get_user_model().objects.get_or_create(username=DEMO_USERNAME, defaults={"email": email})
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    Candidate.objects.filter(pk=candidate.pk).update(user=user)


def load() -> list:
    """The demo election's kit template, a demo candidate's account and the kits; return the kits."""
    election = ElectionPage.objects.filter(slug=ELECTION_SLUG).first()
    if election is None:
        return []
    KitTemplate.objects.get_or_create(
        election=election,
        defaults={
            "tutorial": TutorialPage.objects.filter(slug="voter-en-ligne-en-4-minutes").first(),
            "flyer_text": "Le vote en ligne est secret et vérifiable. Le bureau de vote reste ouvert le jour du scrutin.",
        },
    )
    _candidate_account(election)
    return services.render_election(election=election)
