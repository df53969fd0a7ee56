"""The budget's rules, without HTTP: phases at their exact boundaries, ideas, review, finalists, winners."""

import dataclasses
from datetime import timedelta

import pytest
from django.utils import translation
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from budget import services
from budget.exceptions import InvalidData, NotAllowed, NotEligible, PhaseClosed
from budget.models import BudgetPage, CouncilEnvelope, FinalistVote, Idea, IdeaRevision
from budget.phases import Phase, budget_phase, timeline
from voting.crypto import encrypt_ballot
from voting.exceptions import InvalidBallot
from voting.models import Contest
from voting.phases import Phase as ContestPhase
from voting.phases import contest_phase
from voting.services.casting import cast_ballot, contest_parameters
from voting.voter import choices_for, encrypt_choice

from ..accounts.factories import make_resident
from ..councils.factories import CouncilFactory
from ..home.utils import make_home
from ..voting.factories import make_user, sealed
from .factories import IDEA_DATA, make_budget, make_idea, move_to, option_for, play_vote, png_upload, select

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Service messages are asserted in English, the source language (French is covered by the view tests)."""
    with translation.override("en"):
        yield
TICK = timedelta(microseconds=1)


@pytest.fixture
def budget():
    return make_budget(make_home(), phase=Phase.IDEAS)


@pytest.fixture
def resident():
    return make_resident("amina@example.org", display_name="Amina", notify_idea_reviewed=True)


# --- Phases -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "before", "at"), [
    ("ideas_open_at", Phase.UPCOMING, Phase.IDEAS),
    ("review_starts_at", Phase.IDEAS, Phase.REVIEW),
    ("vote_opens_at", Phase.REVIEW, Phase.VOTE),
    ("vote_closes_at", Phase.VOTE, Phase.COUNTING),
    ("results_at", Phase.COUNTING, Phase.RESULTS),
])
def test_each_phase_starts_exactly_at_its_date(budget, field, before, at):
    moment = getattr(budget, field)
    assert budget_phase(budget, moment - TICK) is before
    assert budget_phase(budget, moment) is at


def test_the_timeline_marks_the_current_phase_and_those_past(budget):
    steps = timeline(budget, now=budget.vote_opens_at)
    assert [step.phase for step in steps if step.is_current] == [Phase.VOTE]
    assert [step.phase for step in steps if step.is_past] == [Phase.IDEAS, Phase.REVIEW]
    assert steps[-1].ends_at is None


def test_dates_out_of_order_are_refused_by_the_page(budget):
    from django.core.exceptions import ValidationError

    budget.vote_opens_at = budget.review_starts_at - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        budget.full_clean()
    assert "vote_opens_at" in error.value.message_dict


# --- Submitting and editing ideas ---------------------------------------------------------------

def test_a_resident_submits_an_idea_with_a_photo_and_its_first_revision(budget, resident):
    idea = services.submit_idea(budget=budget, author=resident, data=IDEA_DATA, image=png_upload(),
                                image_description="Des bacs en bois")
    assert idea.status == Idea.Status.SUBMITTED and idea.author == resident
    assert idea.image.description == "Des bacs en bois" and idea.image.width == 64
    assert [revision.kind for revision in idea.revisions.all()] == [IdeaRevision.Kind.SUBMITTED]


@pytest.mark.parametrize("moment", ["ideas_open_at", "review_starts_at"])
def test_no_idea_outside_the_ideas_phase(budget, resident, moment):
    now = getattr(budget, moment) - (TICK if moment == "ideas_open_at" else timedelta(0))
    with pytest.raises(PhaseClosed):
        services.submit_idea(budget=budget, author=resident, data=IDEA_DATA, now=now)
    assert not Idea.objects.exists()


def test_an_unconfirmed_address_cannot_submit(budget):
    newcomer = make_resident("paul@example.org", verified=False)
    with pytest.raises(NotEligible):
        services.submit_idea(budget=budget, author=newcomer, data=IDEA_DATA)


@pytest.mark.parametrize(("cost", "message"), [(-1, "negative"), (20_001, "above the envelope of 20000")])
def test_a_cost_below_zero_or_above_the_envelope_is_refused(budget, resident, cost, message):
    with pytest.raises(InvalidData) as error:
        services.submit_idea(budget=budget, author=resident, data={**IDEA_DATA, "cost": cost})
    assert message in str(error.value.errors["cost"])
    assert not Idea.objects.exists()


def test_a_councils_own_envelope_caps_its_ideas(budget, resident):
    tilleuls = CouncilFactory(name="Tilleuls")
    CouncilEnvelope.objects.create(page=budget, council=tilleuls, amount=5_000)
    with pytest.raises(InvalidData):
        services.submit_idea(budget=budget, author=resident, data={**IDEA_DATA, "council": tilleuls, "cost": 6_000})
    assert services.submit_idea(budget=budget, author=resident, data={**IDEA_DATA, "council": None, "cost": 6_000})


def test_a_non_image_or_a_30_mb_upload_is_refused_and_nothing_is_stored(budget, resident):
    from wagtail.images import get_image_model

    fake = SimpleUploadedFile("photo.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(InvalidData) as error:
        services.submit_idea(budget=budget, author=resident, data=IDEA_DATA, image=fake)
    assert "not a photo" in str(error.value.errors["image"])

    huge = SimpleUploadedFile("huge.jpg", b"\xff\xd8" + b"0" * (30 * 1024 * 1024), content_type="image/jpeg")
    with pytest.raises(InvalidData) as error:
        services.submit_idea(budget=budget, author=resident, data=IDEA_DATA, image=huge)
    assert "30 MB" in str(error.value.errors["image"])

    gif = io_gif()
    with pytest.raises(InvalidData):
        services.submit_idea(budget=budget, author=resident, data=IDEA_DATA, image=gif)
    assert not Idea.objects.exists() and not get_image_model().objects.exists()


def io_gif():
    import io

    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8)).save(buffer, format="GIF")
    return SimpleUploadedFile("anim.gif", buffer.getvalue(), content_type="image/gif")


def test_the_author_edits_until_the_review_starts_and_the_history_keeps_each_version(budget, resident):
    idea = services.submit_idea(budget=budget, author=resident, data=IDEA_DATA)
    services.edit_idea(idea=idea, author=resident, data={**IDEA_DATA, "title": "Un grand jardin partagé"})
    assert [r.snapshot["title"] for r in idea.revisions.all()] == ["Un jardin partagé", "Un grand jardin partagé"]

    with pytest.raises(NotAllowed):
        services.edit_idea(idea=idea, author=make_resident("autre@example.org"), data=IDEA_DATA)
    with pytest.raises(PhaseClosed):
        services.edit_idea(idea=idea, author=resident, data=IDEA_DATA, now=budget.review_starts_at)
    assert services.may_edit(idea=idea, user=resident, now=budget.review_starts_at - TICK)
    assert not services.may_edit(idea=idea, user=resident, now=budget.review_starts_at)
    assert Idea.objects.get().title == "Un grand jardin partagé"


def test_the_committee_rewrites_only_with_the_authors_agreement(budget, resident):
    idea = make_idea(budget, author=resident)
    member = make_user("comite")
    with pytest.raises(InvalidData):
        services.rewrite_idea(idea=idea, editor=member, data={**IDEA_DATA, "cost": 2_500}, author_agreed=False)
    services.rewrite_idea(idea=idea, editor=member, data={**IDEA_DATA, "cost": 2_500}, author_agreed=True,
                          note="Fusionnée avec une idée voisine")
    last = idea.revisions.last()
    assert last.kind == IdeaRevision.Kind.REWRITTEN and last.editor == member and last.note.startswith("Fusionnée")
    assert Idea.objects.get().cost == 2_500

    Idea.objects.filter(pk=idea.pk).update(status=Idea.Status.FINALIST)
    idea.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.rewrite_idea(idea=idea, editor=member, data=IDEA_DATA, author_agreed=True)


# --- Review and moderation ----------------------------------------------------------------------

def checklist(budget, met=True):
    return {criterion.pk: met for criterion in budget.criteria.all()}


def test_review_needs_every_criterion_for_eligible_and_a_reason_for_not(budget, resident, django_capture_on_commit_callbacks):
    idea = make_idea(budget, author=resident)
    budget = move_to(budget, Phase.REVIEW)
    idea.refresh_from_db()
    partial = {**checklist(budget), budget.criteria.first().pk: False}
    with pytest.raises(InvalidData) as error:
        services.review_idea(idea=idea, reviewer=None, eligible=True, checklist=partial)
    assert "checklist" in error.value.errors
    with pytest.raises(InvalidData) as error:
        services.review_idea(idea=idea, reviewer=None, eligible=False, reason=" ", checklist=partial)
    assert "reason" in error.value.errors
    assert Idea.objects.get().status == Idea.Status.SUBMITTED and mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        services.review_idea(idea=idea, reviewer=None, eligible=False, reason="Relève du département.", checklist=partial)
    idea.refresh_from_db()
    assert idea.status == Idea.Status.NOT_ELIGIBLE and idea.review_reason == "Relève du département."
    assert [check["met"] for check in idea.checklist] == [False, True]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["amina@example.org"]
    assert "Relève du département." in mail.outbox[0].body and f"/idees/{idea.pk}/" in mail.outbox[0].body


def test_review_is_only_during_the_review_phase_and_authors_who_did_not_opt_in_get_no_mail(budget, django_capture_on_commit_callbacks):
    quiet = make_resident("quiet@example.org")
    idea = make_idea(budget, author=quiet)
    with pytest.raises(PhaseClosed):
        services.review_idea(idea=idea, reviewer=None, eligible=True, checklist=checklist(budget))
    budget = move_to(budget, Phase.REVIEW)
    idea.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_idea(idea=idea, reviewer=None, eligible=True, checklist=checklist(budget))
    assert Idea.objects.get().status == Idea.Status.ELIGIBLE and mail.outbox == []
    with pytest.raises(PhaseClosed):
        services.review_idea(idea=idea, reviewer=None, eligible=True, checklist=checklist(budget), now=budget.vote_opens_at)


def test_moderators_hide_with_a_reason_and_the_gallery_leaves_it_out(budget):
    idea = make_idea(budget)
    with pytest.raises(InvalidData):
        services.hide_idea(idea=idea, moderator=None, reason="")
    services.hide_idea(idea=idea, moderator=None, reason="Propos injurieux")
    assert idea.is_hidden and idea.hidden_reason == "Propos injurieux"
    assert list(services.gallery_page(budget=budget, filters={}, page=1).object_list) == []
    services.restore_idea(idea=idea, moderator=None)
    assert list(services.gallery_page(budget=budget, filters={}, page=1).object_list) == [idea]


# --- Finalists and the vote ---------------------------------------------------------------------

def test_selecting_finalists_creates_and_seals_the_vote_with_each_ideas_cost(budget):
    ideas = [make_idea(budget, title=f"Projet {n}", cost=1_000 * n) for n in (1, 2, 3)]
    contest = select(budget, ideas[:2], seal=False)
    assert contest.is_frozen and not contest.is_sealed  # sealed once the trustees' key ceremony ends
    contest, _secrets = sealed(contest)
    assert contest.is_sealed and contest.rule == Contest.Rule.KNAPSACK and contest.envelope == 20_000
    assert contest.eligibility == Contest.Eligibility.RESIDENTS and contest.threshold == 2
    assert [(o["cost"]) for o in contest.manifest["options"]] == [1_000, 2_000]
    assert {o.reference for o in contest.options.all()} == {str(ideas[0].pk), str(ideas[1].pk)}
    assert contest.trustees.count() == 3
    budget.refresh_from_db()
    assert (contest.opens_at, contest.closes_at, contest.proclaims_at) == (budget.vote_opens_at, budget.vote_closes_at, budget.results_at)
    assert set(Idea.objects.filter(status=Idea.Status.FINALIST)) == set(ideas[:2])
    with pytest.raises(NotAllowed):
        services.select_finalists(budget=budget, ideas=ideas[2:], actor=None)


def test_only_eligible_ideas_in_the_review_phase_become_finalists_and_nothing_is_created_otherwise(budget):
    eligible = make_idea(budget, status=Idea.Status.ELIGIBLE, title="A")
    refused = make_idea(budget, status=Idea.Status.NOT_ELIGIBLE, title="B")
    with pytest.raises(PhaseClosed):
        services.select_finalists(budget=budget, ideas=[eligible, refused], actor=None)
    budget = move_to(budget, Phase.REVIEW)
    with pytest.raises(InvalidData) as error:
        services.select_finalists(budget=budget, ideas=[eligible, refused], actor=None)
    assert "B" in str(error.value.errors["ideas"])
    with pytest.raises(InvalidData):
        services.select_finalists(budget=budget, ideas=[eligible], actor=None)  # at least two
    assert not Contest.objects.exists() and not FinalistVote.objects.exists()


def test_the_vote_needs_enough_trustees(budget):
    budget.trustees.all().delete()
    ideas = [make_idea(budget, title=f"P{n}") for n in range(2)]
    with pytest.raises(InvalidData):
        select(budget, ideas)
    assert not Contest.objects.exists()


def test_approval_rule_lets_residents_choose_up_to_n(budget):
    BudgetPage.objects.filter(pk=budget.pk).update(vote_rule=BudgetPage.VoteRule.APPROVAL, max_choices=1)
    budget.refresh_from_db()
    contest = select(budget, [make_idea(budget, title=f"P{n}") for n in range(3)])
    assert contest.rule == Contest.Rule.APPROVAL and contest.max_choices == 1


def test_knapsack_overflow_and_a_non_finalist_are_refused_at_casting(budget):
    big = make_idea(budget, title="Skatepark", cost=15_000)
    medium = make_idea(budget, title="Aire de jeux", cost=8_000)
    other = make_idea(budget, title="Pas finaliste", cost=1_000)
    contest = select(budget, [big, medium])
    move_to(budget, Phase.VOTE)
    contest.refresh_from_db()
    voter = make_user("votante")
    overflow = [option_for(contest, big), option_for(contest, medium)]
    # An honest device refuses to encrypt an overflow or an option of another vote...
    with pytest.raises(ValueError) as error:
        encrypt_choice(contest.manifest, contest.manifest_hash, contest.public_key, overflow)
    assert "20000" in str(error.value)
    with pytest.raises(ValueError):
        encrypt_choice(contest.manifest, contest.manifest_hash, contest.public_key, [other.pk + 10_000])
    # ...and the server refuses a device that proves the overflow "within" a larger envelope.
    params = contest_parameters(contest)
    forged = encrypt_ballot(dataclasses.replace(params, envelope=23_000), choices_for(contest.manifest, overflow))
    with pytest.raises(InvalidBallot):
        cast_ballot(contest=contest, user=voter, payload=forged.to_json())
    assert contest.participations.count() == 0 and contest.ballots.count() == 0


def test_moving_the_vote_on_the_page_moves_the_contest_until_it_opens(budget):
    contest = select(budget, [make_idea(budget, title=f"P{n}") for n in range(2)])
    budget = BudgetPage.objects.get(pk=budget.pk)
    budget.vote_opens_at += timedelta(days=1)
    budget.vote_closes_at += timedelta(days=1)
    budget.save()
    contest.refresh_from_db()
    assert contest.opens_at == budget.vote_opens_at and contest.closes_at == budget.vote_closes_at


# --- Winners within the envelope ----------------------------------------------------------------

def ranked(*projects, council=None):
    """RankedProjects from (title, cost, votes[, council_id]) tuples."""
    made = []
    for number, spec in enumerate(projects, start=1):
        title, cost, votes, *rest = spec
        idea = Idea(pk=number, title=title, cost=cost, council_id=rest[0] if rest else None)
        made.append(services.RankedProject(idea=idea, votes=votes))
    return services.rank_projects(made)


def test_winners_are_taken_by_votes_skipping_what_no_longer_fits():
    projects = ranked(("Skatepark", 12_000, 90), ("Aire de jeux", 9_000, 80), ("Bancs", 3_000, 70),
                      ("Jardin", 6_000, 60), ("Fresque", 1_000, 0))
    picked = services.pick_within_envelope(projects, envelope=20_000)
    assert [(p.idea.title, p.winner) for p in picked] == [
        ("Skatepark", True), ("Aire de jeux", False), ("Bancs", True), ("Jardin", False), ("Fresque", False)]
    assert "8000" in picked[1].reason and "5000" in picked[3].reason and picked[4].reason == "no vote"
    assert picked[2].remaining_after == 5_000


def test_ties_go_to_the_less_expensive_then_the_earlier_idea():
    projects = ranked(("Cher", 5_000, 10), ("Moins cher", 4_000, 10), ("Aussi moins cher", 4_000, 10))
    assert [p.idea.title for p in projects] == ["Moins cher", "Aussi moins cher", "Cher"]
    assert [p.rank for p in projects] == [1, 2, 3]


def test_a_councils_envelope_caps_its_projects_within_the_whole():
    projects = ranked(("Tilleuls 1", 4_000, 50, 1), ("Tilleuls 2", 4_000, 40, 1), ("Centre", 4_000, 30, 2))
    picked = services.pick_within_envelope(projects, envelope=10_000, council_envelopes={1: 5_000})
    assert [p.winner for p in picked] == [True, False, True]
    assert "neighbourhood" in picked[1].reason


def test_a_whole_edition_ends_with_winners_within_the_envelope(budget):
    skatepark = make_idea(budget, title="Skatepark", cost=12_000)
    jeux = make_idea(budget, title="Aire de jeux", cost=9_000)
    bancs = make_idea(budget, title="Bancs", cost=3_000)
    contest = play_vote(budget, [skatepark, jeux, bancs],
                        [[skatepark, bancs], [skatepark], [jeux, bancs], [skatepark, bancs], []])
    assert contest_phase(contest) is ContestPhase.PROCLAIMED
    results = services.budget_results(budget=budget)
    assert [(p.idea.title, p.votes, p.winner) for p in results.projects] == [
        ("Bancs", 3, True), ("Skatepark", 3, True), ("Aire de jeux", 1, False)]
    assert results.spent == 15_000 and results.remaining == 5_000 and results.turnout["total"] == 5
    assert results.projects[0].percent == 60.0
    assert services.record_winners(budget=budget) == [bancs.pk, skatepark.pk]
    assert set(Idea.objects.filter(status=Idea.Status.WINNER)) == {bancs, skatepark}
    assert Idea.objects.get(pk=jeux.pk).status == Idea.Status.FINALIST


def test_no_results_before_the_proclamation(budget):
    assert services.budget_results(budget=budget).published is False
    select(budget, [make_idea(budget, title=f"P{n}") for n in range(2)])
    assert services.budget_results(budget=budget).published is False
    assert services.record_winners(budget=budget) == []
