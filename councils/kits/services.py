"""The rules of campaign kits: what a kit is made of, when it is rendered again, where its files are.

- ``kit_inputs``: what a candidate's kit shows, read from the database only
  (cheap), and its ``fingerprint``;
- ``render_kit``: render and store the files, unless the stored kit already
  has that fingerprint;
- ``current_kit``: the stored kit if it is still current;
- ``request_kit`` / ``request_election_kits``: queue the rendering once the
  transaction commits (Celery; inline in development and tests);
- ``kit_path``: the file of a kit, for the views that check who asks.

Only approved candidates have a kit: they are on the ballot and public.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from home.dates import format_date
from home.models import SiteSettings
from voting.exceptions import VotingError

from ..votes.models import Candidate, ElectionPage
from . import imaging, render, texts
from .models import CandidateKit, KitTemplate

logger = logging.getLogger(__name__)

# Bump when the drawing changes: every kit is then rendered again on its next request.
RENDER_VERSION = 3
DEFAULT_COLOURS = ("#1d4f91", "#a4262c")


class KitUnavailable(VotingError):
    default_message = gettext_lazy("Campaign kits are for approved candidates only.")


def default_texts() -> dict[str, str]:
    """Built-in wording, used for every text a kit template leaves empty (in the site's language)."""
    return {
        "headline": _("Candidate for the {council} neighbourhood council"),
        "call_to_action": _("Scan to vote online"),
        "short_post": _("I am standing for the {council} neighbourhood council. Vote online {dates}: {vote_url}"),
        "long_post": _(
            "I am standing for the {council} neighbourhood council in {town}.\n\n"
            "Voting is online this time: {dates}, from your phone or computer, in a few minutes. "
            "Your vote is secret and you can check it was counted.\n\n"
            "My statement and how to vote: {campaign_url}\n\nEvery vote counts. Share this post!"
        ),
        "email_subject": _("{election}: I am a candidate, and you can vote online"),
        "email_body": _(
            "Hello,\n\nI am standing in the {election} for the {council} neighbourhood council.\n\n"
            "You can vote online {dates}, from your phone or computer: {vote_url}\n"
            "It takes a few minutes and your vote stays secret.\n\n"
            "Why I am standing: {campaign_url}\n\nThank you for passing this on to your neighbours!\n\n{candidate}"
        ),
        "flyer_title": _("Vote online for your neighbourhood council"),
        "flyer_text": _("Your vote is secret and you can check it was counted. Paper voting stays open on polling day."),
    }


def default_steps() -> list[tuple[str, str]]:
    return [
        (_("Create your account"), _("on the town's participation site, with your e-mail address.")),
        (_("Confirm you are on the roll"), _("with the details of your voter card: name, birth date, polling station.")),
        (_("Vote"), _("tick your candidates, check and confirm.")),
        (_("Keep your receipt"), _("to check that your vote was counted.")),
    ]


# --- inputs and fingerprint --------------------------------------------------------------------------------------


@dataclass
class ImageRef:
    """A Wagtail image as the kit uses it: its file, and its focal point as fractions."""

    pk: int
    name: str
    file_hash: str
    focal_x: float | None = None
    focal_y: float | None = None

    @classmethod
    def of(cls, image) -> ImageRef | None:
        if image is None:
            return None
        focal = image.get_focal_point()
        ref = cls(pk=image.pk, name=image.file.name, file_hash=image.file_hash or str(image.file_size or ""))
        if focal is not None and image.width and image.height:
            ref.focal_x, ref.focal_y = focal.centroid.x / image.width, focal.centroid.y / image.height
        return ref

    @property
    def focal(self) -> imaging.FocalPoint:
        if self.focal_x is None:
            return imaging.PORTRAIT
        return imaging.FocalPoint(min(max(self.focal_x, 0), 1), min(max(self.focal_y, 0), 1))


@dataclass
class KitInputs:
    """Everything a kit is rendered from, as plain values (hashable into the fingerprint)."""

    candidate_id: int
    values: dict[str, str]
    texts: dict[str, str]
    statement: str
    primary: str
    accent: str
    photo: ImageRef | None
    logo: ImageRef | None
    background: ImageRef | None
    steps_title: str
    steps: list[tuple[str, str]]
    file_stem: str

    @property
    def fingerprint(self) -> str:
        payload = json.dumps({"version": RENDER_VERSION, **asdict(self)}, sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()


def vote_url(election: ElectionPage) -> str:
    """The election page's absolute URL: where the QR code leads."""
    return election.get_full_url() or settings.WAGTAILADMIN_BASE_URL.rstrip("/") + election.url


def campaign_url(candidate: Candidate) -> str:
    """The candidate's public campaign page, absolute: their personal share link."""
    return f"{vote_url(candidate.election)}candidats/{candidate.pk}-{slugify(candidate.name) or 'candidat'}/"


def _steps(template: KitTemplate | None) -> list[tuple[str, str]]:
    tutorial = template.tutorial if template else None
    if tutorial is None:
        return default_steps()
    steps = []
    for block in tutorial.steps:
        text = strip_tags(getattr(block.value.get("text"), "source", "") or "")
        steps.append((block.value.get("title", ""), Truncator(" ".join(text.split())).chars(160)))
    return steps[:8] or default_steps()


def kit_inputs(candidate: Candidate) -> KitInputs:
    """What this candidate's kit shows, from the database only (no picture is opened)."""
    election = candidate.election
    template = KitTemplate.objects.filter(election=election).select_related("logo", "background", "tutorial").first()
    site = election.get_site()
    town = SiteSettings.for_site(site) if site else None
    with translation.override(settings.LANGUAGE_CODE):
        schedule = election.schedule()
        opens = format_date(schedule["opens_at"])
        closes = format_date(schedule["closes_at"])
        values = {
            "candidate": candidate.name,
            "council": candidate.council.name,
            "election": election.title,
            "town": town.town_name if town else "",
            "opens": opens,
            "closes": closes,
            "dates": _("from %(opens)s to %(closes)s") % {"opens": opens, "closes": closes},
            "vote_url": vote_url(election),
            "campaign_url": campaign_url(candidate),
        }
        built_in = default_texts()
        chosen = {name: (getattr(template, name, "") if template else "") or built_in[name] for name in built_in}
        filled = {name: texts.fill(text, values) for name, text in chosen.items()}
        filled["dates_line"] = _("Vote online %(dates)s") % {"dates": values["dates"]}
        steps_title = _("How to vote online")
        steps = _steps(template)
    return KitInputs(
        candidate_id=candidate.pk,
        values=values,
        texts=filled,
        statement=Truncator(candidate.statement).chars(600),
        primary=(template and template.primary_colour) or (town and town.primary_colour) or DEFAULT_COLOURS[0],
        accent=(template and template.accent_colour) or (town and town.accent_colour) or DEFAULT_COLOURS[1],
        photo=ImageRef.of(candidate.photo),
        logo=ImageRef.of((template and template.logo) or (town and town.logo) or None),
        background=ImageRef.of(template.background if template else None),
        steps_title=steps_title,
        steps=steps,
        file_stem=slugify(candidate.name)[:40] or f"candidat-{candidate.pk}",
    )


# --- rendering ----------------------------------------------------------------------------------------------------


def _picture_messages() -> dict[str, str]:
    return {
        "too_large": _("This picture has too many pixels (at most %(megapixels)d megapixels).")
        % {"megapixels": settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS // 1_000_000},
        "unreadable": _("This file is not a picture we can read. Send a JPEG or PNG photo."),
    }


def _open(ref: ImageRef | None, background: str = "#ffffff"):
    """The picture behind ``ref``, or raise ``PictureRefused`` (missing file included)."""
    from wagtail.images import get_image_model

    image = get_image_model().objects.filter(pk=ref.pk).first()
    if image is None:
        raise imaging.PictureRefused(_picture_messages()["unreadable"])
    try:
        with image.open_file() as handle:
            return imaging.open_picture(
                handle, max_pixels=settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS, background=background,
                messages=_picture_messages(),
            )
    except OSError:  # the file is missing from the storage
        raise imaging.PictureRefused(_picture_messages()["unreadable"]) from None


def kit_spec(inputs: KitInputs) -> tuple[render.KitSpec, list[str]]:
    """The drawable spec, pictures opened; a picture that cannot be used is left out, with a warning why."""
    warnings = []
    pictures = {}
    for role, ref in (("photo", inputs.photo), ("logo", inputs.logo), ("background", inputs.background)):
        if ref is None:
            continue
        try:
            pictures[role] = _open(ref, background=inputs.primary if role == "background" else "#ffffff")
        except imaging.PictureRefused as refused:
            if role == "photo":
                warnings.append(_("Your photo could not be used: %(reason)s The kit shows your initials instead; "
                                  "send a new photo to the election officers.") % {"reason": refused.message})
            else:
                logger.warning("Kit template picture %s (%s) unusable: %s", ref.pk, role, refused.message)
    with translation.override(settings.LANGUAGE_CODE):
        posts = {
            _("posts"): "\n\n".join([
                _("Short post (280 characters)"), inputs.texts["short_post"], "—", _("Long post"),
                inputs.texts["long_post"],
            ]),
            _("e-mail"): "\n\n".join([
                _("Subject: %(subject)s") % {"subject": inputs.texts["email_subject"]}, inputs.texts["email_body"],
            ]),
        }
    spec = render.KitSpec(
        candidate=inputs.values["candidate"], council=inputs.values["council"], election=inputs.values["election"],
        town=inputs.values["town"], headline=inputs.texts["headline"], dates=inputs.texts["dates_line"],
        call_to_action=inputs.texts["call_to_action"],
        vote_url=inputs.values["vote_url"], statement=inputs.statement, primary=inputs.primary, accent=inputs.accent,
        photo=pictures.get("photo"), focal=inputs.photo.focal if inputs.photo else imaging.PORTRAIT,
        logo=pictures.get("logo"), background=pictures.get("background"),
        flyer_title=inputs.texts["flyer_title"], flyer_text=inputs.texts["flyer_text"],
        steps_title=inputs.steps_title, steps=inputs.steps,
        texts={slugify(name): text for name, text in posts.items()}, file_stem=inputs.file_stem,
    )
    return spec, warnings


def kits_root() -> Path:
    return Path(settings.PRIVATE_ROOT) / "kits"


def _folder(candidate_id: int, fingerprint: str) -> Path:
    return kits_root() / str(candidate_id) / fingerprint[:24]


def _is_stored(kit: CandidateKit) -> bool:
    folder = _folder(kit.candidate_id, kit.fingerprint)
    return all((folder / item["filename"]).is_file() for item in kit.files)


def _approved(candidate: Candidate) -> Candidate:
    candidate = Candidate.objects.select_related("election", "council", "photo").get(pk=candidate.pk)
    if candidate.status != Candidate.Status.APPROVED:
        raise KitUnavailable()
    return candidate


def current_kit(*, candidate: Candidate) -> CandidateKit | None:
    """The stored kit if it was rendered from what the candidate and the template say now, else None."""
    kit = CandidateKit.objects.filter(candidate=candidate).first()
    if kit is None or candidate.status != Candidate.Status.APPROVED:
        return None
    if kit.fingerprint != kit_inputs(candidate).fingerprint or not _is_stored(kit):
        return None
    return kit


def render_kit(*, candidate: Candidate, now=None, force: bool = False) -> CandidateKit:
    """Render and store an approved candidate's kit, unless the stored one is already current.

    A photo that cannot be used (unreadable, too many pixels) does not stop
    the kit: it is drawn with the initials placeholder and ``warning`` says
    why. Older renderings of this candidate are deleted once the new one is
    recorded.
    """
    candidate = _approved(candidate)
    inputs = kit_inputs(candidate)
    fingerprint = inputs.fingerprint
    existing = CandidateKit.objects.filter(candidate=candidate).first()
    if existing and existing.fingerprint == fingerprint and _is_stored(existing) and not force:
        return existing
    started = time.perf_counter()
    with translation.override(settings.LANGUAGE_CODE):  # a kit, and what it says about it, is in the site's language
        spec, warnings = kit_spec(inputs)
    files = render.render_kit(spec)
    folder = _folder(candidate.pk, fingerprint)
    folder.mkdir(parents=True, exist_ok=True)
    for item in files:
        (folder / item.filename).write_bytes(item.data)
    manifest = [
        {"key": item.key, "filename": item.filename, "content_type": item.content_type, "bytes": len(item.data),
         "width": item.width, "height": item.height}
        for item in files
    ]
    with transaction.atomic():
        kit, _created = CandidateKit.objects.update_or_create(
            candidate=candidate,
            defaults={"fingerprint": fingerprint, "files": manifest, "warning": " ".join(warnings),
                      "rendered_at": now or timezone.now(), "render_seconds": round(time.perf_counter() - started, 3)},
        )
    for old in (kits_root() / str(candidate.pk)).iterdir():
        if old != folder and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    return kit


def kit_path(*, kit: CandidateKit, key: str) -> tuple[dict, Path] | None:
    """The manifest entry and file of one part of a kit (``square``, ``flyer``, ``zip``...), if stored."""
    item = kit.file(key)
    if item is None:
        return None
    path = _folder(kit.candidate_id, kit.fingerprint) / item["filename"]
    return (item, path) if path.is_file() else None


# --- queueing -------------------------------------------------------------------------------------------------------


def request_kit(candidate: Candidate) -> None:
    """Render this candidate's kit once the current transaction commits (nothing if not approved then)."""
    from .tasks import render_candidate_kit

    # A lambda, not a partial: Django names the callback by its __qualname__ when a robust one fails.
    candidate_id = candidate.pk
    transaction.on_commit(lambda: render_candidate_kit.delay(candidate_id), robust=True)


def request_election_kits(election: ElectionPage) -> None:
    """Render again the kits of an election's approved candidates (template or dates changed)."""
    from .tasks import render_election_kits

    election_id = election.pk
    transaction.on_commit(lambda: render_election_kits.delay(election_id), robust=True)


def render_election(*, election: ElectionPage) -> list[CandidateKit]:
    """Every approved candidate's kit, each rendered only if it changed."""
    return [
        render_kit(candidate=candidate)
        for candidate in Candidate.objects.filter(election=election, status=Candidate.Status.APPROVED).order_by("pk")
    ]


def erase_kits(*, candidate: Candidate) -> None:
    """Delete a candidate's kit files and record (their data rights, or a rejected application)."""
    CandidateKit.objects.filter(candidate=candidate).delete()
    transaction.on_commit(partial(shutil.rmtree, kits_root() / str(candidate.pk), ignore_errors=True))
