"""Voting with the code mailed by post: no account, no e-mail.

The resident types the code and their birth date (``services.codes.check_code``);
their session then holds the code's id, for :data:`SESSION_SECONDS`, and
the page shows the same ballot as everyone's, encrypted on their device.
Casting reads the code from the session again and checks it is still
live. Once the vote is recorded the session forgets the code.
"""

import time
from urllib.parse import urlencode

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.http import client_ip

from .exceptions import VotingError
from .forms import VotingCodeForm
from .models import Contest
from .phases import Phase, contest_phase
from .services.casting import audit_ballot, audited_labels
from .services.codes import cast_ballot_with_code, check_code, live_code
from .services.eligibility import BallotStatus
from .views import _json_body

SESSION_SECONDS = 30 * 60
"""How long a checked code lets its holder vote without typing it again."""


def _contest(pk: int) -> Contest:
    return get_object_or_404(Contest.objects.exclude(sealed_at=None).filter(eligibility=Contest.Eligibility.ROLL), pk=pk)


def _session_key(contest: Contest) -> str:
    return f"voting-code:{contest.pk}"


def _checked_code_id(request, contest: Contest) -> int | None:
    held = request.session.get(_session_key(contest))
    if not held or held.get("until", 0) < time.time():
        return None
    return held["code"]


@require_http_methods(["GET", "POST"])
def code_vote(request, pk):
    """The code form; once a code is checked, the ballot."""
    contest = _contest(pk)
    phase = contest_phase(contest)
    form = VotingCodeForm(request.POST or None)
    if request.method == "POST" and phase is Phase.OPEN:
        if form.is_valid():
            try:
                code = check_code(contest=contest, code=form.cleaned_data["code"],
                                  birth_date=form.cleaned_data["birth_date"], source=client_ip(request))
            except VotingError as error:
                form.add_error(None, error.message)
            else:
                request.session.cycle_key()  # a new session id once the code is proven: no fixation
                request.session[_session_key(contest)] = {"code": code.pk, "until": time.time() + SESSION_SECONDS}
                return redirect(f"{reverse('voting:code_vote', args=[contest.pk])}#vote-{contest.pk}")
    code_id = _checked_code_id(request, contest) if phase is Phase.OPEN else None
    return TemplateResponse(request, "voting/code_vote.html", {
        "contest": contest, "phases": Phase, "form": form, "code_checked": code_id is not None,
        "status": BallotStatus(phase=phase, can_vote=code_id is not None),
        "cast_url": reverse("voting:cast_with_code", args=[contest.pk]),
        "audit_url": reverse("voting:audit_with_code", args=[contest.pk]),
        "next": "",
    })


@require_POST
def cast_with_code(request, pk):
    """Cast the ballot the device encrypted, for the elector whose code this session checked."""
    contest = _contest(pk)
    back = f"{reverse('voting:code_vote', args=[contest.pk])}#vote-{contest.pk}"
    code_id = _checked_code_id(request, contest)
    if code_id is None:
        messages.error(request, _("Type your voting code and birth date again: the page waited too long."))
        return redirect(back)
    payload = request.POST.get("ballot")
    if not payload:
        messages.error(request, _("Your choice was not encrypted on your device, so it was not sent and nothing was "
                                  "recorded. Online voting needs JavaScript; you can also vote on paper."))
        return redirect(back)
    try:
        tracker = cast_ballot_with_code(contest=contest, code_id=code_id, payload=payload,
                                        tracker=request.POST.get("tracker") or None)
    except VotingError as error:
        messages.error(request, error.message)
        return redirect(back)
    request.session.pop(_session_key(contest), None)
    messages.success(request, _("Your vote has been recorded. Thank you!"))
    url = reverse("voting:receipt", args=[contest.pk, tracker])
    return redirect(f"{url}?{urlencode({'next': reverse('voting:code_vote', args=[contest.pk])})}")


@require_POST
def audit_with_code(request, pk):
    """Benaloh's challenge for a code holder (see ``views.audit``)."""
    contest = _contest(pk)
    code_id = _checked_code_id(request, contest)
    data = _json_body(request)
    if code_id is None:
        return JsonResponse({"error": _("Type your voting code and birth date again: the page waited too long.")},
                            status=400)
    if data is None or not isinstance(data.get("ballot"), str):
        return JsonResponse({"error": _("This is not an audit request.")}, status=400)
    try:
        live_code(contest=contest, code_id=code_id)
        audited = audit_ballot(contest=contest, user=None, payload=data["ballot"], choices=data.get("choices"),
                               nonces=data.get("nonces"), code_id=code_id)
    except VotingError as error:
        return JsonResponse({"error": str(error.message)}, status=400)
    return JsonResponse({
        "tracker": audited.tracker,
        "labels": audited_labels(contest, audited),
        "published": request.build_absolute_uri(reverse("voting:audited", args=[contest.pk])),
    })
