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
from parvis.http import client_ip

from .exceptions import VotingError
from .forms import BallotForm, ReceiptCheckForm, RollProofForm, ShareUploadForm
from .models import Contest, Trustee
from .phases import Phase, contest_phase
from .services import counting, setup
from .services.casting import cast_vote, find_receipt
from .services.eligibility import ballot_status
from .services.record import build_record
from .services.roll import prove_roll_membership


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
        "ballot_form": BallotForm(contest=contest) if status.can_vote else None,
        "roll_form": RollProofForm(prefix=f"roll{contest.pk}") if status.needs_roll_proof else None,
        "next": request.get_full_path(),
    }


@require_POST
@login_required
def prove_roll(request, pk):
    contest = _sealed_contest(pk)
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


@require_POST
@login_required
def confirm(request, pk):
    """Second step: show the choice back to the voter before it is cast."""
    contest = _sealed_contest(pk)
    form = BallotForm(request.POST, contest=contest)
    if not form.is_valid():
        messages.error(request, _("Your choice is not valid: %(errors)s") % {"errors": " ".join(form.errors.get("choice", []))})
        return _back(request, contest)
    return TemplateResponse(request, "voting/confirm.html", {
        "contest": contest, "form": form, "labels": form.chosen_labels(),
        "values": [str(i) for i in form.option_ids()] or ["blank"], "next": _next_value(request),
    })


@require_POST
@login_required
def cast(request, pk):
    contest = _sealed_contest(pk)
    form = BallotForm(request.POST, contest=contest)
    if not form.is_valid():
        messages.error(request, _("Your choice is not valid. Nothing was recorded."))
        return _back(request, contest)
    try:
        tracker = cast_vote(contest=contest, user=request.user, option_ids=form.option_ids())
    except VotingError as error:
        messages.error(request, error.message)
        return _back(request, contest)
    messages.success(request, _("Your vote has been recorded. Thank you!"))
    url = reverse("voting:receipt", args=[contest.pk, tracker])
    next_value = _next_value(request)
    return redirect(f"{url}?{urlencode({'next': next_value})}" if next_value else url)


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


@login_required
@require_GET
def trustee_home(request):
    trusteeships = Trustee.objects.filter(user=request.user).select_related("contest").order_by("-contest__opens_at")
    return TemplateResponse(request, "voting/trustee_home.html", {
        "trusteeships": [(t, contest_phase(t.contest)) for t in trusteeships], "phases": Phase, "upload_form": ShareUploadForm(),
    })


@login_required
@require_POST
def download_share(request, trustee_pk):
    trustee = get_object_or_404(Trustee, pk=trustee_pk, user=request.user)
    try:
        document = setup.download_share(trustee=trustee, user=request.user)
    except VotingError as error:
        messages.error(request, error.message)
        return redirect("voting:trustee_home")
    response = HttpResponse(json.dumps(document, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="part-de-cle-vote-{trustee.contest_id}-garant-{trustee.index}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def upload_share(request, trustee_pk):
    trustee = get_object_or_404(Trustee, pk=trustee_pk, user=request.user)
    form = ShareUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("share_file", [])))
        return redirect("voting:trustee_home")
    try:
        counting.submit_share(trustee=trustee, user=request.user, share_document=form.cleaned_data["share_file"])
    except VotingError as error:
        messages.error(request, error.message)
        return redirect("voting:trustee_home")
    messages.success(request, _("Thank you: your share has been used and not kept. The count starts once enough trustees have come."))
    if counting.ready_to_count(trustee.contest):
        contest_pk = trustee.contest_id
        transaction.on_commit(lambda: tasks.count_contest.delay(contest_pk))
    return redirect("voting:trustee_home")
