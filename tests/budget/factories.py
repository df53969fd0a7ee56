"""Builders for budget tests: an edition in a given phase, ideas, the clock moved between phases."""

import io
import json
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from budget.models import BudgetPage, BudgetTrustee, EligibilityCriterion, Idea, IdeaRevision
from budget.phases import PHASE_STARTS, Phase
from budget.services import finalist_contest
from voting.models import Contest

from ..voting.factories import decrypt, make_user, sealed, vote

PHASE_LENGTH = timedelta(days=10)
CRITERIA = ("Relève des compétences de la commune", "Sert l'intérêt général")
BODY = [
    {"type": "timeline", "value": {"budget": None, "heading": ""}},
    {"type": "idea_submission", "value": {"budget": None, "heading": "", "guidance": "<p>Soyez concrets.</p>"}},
    {"type": "finalist_vote", "value": {"budget": None, "intro": ""}},
    {"type": "budget_results", "value": {"budget": None, "heading": ""}},
    {"type": "idea_gallery", "value": {"budget": None, "heading": "", "per_page": 24}},
    {"type": "statistics", "value": {"budget": None, "heading": ""}},
]


def dates_for(phase: Phase, now=None) -> dict:
    """Phase dates, ten days apart, such that ``phase`` started a day before ``now``."""
    now = now or timezone.now()
    fields = [field for _phase, field in PHASE_STARTS]
    if phase == Phase.UPCOMING:
        first = now + timedelta(days=1)
    else:
        index = [p for p, _field in PHASE_STARTS].index(phase)
        first = now - timedelta(days=1) - index * PHASE_LENGTH
    return {field: first + number * PHASE_LENGTH for number, field in enumerate(fields)}


def make_budget(home, *, phase=Phase.IDEAS, slug="budget-2027", trustees=3, criteria=CRITERIA, body=BODY, **fields) -> BudgetPage:
    """A published edition under ``home``, in ``phase``, with criteria, trustees and every budget block."""
    fields.setdefault("title", "Budget participatif 2027")
    fields.setdefault("envelope", 20_000)
    fields.setdefault("population", 8_000)
    budget = BudgetPage(slug=slug, body=json.dumps(body), **dates_for(phase), **fields)
    for text in criteria:
        budget.criteria.add(EligibilityCriterion(text=text))
    for number in range(trustees):
        budget.trustees.add(BudgetTrustee(user=make_user(f"garant-{slug}-{number}"), name=f"Garant {number}"))
    home.add_child(instance=budget)
    budget.save_revision().publish()
    return BudgetPage.objects.get(pk=budget.pk)


def make_idea(budget, *, author=None, status=Idea.Status.SUBMITTED, **fields) -> Idea:
    fields.setdefault("title", "Des bancs le long du canal")
    fields.setdefault("description", "Pour se reposer pendant la promenade.")
    fields.setdefault("cost", 4_000)
    idea = Idea.objects.create(budget=budget, author=author, status=status, **fields)
    IdeaRevision.objects.create(idea=idea, kind=IdeaRevision.Kind.SUBMITTED, editor=author,
                                snapshot={"title": idea.title, "description": idea.description, "cost": idea.cost})
    return idea


def move_to(budget: BudgetPage, phase: Phase) -> BudgetPage:
    """Move the clock: set the edition's (and its contest's) dates so ``phase`` is current."""
    dates = dates_for(phase)
    BudgetPage.objects.filter(pk=budget.pk).update(**dates)
    contest = finalist_contest(budget)
    if contest is not None:
        Contest.objects.filter(pk=contest.pk).update(
            opens_at=dates["vote_opens_at"], closes_at=dates["vote_closes_at"], proclaims_at=dates["results_at"]
        )
    return BudgetPage.objects.get(pk=budget.pk)


def png_upload(name="photo.png", size=(64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "#336699").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


IDEA_DATA = {
    "title": "Un jardin partagé", "description": "Des bacs à légumes près de l'école.", "council": None,
    "location": "Rue des Tilleuls", "category": Idea.Category.ENVIRONMENT, "cost": 3_000,
}


def option_for(contest: Contest, idea: Idea) -> int:
    from voting.models import Option

    return Option.objects.get(contest=contest, reference=str(idea.pk)).pk


def select(budget: BudgetPage, finalists, *, seal: bool = True) -> Contest:
    """In the review phase: make these (eligible) ideas the finalists; return the contest.

    ``seal`` also plays the trustees' key ceremony on their devices, so the
    contest comes back sealed; without it, the contest is only frozen, as
    ``select_finalists`` leaves it until the trustees are done.
    """
    from budget.services import select_finalists

    budget = move_to(budget, Phase.REVIEW)
    for idea in finalists:
        Idea.objects.filter(pk=idea.pk).update(status=Idea.Status.ELIGIBLE)
    contest = select_finalists(budget=budget, ideas=finalists, actor=None)
    if seal:
        contest, _secrets = sealed(contest)
    return contest


def play_vote(budget: BudgetPage, finalists, ballots) -> Contest:
    """A whole finalist vote: selection, the trustees' key ceremony, ``ballots`` (lists of ideas) cast
    from the voters' devices, close, the trustees' devices decrypt the totals, count, proclamation."""
    from voting.services import counting

    contest, secrets = sealed(select(budget, finalists, seal=False))
    move_to(budget, Phase.VOTE)
    contest.refresh_from_db()
    for number, chosen in enumerate(ballots):
        voter = make_user(f"votant-{contest.pk}-{number}")
        vote(contest, voter, [option_for(contest, idea) for idea in chosen])
    move_to(budget, Phase.COUNTING)
    contest.refresh_from_db()
    decrypt(contest, secrets)
    counting.count_contest(contest=contest)
    move_to(budget, Phase.RESULTS)
    contest.refresh_from_db()
    counting.proclaim(contest=contest)
    return contest
