"""The participatory budget's rules, as plain functions called by views, blocks, admin and tasks.

Every function takes keyword-only arguments and, where time matters, a
``now`` (default: the current time), so phase boundaries are testable
exactly. Refusals raise :mod:`budget.exceptions` errors whose messages are
shown as they are; whenever one is raised nothing has been saved.

The finalist vote is a contest of the ballot engine (``voting``), created
and sealed here through its models and services: one option per finalist,
``Option.reference`` holding the idea's id.
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from accounts.models import Profile
from home.images import UnusableImage, check_uploaded_image
from accounts.notifications import (
    IDEA_REVIEWED, RESULTS_PUBLISHED, TOPIC_IDEAS_OPENED, TOPIC_RESULTS, TOPIC_VOTE_OPENED, VOTE_OPENED, Message, notify,
)
from voting.exceptions import VotingError
from voting.models import Contest, Option, Participation, Trustee
from voting.phases import Phase as ContestPhase
from voting.phases import contest_phase
from voting.notify import tell_trustees
from voting.services import ceremony, counting
from voting.services.eligibility import is_verified_resident

from .exceptions import BudgetError, InvalidData, NotAllowed, NotEligible, PhaseClosed
from .models import BudgetPage, FinalistVote, Idea, IdeaRevision, PhaseAnnouncement
from .phases import Phase, budget_phase

GALLERY_RENDITION = "fill-480x270"
REVIEWABLE = (Idea.Status.SUBMITTED, Idea.Status.ELIGIBLE, Idea.Status.NOT_ELIGIBLE)
SNAPSHOT_FIELDS = ("title", "description", "council", "location", "cost", "category")


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _full_url(budget: BudgetPage, subpage: str = "", args=()) -> str:
    base = budget.get_full_url() or ""
    return base + (budget.reverse_subpage(subpage, args=args) if subpage else "")


# --- Ideas: submission and edits -------------------------------------------------------------

def envelope_for(*, budget: BudgetPage, council=None) -> int:
    """The most an idea may cost: its council's envelope when the edition caps one, else the whole envelope."""
    if council is not None:
        amount = budget.council_envelopes.filter(council=council).values_list("amount", flat=True).first()
        if amount is not None:
            return amount
    return budget.envelope


def validate_image(upload) -> None:
    """Refuse anything but a JPEG, PNG or WebP photo within the size limits, before anything is stored."""
    try:
        check_uploaded_image(upload)
    except UnusableImage as error:
        raise InvalidData({"image": error.message}) from None


def clean_idea_data(*, budget: BudgetPage, data: dict) -> dict:
    """The idea's fields, checked against the edition's rules (cost within the envelope…)."""
    title = (data.get("title") or "").strip()
    description = (data.get("description") or "").strip()
    council = data.get("council")
    category = data.get("category") or Idea.Category.OTHER
    cost = data.get("cost")
    errors = {}
    if not title:
        errors["title"] = _("Give your idea a title.")
    if not description:
        errors["description"] = _("Describe your idea.")
    if category not in Idea.Category.values:
        errors["category"] = _("Choose a category from the list.")
    if cost is None:
        errors["cost"] = _("Give an estimate of the cost, in euros.")
    elif cost < 0:
        errors["cost"] = _("The cost cannot be negative.")
    else:
        ceiling = envelope_for(budget=budget, council=council)
        if cost > ceiling:
            errors["cost"] = _(
                "The cost (%(cost)s EUR) is above the envelope of %(envelope)s EUR: no project can cost more."
            ) % {"cost": cost, "envelope": ceiling}
    if errors:
        raise InvalidData(errors)
    return {
        "title": title, "description": description, "council": council,
        "location": (data.get("location") or "").strip(), "cost": cost, "category": category,
    }


@dataclass(frozen=True, slots=True)
class SubmissionStatus:
    """What the submission block should offer this visitor now; templates read only these flags."""

    phase: Phase
    is_open: bool = False
    needs_login: bool = False
    needs_confirmed_email: bool = False
    can_submit: bool = False


def submission_status(*, budget: BudgetPage, user, now=None) -> SubmissionStatus:
    phase = budget_phase(budget, now)
    if phase is not Phase.IDEAS:
        return SubmissionStatus(phase=phase)
    if not (user and user.is_authenticated):
        return SubmissionStatus(phase=phase, is_open=True, needs_login=True)
    if not is_verified_resident(user):
        return SubmissionStatus(phase=phase, is_open=True, needs_confirmed_email=True)
    return SubmissionStatus(phase=phase, is_open=True, can_submit=True)


def _check_ideas_open(budget: BudgetPage, now) -> None:
    if budget_phase(budget, now) is not Phase.IDEAS:
        raise PhaseClosed(_("Ideas can be submitted or changed only during the ideas phase (%(start)s to %(end)s). Nothing was saved.")
                          % {"start": _when(budget.ideas_open_at), "end": _when(budget.review_starts_at)})


def _store_image(upload, *, title: str, description: str, user):
    from django.core.files.images import ImageFile

    image = get_image_model()(title=title[:255], description=description[:255], uploaded_by_user=user)
    image.file = ImageFile(upload, name=upload.name)
    image.save()
    return image


def _record_revision(idea: Idea, *, kind: str, editor, note: str = "", now=None) -> IdeaRevision:
    snapshot = {name: getattr(idea, name) for name in SNAPSHOT_FIELDS}
    snapshot["council"] = idea.council.name if idea.council_id else None
    return IdeaRevision.objects.create(idea=idea, kind=kind, editor=editor, note=note, snapshot=snapshot,
                                       created_at=now or timezone.now())


def submit_idea(*, budget: BudgetPage, author, data: dict, image=None, image_description: str = "", now=None) -> Idea:
    """A verified resident proposes an idea during the ideas phase; returns it, with its first revision."""
    now = now or timezone.now()
    _check_ideas_open(budget, now)
    if not is_verified_resident(author):
        raise NotEligible(_("Log in with a confirmed e-mail address to propose an idea."))
    fields = clean_idea_data(budget=budget, data=data)
    if image is not None:
        validate_image(image)
    with transaction.atomic():
        idea = Idea(budget=budget, author=author, submitted_at=now, **fields)
        if image is not None:
            idea.image = _store_image(image, title=fields["title"], description=image_description or fields["title"], user=author)
        idea.save()
        _record_revision(idea, kind=IdeaRevision.Kind.SUBMITTED, editor=author, now=now)
    return idea


def may_edit(*, idea: Idea, user, now=None) -> bool:
    """Authors may change their idea until the review starts, while nobody has reviewed or hidden it."""
    return bool(
        user and user.is_authenticated and idea.author_id == user.pk and idea.status == Idea.Status.SUBMITTED
        and not idea.is_hidden and budget_phase(idea.budget, now) is Phase.IDEAS
    )


def edit_idea(*, idea: Idea, author, data: dict, image=None, image_description: str = "", now=None) -> Idea:
    """The author changes their idea before the review starts; the previous text stays in the history."""
    now = now or timezone.now()
    if not (author and idea.author_id == author.pk):
        raise NotAllowed(_("Only the author of an idea can change it."))
    _check_ideas_open(idea.budget, now)
    if idea.is_hidden or idea.status != Idea.Status.SUBMITTED:
        raise NotAllowed(_("This idea can no longer be changed."))
    fields = clean_idea_data(budget=idea.budget, data=data)
    if image is not None:
        validate_image(image)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(idea, name, value)
        if image is not None:
            idea.image = _store_image(image, title=fields["title"], description=image_description or fields["title"], user=author)
        idea.save()
        _record_revision(idea, kind=IdeaRevision.Kind.EDITED, editor=author, now=now)
    return idea


def rewrite_idea(*, idea: Idea, editor, data: dict, author_agreed: bool, note: str = "", now=None) -> Idea:
    """The steering committee rewrites an idea (merging duplicates, fixing a cost) with its author's agreement.

    Refused once the idea is a finalist: its label and cost are frozen in the vote.
    """
    if not author_agreed:
        raise InvalidData({"author_agreed": _("Rewrite an idea only with its author's agreement, and tick the box to say so.")})
    if idea.status not in REVIEWABLE:
        raise NotAllowed(_("A finalist's text is frozen with the vote and can no longer be rewritten."))
    fields = clean_idea_data(budget=idea.budget, data=data)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(idea, name, value)
        idea.save()
        _record_revision(idea, kind=IdeaRevision.Kind.REWRITTEN, editor=editor, note=note.strip(), now=now)
    return idea


# --- Review, moderation, finalists -----------------------------------------------------------

def review_idea(*, idea: Idea, reviewer, eligible: bool, reason: str = "", checklist: dict, now=None) -> Idea:
    """The steering committee's verdict, criterion by criterion; the author is told (if they opted in).

    ``checklist`` maps each criterion's id to whether the idea meets it. An
    idea is eligible only if it meets every criterion; a refusal needs a
    reason, which the author and the public see.
    """
    now = now or timezone.now()
    budget = idea.budget
    if budget_phase(budget, now) is not Phase.REVIEW:
        raise PhaseClosed(_("Ideas are reviewed during the review phase (%(start)s to %(end)s).")
                          % {"start": _when(budget.review_starts_at), "end": _when(budget.vote_opens_at)})
    if idea.status not in REVIEWABLE or FinalistVote.objects.filter(budget=budget).exists():
        raise NotAllowed(_("The finalists are selected: reviews are closed."))
    checks = [{"criterion": criterion.text, "met": bool(checklist.get(criterion.pk))} for criterion in budget.criteria.all()]
    reason = (reason or "").strip()
    errors = {}
    if eligible and not all(check["met"] for check in checks):
        errors["checklist"] = _("An idea is eligible only if it meets every criterion. Tick them all, or declare it not eligible with a reason.")
    if not eligible and not reason:
        errors["reason"] = _("Tell the author why the idea is not eligible.")
    if errors:
        raise InvalidData(errors)
    with transaction.atomic():
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        if locked.status not in REVIEWABLE:
            raise NotAllowed(_("The finalists are selected: reviews are closed."))
        idea.status = Idea.Status.ELIGIBLE if eligible else Idea.Status.NOT_ELIGIBLE
        idea.review_reason, idea.checklist, idea.reviewed_at, idea.reviewed_by = reason, checks, now, reviewer
        idea.save(update_fields=["status", "review_reason", "checklist", "reviewed_at", "reviewed_by", "updated_at"])
        transaction.on_commit(lambda: notify_idea_reviewed(idea=idea))
    return idea


def hide_idea(*, idea: Idea, moderator, reason: str, now=None) -> Idea:
    """A moderator hides an abusive idea from the public, with a reason the author and visitors see."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidData({"reason": _("Give the reason for hiding this idea: its author and visitors will see it.")})
    Idea.objects.filter(pk=idea.pk).update(hidden_at=now or timezone.now(), hidden_reason=reason, hidden_by=moderator)
    idea.refresh_from_db()
    return idea


def restore_idea(*, idea: Idea, moderator) -> Idea:
    """Show a hidden idea again."""
    Idea.objects.filter(pk=idea.pk).update(hidden_at=None, hidden_reason="", hidden_by=None)
    idea.refresh_from_db()
    return idea


def rule_text(budget: BudgetPage) -> str:
    """The vote's rule and how the winners are picked, in words, for the ballot and the results."""
    if budget.vote_rule == BudgetPage.VoteRule.APPROVAL:
        vote = _("Each resident may choose up to %(n)d finalists.") % {"n": budget.max_choices or 1}
    else:
        vote = _("Each resident chooses finalists whose total cost fits within the %(envelope)s EUR envelope.") % {
            "envelope": budget.envelope}
    return vote + " " + winners_rule_text(budget)


def winners_rule_text(budget: BudgetPage) -> str:
    text = _("Projects are ranked by votes (on a tie, the less expensive first) and taken in that order while the "
             "%(envelope)s EUR envelope allows; a project that no longer fits is skipped and the next one is "
             "considered. A project needs at least one vote.") % {"envelope": budget.envelope}
    if budget.council_envelopes.exists():
        text += " " + _("A neighbourhood's projects also stay within that neighbourhood's own envelope.")
    return text


def select_finalists(*, budget: BudgetPage, ideas, actor, now=None) -> Contest:
    """Make these eligible ideas the finalists: create the finalist vote and seal it.

    The contest takes the edition's vote dates, rule and trustees; sealing
    freezes the finalists' labels and costs and deals the key to the trustees,
    who download their shares from /vote/garant/ before the vote opens.
    """
    now = now or timezone.now()
    if budget_phase(budget, now) is not Phase.REVIEW:
        raise PhaseClosed(_("Finalists are selected during the review phase, before the vote opens on %(date)s.")
                          % {"date": _when(budget.vote_opens_at)})
    wanted = {idea if isinstance(idea, int) else idea.pk for idea in ideas}
    with transaction.atomic():
        list(BudgetPage.objects.select_for_update().filter(pk=budget.pk).values_list("pk", flat=True))
        if FinalistVote.objects.filter(budget=budget).exists():
            raise NotAllowed(_("The finalists of this budget are already selected."))
        chosen = list(Idea.objects.select_for_update().filter(budget=budget, pk__in=wanted).order_by("title", "pk"))
        if len(chosen) != len(wanted):
            raise InvalidData({"ideas": _("Some of these ideas do not belong to this budget.")})
        refused = [idea.title for idea in chosen if idea.status != Idea.Status.ELIGIBLE or idea.is_hidden]
        if refused:
            raise InvalidData({"ideas": _("Only eligible ideas can be finalists: %(titles)s.") % {"titles": ", ".join(refused)}})
        if len(chosen) < 2:
            raise InvalidData({"ideas": _("Choose at least two finalists.")})
        too_expensive = [idea.title for idea in chosen if idea.cost > budget.envelope]
        if too_expensive:
            raise InvalidData({"ideas": _("These ideas cost more than the envelope: %(titles)s.") % {"titles": ", ".join(too_expensive)}})
        trustees = list(budget.trustees.all())
        if len({trustee.user_id for trustee in trustees}) != len(trustees) or not 1 <= budget.trustees_needed <= len(trustees):
            raise InvalidData({None: _(
                "Name the trustees of the vote's key on the budget page (at least %(n)d different accounts) first."
            ) % {"n": max(budget.trustees_needed, 1)}})
        knapsack = budget.vote_rule == BudgetPage.VoteRule.KNAPSACK
        contest = Contest.objects.create(
            title=_("%(budget)s: the finalist projects") % {"budget": budget.title},
            question=_("Which projects should the town carry out?"),
            description=rule_text(budget),
            rule=Contest.Rule.KNAPSACK if knapsack else Contest.Rule.APPROVAL,
            max_choices=None if knapsack else budget.max_choices,
            envelope=budget.envelope if knapsack else None,
            allow_blank=True,
            eligibility=Contest.Eligibility.RESIDENTS,
            opens_at=budget.vote_opens_at, closes_at=budget.vote_closes_at, proclaims_at=budget.results_at,
            threshold=budget.trustees_needed,
        )
        for position, idea in enumerate(chosen):
            label = _("%(title)s (%(cost)s EUR)") % {"title": idea.title, "cost": idea.cost}
            Option.objects.create(contest=contest, label=label[:200], description=idea.description[:1000],
                                  cost=idea.cost, position=position, reference=str(idea.pk))
        for trustee in trustees:
            Trustee.objects.create(contest=contest, user_id=trustee.user_id, name=trustee.name)
        try:
            contest = ceremony.start_key_ceremony(contest=contest, actor=actor)
        except VotingError as error:
            raise BudgetError(error.message) from None
        tell_trustees([contest])
        Idea.objects.filter(pk__in=[idea.pk for idea in chosen]).update(status=Idea.Status.FINALIST)
        FinalistVote.objects.create(budget=budget, contest=contest, selected_by=actor, selected_at=now)
        finalist_ids = [idea.pk for idea in chosen]
        transaction.on_commit(lambda: notify_finalists(budget=budget, idea_ids=finalist_ids))
    return contest


def finalist_contest(budget: BudgetPage) -> Contest | None:
    """The edition's finalist vote, once the finalists are selected."""
    return Contest.objects.filter(pk__in=FinalistVote.objects.filter(budget_id=budget.pk).values("contest_id")).first()


def finalists(budget: BudgetPage) -> list[Idea]:
    return list(
        Idea.objects.filter(budget=budget, status__in=[Idea.Status.FINALIST, Idea.Status.WINNER])
        .select_related("council").order_by("title", "pk")
    )


def sync_vote_dates(*, budget: BudgetPage, now=None) -> None:
    """Editors move the vote on the page; the contest follows as long as it has not opened."""
    contest = finalist_contest(budget)
    if contest is None or contest_phase(contest, now) not in (ContestPhase.DRAFT, ContestPhase.SCHEDULED):
        return
    Contest.objects.filter(pk=contest.pk).update(
        opens_at=budget.vote_opens_at, closes_at=budget.vote_closes_at, proclaims_at=budget.results_at
    )


# --- Gallery ----------------------------------------------------------------------------------

def gallery_page(*, budget: BudgetPage, filters: dict, page, per_page: int = 24):
    """One page of the edition's public ideas, filtered; a constant number of queries whatever the count."""
    images = get_image_model().objects.prefetch_renditions(GALLERY_RENDITION)
    ideas = (
        Idea.objects.visible().filter(budget=budget).select_related("council")
        .prefetch_related(Prefetch("image", queryset=images)).order_by("-submitted_at", "-pk")
    )
    if filters.get("council"):
        ideas = ideas.filter(council=filters["council"])
    if filters.get("category"):
        ideas = ideas.filter(category=filters["category"])
    if filters.get("status"):
        ideas = ideas.filter(status=filters["status"])
    return Paginator(ideas, per_page).get_page(page)


# --- Results ----------------------------------------------------------------------------------

@dataclass
class RankedProject:
    """A finalist as counted: its votes, and whether the envelope funds it."""

    idea: Idea
    votes: int
    percent: float = 0.0
    rank: int = 0
    winner: bool = False
    remaining_after: int | None = None  # the envelope left once this project is funded
    reason: str = ""  # why a project is not funded

    @property
    def cost(self) -> int:
        return self.idea.cost

    @property
    def council_id(self):
        return self.idea.council_id


def rank_projects(projects: list[RankedProject]) -> list[RankedProject]:
    """Most votes first; on a tie the less expensive, then the earlier idea."""
    ranked = sorted(projects, key=lambda project: (-project.votes, project.cost, project.idea.pk))
    for rank, project in enumerate(ranked, start=1):
        project.rank = rank
    return ranked


def pick_within_envelope(ranked: list[RankedProject], *, envelope: int, council_envelopes: dict | None = None) -> list[RankedProject]:
    """Take projects in rank order while the envelope allows; skip one that no longer fits, go on.

    A council's own envelope, when the edition sets one, also caps its projects.
    """
    remaining = envelope
    council_left = dict(council_envelopes or {})
    for project in ranked:
        project.winner = False
        if project.votes <= 0:
            project.reason = _("no vote")
            continue
        if project.cost > remaining:
            project.reason = _("does not fit: %(left)s EUR left") % {"left": remaining}
            continue
        if project.council_id in council_left and project.cost > council_left[project.council_id]:
            project.reason = _("does not fit in its neighbourhood's envelope: %(left)s EUR left") % {
                "left": council_left[project.council_id]}
            continue
        project.winner = True
        remaining -= project.cost
        if project.council_id in council_left:
            council_left[project.council_id] -= project.cost
        project.remaining_after = remaining
    return ranked


@dataclass
class BudgetResults:
    published: bool
    projects: list[RankedProject] = field(default_factory=list)
    turnout: dict | None = None
    envelope: int = 0
    spent: int = 0
    rule: str = ""

    @property
    def winners(self) -> list[RankedProject]:
        return [project for project in self.projects if project.winner]

    @property
    def remaining(self) -> int:
        return self.envelope - self.spent


def budget_results(*, budget: BudgetPage) -> BudgetResults:
    """The ranked finalists and the winners within the envelope, once the vote's results are proclaimed."""
    contest = finalist_contest(budget)
    if contest is None or contest_phase(contest) is not ContestPhase.PROCLAIMED:
        return BudgetResults(published=False, envelope=budget.envelope)
    totals = counting.merged_results(contest)["total"]["counts"]
    references = dict(Option.objects.filter(contest=contest).values_list("pk", "reference"))
    ideas = Idea.objects.select_related("council").in_bulk([int(ref) for ref in references.values() if ref.isdigit()])
    turnout = counting.turnout(contest)
    projects = []
    for option_id, reference in references.items():
        idea = ideas.get(int(reference)) if reference.isdigit() else None
        if idea is None:
            continue
        votes = int(totals.get(str(option_id), 0))
        percent = round(100 * votes / turnout["total"], 1) if turnout["total"] else 0.0
        projects.append(RankedProject(idea=idea, votes=votes, percent=percent))
    council_envelopes = dict(budget.council_envelopes.values_list("council_id", "amount"))
    ranked = pick_within_envelope(rank_projects(projects), envelope=budget.envelope, council_envelopes=council_envelopes)
    return BudgetResults(
        published=True, projects=ranked, turnout=turnout, envelope=budget.envelope,
        spent=sum(project.cost for project in ranked if project.winner), rule=winners_rule_text(budget),
    )


def record_winners(*, budget: BudgetPage) -> list[int]:
    """Mark the winners (state "winner") once the results are proclaimed; safe to run again."""
    results = budget_results(budget=budget)
    if not results.published:
        return []
    winner_ids = [project.idea.pk for project in results.winners]
    with transaction.atomic():
        Idea.objects.filter(budget=budget, status=Idea.Status.WINNER).exclude(pk__in=winner_ids).update(status=Idea.Status.FINALIST)
        Idea.objects.filter(budget=budget, pk__in=winner_ids).update(status=Idea.Status.WINNER)
    return winner_ids


# --- Statistics -------------------------------------------------------------------------------

AGE_BANDS = [(0, 17, "< 18"), (18, 24, "18-24"), (25, 34, "25-34"), (35, 44, "35-44"), (45, 54, "45-54"),
             (55, 64, "55-64"), (65, 74, "65-74"), (75, 200, "75+")]


def age_band(birth_year: int | None, reference_year: int) -> str | None:
    if birth_year is None:
        return None
    age = reference_year - birth_year
    return next((label for low, high, label in AGE_BANDS if low <= age <= high), None)


def statistics(*, budget: BudgetPage) -> dict:
    """The edition's participation figures for the town: a dozen queries whatever its size."""
    User = get_user_model()
    ideas = Idea.objects.filter(budget=budget)
    category_labels = dict(Idea.Category.choices)
    status_labels = dict(Idea.Status.choices)
    by_council = [
        (row["council__name"] or _("Whole town"), row["n"])
        for row in ideas.values("council__name").annotate(n=Count("pk")).order_by("council__name")
    ]
    by_category = sorted(
        ((str(category_labels.get(row["category"], row["category"])), row["n"])
         for row in ideas.values("category").annotate(n=Count("pk"))),
        key=lambda item: (-item[1], item[0]),
    )
    by_status = [
        (str(status_labels[row["status"]]), row["n"])
        for row in ideas.values("status").annotate(n=Count("pk")).order_by("status")
    ]
    contest = finalist_contest(budget)
    turnout = counting.turnout(contest) if contest else None
    who = Q(pk__in=ideas.exclude(author=None).values("author_id"))
    if contest:
        who |= Q(pk__in=Participation.objects.filter(contest=contest, voter__user__isnull=False).values("voter__user_id"))
    accounts = User.objects.filter(who)
    birth_years = Counter(accounts.values_list("profile__birth_year", flat=True))
    reference_year = timezone.localtime(budget.vote_opens_at).year
    bands = Counter()
    for birth_year, count in birth_years.items():
        bands[age_band(birth_year, reference_year) or _("not given")] += count
    participants = sum(birth_years.values()) + (turnout["paper"] if turnout else 0)
    registered = Profile.objects.filter(user__is_active=True, user__is_staff=False).count()
    population = budget.population
    return {
        "ideas": sum(count for _label, count in by_council),
        "by_council": by_council,
        "by_category": by_category,
        "by_status": by_status,
        "authors": ideas.exclude(author=None).values("author_id").distinct().count(),
        "votes": turnout["total"] if turnout else None,
        "participants": participants,
        "registered": registered,
        "population": population,
        "registered_percent": round(100 * registered / population, 1) if population else None,
        "age_bands": [(label, bands.get(label, 0)) for _low, _high, label in AGE_BANDS] + [(_("not given"), bands.get(_("not given"), 0))],
    }


STATISTICS_CACHE_SECONDS = 60


def cached_statistics(*, budget: BudgetPage) -> dict:
    """The statistics as the public block shows them: recomputed at most once a minute per edition and language."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    key = f"budget:statistics:{budget.pk}:{get_language()}"
    stats = cache.get(key)
    if stats is None:
        stats = statistics(budget=budget)
        cache.set(key, stats, STATISTICS_CACHE_SECONDS)
    return stats


def statistics_csv(stats: dict) -> str:
    """The statistics as a CSV file (section, label, value), for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("section"), _("label"), _("value")])
    for section, key in ((_("ideas per neighbourhood"), "by_council"), (_("ideas per category"), "by_category"),
                         (_("ideas per state"), "by_status"), (_("participants by age band"), "age_bands")):
        for label, count in stats[key]:
            writer.writerow([section, label, count])
    totals = _("totals")
    writer.writerow([totals, _("ideas"), stats["ideas"]])
    writer.writerow([totals, _("authors"), stats["authors"]])
    writer.writerow([totals, _("participants"), stats["participants"]])
    writer.writerow([totals, _("votes"), "" if stats["votes"] is None else stats["votes"]])
    writer.writerow([totals, _("registered residents"), stats["registered"]])
    writer.writerow([totals, _("population"), stats["population"] or ""])
    writer.writerow([totals, _("share of the population registered (%)"), "" if stats["registered_percent"] is None else stats["registered_percent"]])
    return buffer.getvalue()


# --- Notifications ----------------------------------------------------------------------------

def notify_idea_reviewed(*, idea: Idea) -> int:
    """Tell the author (if they opted in) how the committee judged their idea."""
    if not idea.author_id:
        return 0
    if idea.status == Idea.Status.ELIGIBLE:
        body = _("The steering committee found your idea “%(title)s” eligible. The finalists will be announced before the vote.")
    else:
        body = _("The steering committee found your idea “%(title)s” not eligible, for this reason: %(reason)s")
    body = body % {"title": idea.title, "reason": idea.review_reason}
    if idea.status == Idea.Status.ELIGIBLE and idea.review_reason:
        body += "\n\n" + idea.review_reason
    message = Message(subject=_("Your idea “%(title)s” has been reviewed") % {"title": idea.title}, body=body,
                      url=_full_url(idea.budget, "idea", [idea.pk]))
    return notify(kind=IDEA_REVIEWED, users=get_user_model().objects.filter(pk=idea.author_id), message=message)


def notify_finalists(*, budget: BudgetPage, idea_ids: list[int]) -> int:
    """Tell the finalists' authors (if they opted in for reviews) that their idea goes to the vote."""
    sent = 0
    for idea in Idea.objects.filter(pk__in=idea_ids).exclude(author=None):
        message = Message(
            subject=_("Your idea “%(title)s” is a finalist") % {"title": idea.title},
            body=_("Residents will vote on it from %(start)s to %(end)s.") % {
                "start": _when(budget.vote_opens_at), "end": _when(budget.vote_closes_at)},
            url=_full_url(budget, "idea", [idea.pk]),
        )
        sent += notify(kind=IDEA_REVIEWED, users=get_user_model().objects.filter(pk=idea.author_id), message=message)
    return sent


def due_announcement(*, budget: BudgetPage, now=None) -> Phase | None:
    """The phase residents should be told about now, if any: ideas open, vote open, results published."""
    phase = budget_phase(budget, now)
    if phase is Phase.IDEAS:
        return Phase.IDEAS
    if phase in (Phase.VOTE, Phase.COUNTING, Phase.RESULTS):
        contest = finalist_contest(budget)
        state = contest_phase(contest, now) if contest else None
        if state is ContestPhase.OPEN:
            return Phase.VOTE
        if state is ContestPhase.PROCLAIMED:
            return Phase.RESULTS
    return None


def _announcement(budget: BudgetPage, phase: Phase) -> tuple[str, Message]:
    url = _full_url(budget)
    if phase is Phase.IDEAS:
        return VOTE_OPENED, Message(
            subject=_("Participatory budget: propose your ideas"),
            body=_("The call for ideas of “%(title)s” is open until %(end)s. Propose ideas for your neighbourhood "
                   "or the whole town.") % {"title": budget.title, "end": _when(budget.review_starts_at)},
            url=url,
        )
    if phase is Phase.VOTE:
        return VOTE_OPENED, Message(
            subject=_("Participatory budget: vote for the finalist projects"),
            body=_("The vote on the finalist projects of “%(title)s” is open until %(end)s.")
            % {"title": budget.title, "end": _when(budget.vote_closes_at)},
            url=url,
        )
    results = budget_results(budget=budget)
    return RESULTS_PUBLISHED, Message(
        subject=_("Participatory budget: the winning projects"),
        body=_("The results of “%(title)s” are published: %(count)d projects will be carried out for %(spent)s EUR.")
        % {"title": budget.title, "count": len(results.winners), "spent": results.spent},
        url=url,
    )


def announce_due_phase(*, budget: BudgetPage, now=None) -> Phase | None:
    """Tell opted-in residents that a phase opened, once per phase (the unique row is the guard).

    Publishing results also marks the winners. Returns the phase announced, if any.
    """
    phase = due_announcement(budget=budget, now=now)
    if phase is None:
        return None
    if phase is Phase.RESULTS:
        record_winners(budget=budget)
    try:
        with transaction.atomic():
            announcement = PhaseAnnouncement.objects.create(budget=budget, phase=phase)
    except IntegrityError:
        return None  # already announced
    kind, message = _announcement(budget, phase)
    topic = {Phase.IDEAS: TOPIC_IDEAS_OPENED, Phase.VOTE: TOPIC_VOTE_OPENED}.get(phase, TOPIC_RESULTS)
    sent = notify(kind=kind, users=get_user_model().objects.all(), message=message, topic=topic)
    PhaseAnnouncement.objects.filter(pk=announcement.pk).update(recipients=sent)
    return phase


# --- Extension points: councils' participations, residents' data ------------------------------

def open_participations(*, now=None) -> list[tuple[BudgetPage, Phase]]:
    """Live editions open to residents now (ideas or vote phase), in one query."""
    now = now or timezone.now()
    budgets = BudgetPage.objects.live().public().filter(
        Q(ideas_open_at__lte=now, review_starts_at__gt=now) | Q(vote_opens_at__lte=now, vote_closes_at__gt=now)
    )
    return [(budget, budget_phase(budget, now)) for budget in budgets]


def export_ideas(user) -> dict:
    """A resident's ideas, for the download of their data."""
    ideas = Idea.objects.filter(author=user).select_related("budget", "council").order_by("submitted_at")
    return {"budget_ideas": [
        {
            "budget": idea.budget.title, "title": idea.title, "description": idea.description,
            "neighbourhood": idea.council.name if idea.council else None, "location": idea.location,
            "cost": idea.cost, "category": idea.category, "state": idea.status, "review_comment": idea.review_reason,
            "hidden_reason": idea.hidden_reason, "submitted_at": idea.submitted_at, "url": _full_url(idea.budget, "idea", [idea.pk]),
        }
        for idea in ideas
    ]}


def anonymise_ideas(user) -> None:
    """Ideas stay published, signed “former resident”; the history forgets who edited."""
    Idea.objects.filter(author=user).update(author=None)
    IdeaRevision.objects.filter(editor=user).update(editor=None)
