"""Ideas: submission, edits, review, moderation and the gallery."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from home.images import UnusableImage, check_uploaded_image
from voting.services.eligibility import is_verified_resident

from ..exceptions import InvalidData, NotAllowed, NotEligible, PhaseClosed
from ..models import BudgetPage, FinalistVote, Idea, IdeaRevision
from ..phases import Phase, budget_phase
from .formatting import _when
from .notices import notify_idea_reviewed


GALLERY_RENDITION = "fill-480x270"
REVIEWABLE = (Idea.Status.SUBMITTED, Idea.Status.ELIGIBLE, Idea.Status.NOT_ELIGIBLE)
SNAPSHOT_FIELDS = ("title", "description", "council", "location", "cost", "category")


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


def check_ideas_open(budget: BudgetPage, now=None) -> None:
    """Raise PhaseClosed unless the edition takes ideas now (a helper checks before asking the resident's code)."""
    _check_ideas_open(budget, now or timezone.now())


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


def submit_idea(*, budget: BudgetPage, author, data: dict, image=None, image_description: str = "", now=None,
                assisted_by=None) -> Idea:
    """A verified resident proposes an idea during the ideas phase; returns it, with its first revision.

    ``assisted_by``: the accredited helper who submitted it with the resident,
    once the resident confirmed it (``accounts.assistance.confirm``); the idea
    then shows it was made with help.
    """
    now = now or timezone.now()
    _check_ideas_open(budget, now)
    if not is_verified_resident(author):
        raise NotEligible(_("Log in with a confirmed e-mail address to propose an idea."))
    fields = clean_idea_data(budget=budget, data=data)
    if image is not None:
        validate_image(image)
    with transaction.atomic():
        idea = Idea(budget=budget, author=author, submitted_at=now, assisted_by=assisted_by, **fields)
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
