"""Residents' side of elections and consultations: page contexts and the pages' routes.

Thin, like every view here: validate a form, call a service of
:mod:`.elections` or :mod:`.consultations`, turn a ``VotingError`` into a
message, redirect back to the page (POST/redirect/GET).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.images import get_image_model

from common.http import client_ip
from pagecache.fragments import query_key
from voting.exceptions import VotingError
from voting.forms import RollProofForm
from voting.phases import Phase, contest_phase
from voting.services import counting
from voting.services.casting import find_receipt
from voting.services.eligibility import is_verified_resident
from voting.services.roll_matching import certified_identity
from voting.views import ballot_context

from ..models import Council
from . import consultations, elections
from .forms import CandidateApplicationForm, ConsultationBallotForm
from .models import Candidate, ConsultationPage, ElectionPage

ROLL_PREFIX = "roll"
CANDIDATE_THUMBNAIL = "fill-96x96"  # as councils/election_candidate.html shows a candidate's photo
CANDIDATES_PER_PAGE = 24  # an 8-council election has 135: a phone shows them a page at a time


def _back(page, anchor: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{page.url}#{anchor}")


def _posted_identity(request):
    """The certified identity, when the one-button form ("find me from my FranceConnect identity") was posted."""
    if request.POST.get("proof") != "identity":
        return None
    return certified_identity(request.user)


# --- Elections -------------------------------------------------------------------------------------------------


def election_context(request, page: ElectionPage) -> dict:
    """The election page: councils and candidates, the voter's own ballot (only theirs), applications."""
    user = request.user
    contests = page.contests()  # read once for the phase, the dates and the applications
    phase = page.phase(contests)
    my_ballot = elections.ballot_of(election=page, user=user)
    keep = query_key(request)  # the candidates' list is kept for every visitor, page by page
    context = {
        "phase": phase,
        "phases": Phase,
        "schedule": page.schedule(contests),
        # Called by the template only when the candidates' list is not kept (parvis_fragments).
        "candidates": lambda: election_candidates(page, request.GET.get("page")),
        "list_key": " ".join(keep) if keep is not None else None,
        "applications_open": page.applications_open(contests=contests),
        "my_candidacy": Candidate.objects.filter(election=page, user=user).select_related("council").first()
        if user.is_authenticated else None,
        "my_ballot": my_ballot,
        "needs_login": phase is Phase.OPEN and not user.is_authenticated,
        "roll_form": RollProofForm(prefix=ROLL_PREFIX) if phase is Phase.OPEN and user.is_authenticated and not my_ballot else None,
        "identity": certified_identity(user) if phase is Phase.OPEN and not my_ballot else None,
        "any_proclaimed": any(contest_phase(contest) is Phase.PROCLAIMED for contest in contests),
    }
    if my_ballot is not None:
        ballot = ballot_context(request, my_ballot.contest)
        context["ballot"] = ballot
        context["my_candidates"] = list(approved_candidates(page).filter(council_id=my_ballot.council_id))
    return context


def approved_candidates(page: ElectionPage):
    """The election's approved candidates by name, with their photo's thumbnail fetched in the same go."""
    thumbnails = get_image_model().get_rendition_model().objects.filter(filter_spec=CANDIDATE_THUMBNAIL)
    return (Candidate.objects.filter(election=page, status=Candidate.Status.APPROVED).order_by("name")
            .select_related("photo").prefetch_related(Prefetch("photo__renditions", queryset=thumbnails)))


def election_candidates(page: ElectionPage, number=None) -> dict:
    """One page of the election's approved candidates, council by council, and every council's count.

    Candidates come ``CANDIDATES_PER_PAGE`` at a time, in the councils' order
    then by name, each page grouped under its councils' headings; ``councils``
    lists every council with its seats, count and the page where it starts,
    so a resident jumps to their own. Four queries, whatever the size.
    """
    seats = list(page.council_seats.select_related("council"))
    order = {row.council_id: position for position, row in enumerate(seats)}
    approved = approved_candidates(page)
    listing = sorted(approved.values_list("pk", "council_id", "name"),
                     key=lambda row: (order.get(row[1], len(order)), row[2], row[0]))
    page_obj = Paginator(listing, CANDIDATES_PER_PAGE).get_page(number)
    found = approved.in_bulk([pk for pk, _council, _name in page_obj.object_list])
    groups: dict[int, list] = {}
    for pk, council_id, _name in page_obj.object_list:
        groups.setdefault(council_id, []).append(found[pk])
    starts, counts = {}, {}
    for position, (_pk, council_id, _name) in enumerate(listing):
        starts.setdefault(council_id, position // CANDIDATES_PER_PAGE + 1)
        counts[council_id] = counts.get(council_id, 0) + 1
    return {
        "page_obj": page_obj,
        "groups": [{"council": row.council, "seats": row.seats, "candidates": groups[row.council_id]}
                   for row in seats if row.council_id in groups],
        "councils": [{"council": row.council, "seats": row.seats, "count": counts.get(row.council_id, 0),
                      "page": starts.get(row.council_id)} for row in seats],
    }


def apply_as_candidate(request, page: ElectionPage):
    """GET the application form, POST it; one application per resident and election."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    councils = Council.objects.filter(pk__in=page.council_seats.values("council")).order_by("name")
    form = CandidateApplicationForm(request.POST or None, request.FILES or None, councils=councils)
    refusal = None
    if not page.applications_open():
        refusal = _("Applications for this election are closed.")
    elif not is_verified_resident(request.user):
        refusal = _("Confirm your e-mail address to apply: we sent you a link when you signed up.")
    elif Candidate.objects.filter(election=page, user=request.user).exists():
        refusal = _("You have already applied in this election. One application per person, for one council only.")
    if request.method == "POST" and refusal is None and form.is_valid():
        data = form.cleaned_data
        try:
            elections.apply(
                election=page, user=request.user, council=data["council"], name=data["name"],
                statement=data["statement"], photo=data["photo"], video_url=data["video_url"],
            )
        except VotingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Thank you! Your application is recorded; the election officers will review it.")
            )
            return _back(page, "candidature")
    return TemplateResponse(
        request, "councils/election_apply.html", {"page": page, "form": form, "refusal": refusal}
    )


def find_my_ballot(request, page: ElectionPage):
    """POST the voter card's details: the voter's council ballot appears on the page, or a clear refusal."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(page.url)
    identity = _posted_identity(request)
    form = RollProofForm(request.POST, prefix=ROLL_PREFIX)
    if identity is None and not form.is_valid():
        messages.error(request, _("Fill in your family name, birth date and polling station or postcode."))
        return _back(page, "vote")
    try:
        if identity is not None:
            ballot = elections.find_my_ballot_by_identity(election=page, user=request.user, identity=identity)
        else:
            ballot = elections.find_my_ballot(election=page, user=request.user, source=client_ip(request), **form.cleaned_data)
    except VotingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("You are on the roll of %(council)s: here is your ballot.") % {"council": ballot.council.name}
        )
    return _back(page, "vote")


def election_results(request, page: ElectionPage):
    return TemplateResponse(
        request,
        "councils/election_results.html",
        {"page": page, "results": elections.results(page), "schedule": page.schedule()},
    )


# --- Consultations ---------------------------------------------------------------------------------------------


def _question_results(page: ConsultationPage) -> list[dict]:
    questions = list(page.questions.all())
    rows = []
    for ballot in page.ballot_rows():
        contest = ballot.contest
        question = questions[ballot.position] if ballot.position < len(questions) else None
        entry = {"contest": contest, "question": question, "phase": contest_phase(contest)}
        if entry["phase"] is Phase.PROCLAIMED:
            entry.update(rows=counting.result_rows(contest), turnout=counting.turnout(contest))
        rows.append(entry)
    return rows


def consultation_context(request, page: ConsultationPage) -> dict:
    status = consultations.voter_status(page, request.user)
    questions = _question_results(page)
    all_proclaimed = bool(questions) and all(q["phase"] is Phase.PROCLAIMED for q in questions)
    can_vote = bool(status["to_answer"]) and not status["refusal"]
    return {
        "status": status,
        "phases": Phase,
        "schedule": page.schedule(),
        "questions": questions,
        "territory": page.territory(),
        "ballot_form": ConsultationBallotForm(contests=status["to_answer"]) if can_vote else None,
        "roll_form": RollProofForm(prefix=ROLL_PREFIX) if status["needs_roll_proof"] else None,
        "identity": certified_identity(request.user) if status["needs_roll_proof"] else None,
        "council_turnout": consultations.council_turnout(page) if all_proclaimed else None,
        "all_proclaimed": all_proclaimed,
    }


def consultation_prove_roll(request, page: ConsultationPage):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(page.url)
    identity = _posted_identity(request)
    form = RollProofForm(request.POST, prefix=ROLL_PREFIX)
    if identity is None and not form.is_valid():
        messages.error(request, _("Fill in your family name, birth date and polling station or postcode."))
        return _back(page, "vote")
    try:
        if identity is not None:
            consultations.prove_roll_by_identity(consultation=page, user=request.user, identity=identity)
        else:
            consultations.prove_roll(consultation=page, user=request.user, source=client_ip(request), **form.cleaned_data)
    except VotingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You are on the electoral roll: you can now vote."))
    return _back(page, "vote")


NEEDS_JAVASCRIPT = gettext_lazy(
    "Your choice was not encrypted on your device, so it was not sent and nothing was recorded. "
    "Online voting needs JavaScript; you can also vote on paper."
)


def _posted_ballot(request, page: ConsultationPage) -> ConsultationBallotForm | None:
    """The encrypted ballots posted for the questions this voter may still answer, or None with a message.

    Answers in clear are never read: a post without encrypted ballots (a
    browser without JavaScript) records nothing and says why.
    """
    if request.method != "POST":
        return None
    if not request.user.is_authenticated:
        return None
    status = consultations.voter_status(page, request.user)
    if status["refusal"] or not status["to_answer"]:
        messages.error(request, status["refusal"] or _("You have already answered every question. Thank you!"))
        return None
    if not request.POST.get("ballots"):
        messages.error(request, NEEDS_JAVASCRIPT)
        return None
    form = ConsultationBallotForm(request.POST, contests=status["to_answer"])
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return None
    return form


def consultation_cast(request, page: ConsultationPage):
    """Cast the ballots the voter's device encrypted, one per question; then their receipts."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = _posted_ballot(request, page)
    if form is None:
        return _back(page, "vote")
    try:
        trackers, refused = consultations.cast(consultation=page, user=request.user, ballots=form.cleaned_data["ballots"])
    except VotingError as error:
        messages.error(request, error.message)
        return _back(page, "vote")
    for message in refused:
        messages.warning(request, message)
    messages.success(request, _("Your vote has been recorded. Thank you!"))
    query = urlencode([("r", tracker) for tracker in trackers.values()])
    return HttpResponseRedirect(f"{page.url}recus/?{query}")


def consultation_receipts(request, page: ConsultationPage):
    """The voter's receipts, one per question answered (public trackers: they reveal no choice)."""
    wanted = request.GET.getlist("r")[:20]
    receipts = []
    for contest in page.contests():
        for tracker in wanted:
            ballot = find_receipt(contest=contest, tracker=tracker)
            if ballot is not None:
                receipts.append({"contest": contest, "tracker": ballot.tracker})
    return TemplateResponse(request, "councils/consultation_receipts.html", {"page": page, "receipts": receipts})
