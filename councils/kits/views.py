"""Candidates' pages: the public campaign page, the ambassador page with the kit, the kit's files.

Routes of ``ElectionPage`` (``candidats/...``). Thin: find the candidate,
ask :mod:`.rules` who may see what, ask :mod:`.services` for the kit.
"""

from urllib.parse import quote, urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponsePermanentRedirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..votes.models import Candidate, ElectionPage
from . import rules, services
from .models import CandidateKit
from .tasks import render_candidate_kit

# Public: the square visual is the campaign page's preview picture (og:image) once the candidate is approved.
PUBLIC_FILES = {"square"}
FILE_LABELS = {
    "square": (gettext_lazy("Square post"), "1080 × 1080"),
    "story": (gettext_lazy("Story"), "1080 × 1920"),
    "banner": (gettext_lazy("Banner"), "1500 × 500"),
}


def _candidate(page: ElectionPage, candidate_id: int) -> Candidate:
    candidate = (
        Candidate.objects.filter(pk=candidate_id, election=page).select_related("council", "photo", "election").first()
    )
    if candidate is None:
        raise Http404
    return candidate


def share_links(url: str, text: str, subject: str) -> list[dict]:
    """Plain share addresses: no third-party script runs on our pages, the network only sees a click."""
    return [
        {"network": _("E-mail"), "url": "mailto:?" + urlencode({"subject": subject, "body": f"{text}\n\n{url}"},
                                                                  quote_via=quote)},
        {"network": "Facebook", "url": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})},
        {"network": "X (Twitter)", "url": "https://twitter.com/intent/tweet?" + urlencode({"url": url, "text": text})},
        {"network": "LinkedIn", "url": "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})},
        {"network": "WhatsApp", "url": "https://wa.me/?" + urlencode({"text": f"{text} {url}"})},
    ]


def campaign_page(request, page: ElectionPage, candidate_id: int, slug: str):
    """An approved candidate's public page: photo, council, statement, dates, the way to vote, share buttons."""
    candidate = _candidate(page, candidate_id)
    if not rules.is_approved(candidate):
        raise Http404
    canonical = slugify(candidate.name) or "candidat"
    if slug != canonical:
        return HttpResponsePermanentRedirect(f"{page.url}candidats/{candidate.pk}-{canonical}/")
    url = services.campaign_url(candidate)
    share_text = _("%(candidate)s stands for the %(council)s neighbourhood council: vote online!") % {
        "candidate": candidate.name, "council": candidate.council.name,
    }
    kit = services.current_kit(candidate=candidate)
    return TemplateResponse(request, "councils/kits/campaign.html", {
        "page": page,
        "candidate": candidate,
        "schedule": page.schedule(),
        "campaign_url": url,
        "share_links": share_links(url, share_text, page.title),
        "preview_url": f"{services.vote_url(page)}candidats/{candidate.pk}/kit/square/" if kit else None,
        "is_owner": rules.owns(request.user, candidate),
    })


def _kit_files(page: ElectionPage, candidate: Candidate, kit) -> list[dict]:
    base = f"{page.url}candidats/{candidate.pk}/kit/"
    rows = []
    for item in kit.files:
        rows.append({
            **item,
            "url": f"{base}{item['key']}/",
            "kilobytes": round(item["bytes"] / 1024, 1),
            "label": FILE_LABELS.get(item["key"], (None, None))[0],
            "dimensions": FILE_LABELS.get(item["key"], (None, None))[1],
        })
    return rows


def ambassador_page(request, page: ElectionPage, candidate_id: int):
    """The candidate's own kit: visuals, flyer, posts and e-mail to copy, the zip, their share link."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    candidate = _candidate(page, candidate_id)
    if not rules.may_see_kit(request.user, candidate):
        raise PermissionDenied
    kit = services.current_kit(candidate=candidate)
    if kit is None:
        render_candidate_kit.delay(candidate.pk)  # inline without a broker; else a worker's job
        kit = services.current_kit(candidate=candidate)
    inputs = services.kit_inputs(candidate)
    url = services.campaign_url(candidate)
    files = _kit_files(page, candidate, kit) if kit else []
    response = TemplateResponse(request, "councils/kits/ambassador.html", {
        "page": page,
        "candidate": candidate,
        "kit": kit,
        "visuals": [row for row in files if row["key"] in FILE_LABELS],
        "flyer": next((row for row in files if row["key"] == "flyer"), None),
        "archive": next((row for row in files if row["key"] == "zip"), None),
        "text_fields": [
            {"name": "short-post", "label": _("Short post"), "text": inputs.texts["short_post"], "rows": 5},
            {"name": "long-post", "label": _("Long post"), "text": inputs.texts["long_post"], "rows": 8},
            {"name": "email-subject", "label": _("E-mail subject"), "text": inputs.texts["email_subject"], "rows": 2},
            {"name": "email-body", "label": _("E-mail"), "text": inputs.texts["email_body"], "rows": 12},
        ],
        "campaign_url": url,
        "share_links": share_links(url, inputs.texts["short_post"], inputs.texts["email_subject"]),
    })
    patch_cache_control(response, private=True, no_store=True)
    return response


def download(request, page: ElectionPage, candidate_id: int, key: str):
    """One file of the kit (or the zip), for the candidate and staff; the square visual for anyone."""
    candidate = _candidate(page, candidate_id)
    if not rules.is_approved(candidate):
        raise Http404
    if key not in PUBLIC_FILES:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not rules.may_see_kit(request.user, candidate):
            raise PermissionDenied
    kit = CandidateKit.objects.filter(candidate=candidate).first()
    found = services.kit_path(kit=kit, key=key) if kit else None
    if found is None:
        raise Http404
    item, path = found
    inline = item["content_type"].startswith("image/") and "download" not in request.GET
    response = FileResponse(path.open("rb"), as_attachment=not inline, filename=item["filename"],
                            content_type=item["content_type"])
    if key in PUBLIC_FILES:
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
