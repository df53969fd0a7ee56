"""Forms of elections and consultations: the pages' admin forms, a candidate's application, the ballot.

The page forms check what the models cannot see alone (inline rows against
the page's fields) and refuse, once the ballots are sealed, any change to
what the sealed contests were built from.
"""

import hashlib
import json
from datetime import datetime

from django import forms
from django.db.models import Q
from PIL import Image as PILImage
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.images.fields import WagtailImageField

from home.video import privacy_embed_url
from voting.models import Contest, VoterRoll

from ..forms import limit_councils, page_form_site

SEALED_MESSAGE = _(
    "The ballots are sealed: their questions, answers, dates, voters and trustees can no longer change. "
    "An election officer can still open or close the vote now from its manage page."
)


def _rows(formset) -> list[dict]:
    """Cleaned data of a valid formset's kept rows."""
    if not formset.is_valid():
        return []
    return [form.cleaned_data for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]


def _key(value):
    """A comparable form of a field value: model instances and querysets by primary key.

    Dates compare to the minute, the admin's precision: a page whose dates
    carry seconds (built in code) would otherwise always look changed.
    """
    if isinstance(value, datetime):
        return value.replace(second=0, microsecond=0)
    if hasattr(value, "all") and hasattr(value, "model"):
        return frozenset(value.values_list("pk", flat=True))
    if isinstance(value, (list, tuple, set)):
        return frozenset(getattr(item, "pk", item) for item in value)
    return getattr(value, "pk", value)


class VotePageForm(WagtailAdminPageForm):
    """Shared checks of election and consultation pages.

    ``frozen_fields`` and ``frozen_rows()`` say what the sealed contests
    were built from; they are compared with the live page (the database row
    holds the published version), not with the draft being edited.
    """

    frozen_fields: tuple[str, ...] = ("opens_at", "closes_at", "proclaims_at", "threshold", "roll")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The page's own collectivity's councils and rolls: another's are not valid choices.
        site = page_form_site(self)
        limit_councils(self, site, "council", "councils")
        if "roll" in self.fields and site is not None:
            self.fields["roll"].queryset = self.fields["roll"].queryset.filter(Q(site=site) | Q(site=None))

    def frozen_rows(self, page) -> dict[str, tuple]:
        """Inline rows the contests were built from: ``{formset name: (live rows, rows of this form)}``."""
        trustees = lambda rows: sorted((row["name"], _key(row["user"])) for row in rows)  # noqa: E731
        return {
            "trustees": (
                trustees([{"name": t.name, "user": t.user_id} for t in page.trustees.all()]),
                trustees(_rows(self.formsets["trustees"])),
            )
        }

    def clean(self):
        cleaned = super().clean()
        trustees = _rows(self.formsets["trustees"])
        threshold = cleaned.get("threshold")
        if threshold and trustees and threshold > len(trustees):
            self.add_error(
                "threshold",
                _("Only %(count)d trustees are named: the number needed to count cannot be higher.")
                % {"count": len(trustees)},
            )
        users = [_key(row["user"]) for row in trustees]
        if len(set(users)) != len(users):
            self.add_error(None, _("Each trustee must have their own account."))
        self.refuse_changes_once_sealed(cleaned)
        return cleaned

    def refuse_changes_once_sealed(self, cleaned) -> None:
        if not self.instance.pk:
            return
        live = type(self.instance).objects.filter(pk=self.instance.pk).first()
        if live is None or not any(contest.is_frozen for contest in live.contests()):
            return
        changed = [
            name for name in self.frozen_fields if name in cleaned and _key(cleaned[name]) != _key(getattr(live, name))
        ]
        changed += [name for name, (before, after) in self.frozen_rows(live).items() if before != after]
        if changed:
            self.add_error(None, SEALED_MESSAGE)


class ElectionPageForm(VotePageForm):
    """An election's page: each council once, and councils that have polling stations."""

    def frozen_rows(self, page):
        seats = lambda rows: sorted((_key(row["council"]), row["seats"]) for row in rows)  # noqa: E731
        rows = super().frozen_rows(page)
        rows["council_seats"] = (
            seats([{"council": row.council_id, "seats": row.seats} for row in page.council_seats.all()]),
            seats(_rows(self.formsets["council_seats"])),
        )
        return rows

    def clean(self):
        cleaned = super().clean()
        councils = [row["council"] for row in _rows(self.formsets["council_seats"]) if row.get("council")]
        if len({council.pk for council in councils}) != len(councils):
            self.add_error(None, _("Each council can be listed only once in an election."))
        for council in councils:
            if not council.polling_stations.exists():
                self.add_error(
                    None,
                    _("%(council)s has no polling station: add its stations to the council first.")
                    % {"council": council.name},
                )
        return cleaned


class ConsultationPageForm(VotePageForm):
    """A consultation's page: at least one question, a roll that is ready when the roll votes."""

    frozen_fields = VotePageForm.frozen_fields + ("eligibility", "min_age", "councils")

    def frozen_rows(self, page):
        questions = lambda rows: [  # noqa: E731
            (row["question"].strip(), [a.strip() for a in row["answers"].splitlines() if a.strip()], row["max_choices"])
            for row in rows
        ]
        rows = super().frozen_rows(page)
        rows["questions"] = (
            questions(page.questions.values("question", "answers", "max_choices")),
            questions(_rows(self.formsets["questions"])),
        )
        return rows

    def clean(self):
        cleaned = super().clean()
        if self.formsets["questions"].is_valid() and not _rows(self.formsets["questions"]):
            self.add_error(None, _("Add at least one question, with its answers."))
        if cleaned.get("eligibility") == Contest.Eligibility.ROLL:
            roll = cleaned.get("roll")
            if roll is not None and roll.status != VoterRoll.Status.READY:
                self.add_error("roll", _("This electoral roll is not imported yet."))
            for council in cleaned.get("councils") or []:
                if not council.polling_stations.exists():
                    self.add_error(
                        "councils",
                        _("%(council)s has no polling station, so none of its voters is on the roll.")
                        % {"council": council.name},
                    )
        return cleaned


class CandidatePhotoField(WagtailImageField):
    """Wagtail's image field, refusing what it lets through or crashes on: cut-off and malformed images.

    Wagtail counts frames with the image library, which raises plain errors
    (not validation errors) on a truncated file; and a file whose headers are
    intact but whose pixels are cut passes every check, then breaks each page
    that shows it. The pixels are decoded here, after Wagtail has bounded
    their number.
    """

    def to_python(self, data):
        try:
            upload = super().to_python(data)
        except forms.ValidationError:
            raise
        except Exception as error:  # the image library's many errors on garbage mean one thing here
            raise forms.ValidationError(self.error_messages["invalid_image"], code="invalid_image") from error
        if upload is None:
            return None
        try:
            upload.seek(0)
            with PILImage.open(upload) as picture:
                picture.load()
        except Exception as error:
            raise forms.ValidationError(self.error_messages["invalid_image"], code="invalid_image") from error
        finally:
            upload.seek(0)
        return upload


class CandidateApplicationForm(forms.Form):
    """A resident's application: the council, the name on the ballot, a photo, a statement, a video."""

    council = forms.ModelChoiceField(label=_("Council"), queryset=None, empty_label=_("Choose your council"))
    name = forms.CharField(
        label=_("Your name, as printed on the ballot"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    photo = CandidatePhotoField(label=_("Your photo"), required=False)
    statement = forms.CharField(
        label=_("Your statement"),
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Why you stand and what you would do, in a few lines (1,500 characters at most)."),
    )
    video_url = forms.URLField(
        label=_("A video (optional)"),
        required=False,
        assume_scheme="https",
        help_text=_("A YouTube, Vimeo, Dailymotion or PeerTube link."),
    )
    consent = forms.BooleanField(
        label=_("I agree that my name, photo, statement and video are published on this site for the election."),
    )

    def __init__(self, *args, councils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils

    def clean_video_url(self):
        url = self.cleaned_data["video_url"]
        if url and privacy_embed_url(url) is None:
            raise forms.ValidationError(_("This link is not a YouTube, Vimeo, Dailymotion or PeerTube video."))
        return url


class ConsultationBallotForm(forms.Form):
    """A consultation's ballot: one encrypted ballot per question still open to this voter.

    The voter's device (``voting/static/voting/js/ballot.js``) encrypts each
    answer and posts ``ballots``, a JSON object ``{contest id: canonical
    ballot JSON}``, with ``trackers``, ``{contest id: tracker}`` as it showed
    them; an answer in clear is never read. Each ballot's proofs are checked
    when it is cast. Iterating the form gives the questions' contests, in
    order, for the page to render.
    """

    ballots = forms.CharField(widget=forms.HiddenInput)
    trackers = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, contests):
        super().__init__(data)
        self.contests = list(contests)

    def __iter__(self):
        return iter(self.contests)

    @staticmethod
    def _json_object(text: str) -> dict:
        try:
            value = json.loads(text or "{}")
        except ValueError:
            value = None
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise forms.ValidationError(_("Your encrypted vote could not be read. Reload the page and vote again."))
        return value

    def clean_ballots(self) -> dict:
        """``{contest: payload}``, only for questions this voter may still answer."""
        posted = self._json_object(self.cleaned_data["ballots"])
        open_to_voter = {str(contest.pk): contest for contest in self.contests}
        if not posted or any(key not in open_to_voter for key in posted):
            raise forms.ValidationError(_("Your encrypted vote could not be read. Reload the page and vote again."))
        return {open_to_voter[key]: payload for key, payload in posted.items()}

    def clean_trackers(self) -> dict:
        return self._json_object(self.cleaned_data["trackers"])

    def clean(self):
        """Each tracker the device showed must be its ballot's (the hash of the canonical JSON the server keeps)."""
        cleaned = super().clean()
        for contest, payload in (cleaned.get("ballots") or {}).items():
            shown = (cleaned.get("trackers") or {}).get(str(contest.pk))
            if shown is not None and shown != hashlib.sha256(payload.encode("utf-8")).hexdigest():
                raise forms.ValidationError(_("This ballot is not the one your device showed you. Nothing was recorded."))
        return cleaned
