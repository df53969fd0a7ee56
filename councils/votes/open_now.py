"""The elections and consultations open now on some sites, for residents' home pages (``home.open_now``)."""

from django.db.models import Exists, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.models import Page

from home.open_now import not_restricted, within

from .models import ConsultationBallot, ElectionBallot


def _open_ballots(model, page_field: str, now):
    """The model's ballots of the outer page whose sealed contest takes votes at ``now``."""
    return model.objects.filter(**{page_field: OuterRef("pk")}, contest__sealed_at__isnull=False,
                                contest__opens_at__lte=now, contest__closes_at__gt=now)


def open_votes_on_sites(sites, *, now=None, limit: int = 12) -> list:
    """Live, public election and consultation pages of these sites with a ballot open now, soonest closing first.

    One query for both page types: each page comes with ``closes_at`` (its open ballots' soonest
    closing) and ``is_consultation``.
    """
    now = now or timezone.now()
    consultation = _open_ballots(ConsultationBallot, "consultation", now)
    election = _open_ballots(ElectionBallot, "election", now)
    closing = Coalesce(
        Subquery(consultation.values("consultation").annotate(closes=Min("contest__closes_at")).values("closes")[:1]),
        Subquery(election.values("election").annotate(closes=Min("contest__closes_at")).values("closes")[:1]),
    )
    pages = (Page.objects.live().filter(within(sites), not_restricted())
             .filter(Q(Exists(consultation)) | Q(Exists(election)))
             .annotate(closes_at=closing, is_consultation=Exists(consultation))
             .order_by("closes_at", "title"))
    return list(pages[:limit])

