"""Residents' and trustees' views: thin wrappers that validate, call a service, redirect.

Ballot blocks on Wagtail pages post here with a ``next`` field (the page's
address); after the action we redirect back there with a message.
"""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import tasks
from common.http import client_ip

from .exceptions import InvalidAnswer, NotReady, VotingError
from .forms import AnswerUploadForm, ReceiptCheckForm, RollProofForm
from .models import Contest, Trustee
from .phases import Phase, contest_phase
from .services import ceremony, counting
from .services.casting import audit_ballot, audited_labels, cast_ballot, find_receipt, sealed_contest
from .services.trustees import submit_answer, trustee_task
from .services.eligibility import ballot_status
from .services.record import build_record
from .services.roll import prove_roll_membership
from .services.roll_matching import certified_identity, prove_roll_membership_by_identity


def _sealed_contest(pk: int) -> Contest:
    return get_object_or_404(Contest.objects.exclude(sealed_at=None), pk=pk)


def _back(request, contest: Contest, anchor: str = "vote"):
    """The page the form came from (same site only), else the contest's own page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = reverse("voting:contest", args=[contest.pk])
    return redirect(f"{target.split('#')[0]}#{anchor}-{contest.pk}")


def _next_value(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else ""


@require_GET
def contest_detail(request, pk):
    """A contest on its own page (pages usually embed it with the ballot block instead)."""
    contest = _sealed_contest(pk)
    return TemplateResponse(request, "voting/contest_page.html", ballot_context(request, contest))


def ballot_context(request, contest: Contest) -> dict:
    """Everything the ballot template needs; shared by the view and the ballot block."""
    status = ballot_status(contest=contest, user=request.user)
    return {
        "contest": contest,
        "status": status,
        "phases": Phase,
        "roll_form": RollProofForm(prefix=f"roll{contest.pk}") if status.needs_roll_proof else None,
        "identity": certified_identity(request.user) if status.needs_roll_proof else None,
        "next": request.get_full_path(),
    }


@require_POST
@login_required
def prove_roll(request, pk):
    contest = _sealed_contest(pk)
    if request.POST.get("proof") == IDENTITY_PROOF:
        return _prove_roll_by_identity(request, contest)
    form = RollProofForm(request.POST, prefix=f"roll{contest.pk}")
    if not form.is_valid():
        messages.error(request, _("Fill in your family name, birth date and polling station or postcode."))
        return _back(request, contest)
    try:
        prove_roll_membership(contest=contest, user=request.user, source=client_ip(request), **form.cleaned_data)
    except VotingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You are on the electoral roll: you can now vote."))
    return _back(request, contest)


IDENTITY_PROOF = "identity"  # the ``proof`` of the one-button form: "find me from my certified identity"


def _prove_roll_by_identity(request, contest: Contest):
    identity = certified_identity(request.user)
    if identity is None:
        messages.error(request, _("Sign in with FranceConnect to be found on the roll without typing."))
        return _back(request, contest)
    try:
        prove_roll_membership_by_identity(contest=contest, user=request.user, identity=identity)
    except VotingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You are on the electoral roll: you can now vote."))
    return _back(request, contest)


def _json_body(request) -> dict | None:
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


@require_POST
@login_required
def cast(request, pk):
    """Cast the ballot the voter's device encrypted: ``ballot`` (canonical JSON) and its ``tracker``.

    A choice in clear is never accepted: without the encrypted ballot
    (a browser without JavaScript) nothing is recorded.
    """
    try:
        contest = sealed_contest(pk)
    except Contest.DoesNotExist:
        raise Http404() from None
    payload = request.POST.get("ballot")
    if not payload:
        messages.error(request, _("Your choice was not encrypted on your device, so it was not sent and nothing was "
                                  "recorded. Online voting needs JavaScript; you can also vote on paper."))
        return _back(request, contest)
    try:
        tracker = cast_ballot(contest=contest, user=request.user, payload=payload,
                              tracker=request.POST.get("tracker") or None)
    except VotingError as error:
        messages.error(request, error.message)
        return _back(request, contest)
    messages.success(request, _("Your vote has been recorded. Thank you!"))
    url = reverse("voting:receipt", args=[contest.pk, tracker])
    next_value = _next_value(request)
    return redirect(f"{url}?{urlencode({'next': next_value})}" if next_value else url)


@require_POST
@login_required
def audit(request, pk):
    """Benaloh's challenge: the device reveals an encrypted ballot's choices and randomness (JSON in, JSON out).

    The ballot is checked, published and can no longer be cast; the answer
    says what it contains, so the voter sees their device encrypted their choice.
    """
    contest = _sealed_contest(pk)
    data = _json_body(request)
    if data is None or not isinstance(data.get("ballot"), str):
        return JsonResponse({"error": _("This is not an audit request.")}, status=400)
    try:
        audited = audit_ballot(contest=contest, user=request.user, payload=data["ballot"], choices=data.get("choices"),
                               nonces=data.get("nonces"))
    except VotingError as error:
        return JsonResponse({"error": str(error.message)}, status=400)
    return JsonResponse({
        "tracker": audited.tracker,
        "labels": audited_labels(contest, audited),
        "published": request.build_absolute_uri(reverse("voting:audited", args=[contest.pk])),
    })


@require_GET
def audited(request, pk):
    """Public: every ballot opened for checking, with its revealed choices and randomness."""
    contest = _sealed_contest(pk)
    rows = contest.audited_ballots.order_by("tracker").values("tracker", "payload", "choices", "nonces")
    return JsonResponse({
        "format": "parvis-audited-ballots/1", "manifest_hash": contest.manifest_hash,
        "audited_ballots": [
            {"tracker": row["tracker"], "ballot": json.loads(row["payload"]), "choices": row["choices"],
             "nonces": row["nonces"]} for row in rows
        ],
    })


@require_GET
def receipt(request, pk, tracker):
    contest = _sealed_contest(pk)
    ballot = find_receipt(contest=contest, tracker=tracker)
    if ballot is None:
        raise Http404
    if request.GET.get("download"):
        text = _(
            "Receipt of your vote\n\nVote: %(title)s\nReceipt: %(tracker)s\nBallot box fingerprint at opening: %(manifest)s\n\n"
            "Check it is in the published ballot box at: %(url)s\n"
        ) % {"title": contest.title, "tracker": ballot.tracker, "manifest": contest.manifest_hash,
             "url": request.build_absolute_uri(reverse("voting:check_receipt", args=[contest.pk]))}
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="recu-vote-{contest.pk}.txt"'
        return response
    return TemplateResponse(request, "voting/receipt.html", {"contest": contest, "ballot": ballot, "next": _next_value(request)})


@require_GET
def check_receipt(request, pk):
    """Public: is this receipt in the box? Also shows the box's current fingerprint."""
    contest = _sealed_contest(pk)
    form = ReceiptCheckForm(request.GET or None)
    found = ballot = None
    if form.is_valid():
        ballot = find_receipt(contest=contest, tracker=form.cleaned_data["tracker"])
        found = ballot is not None
    return TemplateResponse(request, "voting/check_receipt.html", {
        "contest": contest, "form": form, "found": found, "chained": bool(ballot and ballot.position),
    })


@require_GET
def record(request, pk):
    """The full public record, once the results are proclaimed."""
    contest = _sealed_contest(pk)
    if contest_phase(contest) is not Phase.PROCLAIMED:
        raise Http404
    response = JsonResponse(build_record(contest), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="urne-{contest.pk}.json"'
    return response


def profile_pb(request, pk):
    """A proclaimed equal-shares vote's anonymous profile as a Pabulib ``.pb`` file (with the record)."""
    from .services.pabulib import contest_pb

    contest = _sealed_contest(pk)
    if contest_phase(contest) is not Phase.PROCLAIMED:
        raise Http404
    try:
        text = contest_pb(contest)
    except NotReady:
        raise Http404 from None
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="profil-{contest.pk}.pb"'
    return response


@login_required
@require_GET
def trustee_home(request):
    trusteeships = Trustee.objects.filter(user=request.user).select_related("contest").order_by("-contest__opens_at")
    return TemplateResponse(request, "voting/trustee_home.html", {
        "trusteeships": [(t, contest_phase(t.contest), trustee_task(trustee=t, peek=True)) for t in trusteeships],
    })


@login_required
@require_GET
def trustee_page(request, trustee_pk):
    """One trusteeship: where the ceremony or the count stands, and the step due, done in the browser or offline."""
    trustee = get_object_or_404(Trustee.objects.select_related("contest"), pk=trustee_pk, user=request.user)
    contest = trustee.contest
    return TemplateResponse(request, "voting/trustee_page.html", {
        "trustee": trustee, "contest": contest, "phase": contest_phase(contest), "phases": Phase,
        "progress": ceremony.ceremony_progress(contest), "step": trustee_task(trustee=trustee, peek=True),
        "answer_form": AnswerUploadForm(),
    })


@login_required
@require_GET
def trustee_task_view(request, trustee_pk):
    """The task for the trustee's device (JSON); ``?download=1`` as a file for the offline tool."""
    trustee = get_object_or_404(Trustee.objects.select_related("contest"), pk=trustee_pk, user=request.user)
    try:
        task = trustee_task(trustee=trustee)
    except NotReady as waiting:  # e.g. the ballots are still being shuffled
        return JsonResponse({"error": str(waiting.message)}, status=409)
    if task is None:
        return JsonResponse({"error": _("There is nothing for you to do now.")}, status=404)
    response = JsonResponse(task)
    response["Cache-Control"] = "no-store"
    if request.GET.get("download"):
        response["Content-Disposition"] = (
            f'attachment; filename="tache-{task["step"]}-vote-{trustee.contest_id}-garant-{trustee.index}.json"'
        )
    return response


@login_required
@require_POST
def trustee_answer(request, trustee_pk):
    """The device's answer: a JSON body (the page) or an uploaded file (the offline tool)."""
    trustee = get_object_or_404(Trustee.objects.select_related("contest"), pk=trustee_pk, user=request.user)
    from_page = request.content_type == "application/json"
    try:
        if from_page:
            document = request.body
        else:
            form = AnswerUploadForm(request.POST, request.FILES)
            if not form.is_valid():
                raise InvalidAnswer(" ".join(form.errors.get("answer_file", [])))
            document = form.cleaned_data["answer_file"]
        message = submit_answer(trustee=trustee, user=request.user, document=document)
    except VotingError as error:
        if from_page:
            return JsonResponse({"error": str(error.message)}, status=400)
        messages.error(request, error.message)
        return redirect("voting:trustee_page", trustee.pk)
    if counting.ready_to_count(trustee.contest) and not hasattr(trustee.contest, "result"):
        contest_pk = trustee.contest_id
        transaction.on_commit(lambda: tasks.count_contest.delay(contest_pk))
    if from_page:
        return JsonResponse({"message": str(message)})
    messages.success(request, message)
    return redirect("voting:trustee_page", trustee.pk)
