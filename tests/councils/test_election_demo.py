"""The demo town has an election in progress, a consultation whose results are sealed and a past one, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from councils.models import Candidate, ConsultationPage, ElectionPage
from voting.models import Contest
from voting.phases import Phase

pytestmark = pytest.mark.django_db


def ours() -> int:
    """Contests of elections and consultations (other demo modules may add their own)."""
    return Contest.objects.filter(
        pk__in=[c.pk for page in [*ElectionPage.objects.all(), *ConsultationPage.objects.all()] for c in page.contests()]
    ).count()


def test_the_demo_votes_are_loaded_once_and_every_page_renders(client):
    call_command("load_demo", stdout=StringIO())
    counts = (ElectionPage.objects.count(), ConsultationPage.objects.count(), Candidate.objects.count(), ours())
    call_command("load_demo", stdout=StringIO())

    assert counts == (1, 2, 12, 6)
    assert (ElectionPage.objects.count(), ConsultationPage.objects.count(), Candidate.objects.count(), ours()) == counts
    election = ElectionPage.objects.get()
    assert [ballot.council.name for ballot in election.ballot_rows()] == ["Bords de Loire", "Centre-ville", "Les Tilleuls"]
    assert election.phase() is Phase.OPEN and all(c.ballots.exists() for c in election.contests())
    phases = {page.slug: page.phase() for page in ConsultationPage.objects.all()}
    assert phases == {"place-du-marche": Phase.COUNTED, "mediatheque": Phase.PROCLAIMED}
    for url in ["/consultations/", election.url, f"{election.url}resultats/", *(p.url for p in ConsultationPage.objects.all())]:
        assert client.get(url).status_code == 200, url
    past = client.get(ConsultationPage.objects.get(slug="mediatheque").url).content.decode()
    assert "results-table" in past and 'id="council-turnout"' in past
    sealed = client.get(ConsultationPage.objects.get(slug="place-du-marche").url).content.decode()
    assert "results-table" not in sealed
