"""Voting-code letters in the admin: print them for the whole roll, follow the runs, reissue or revoke one.

One page per contest (``LettersView``), reached from its manage page; each
button posts to a small view that calls one service of
:mod:`voting.services.letters` or :mod:`voting.services.codes`. All of it
needs ``voting.mail_codes``.
"""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from ..exceptions import VotingError
from ..models import Contest, LetterRun, RollEntry, VotingCode
from ..normalize import name_key
from ..services import codes, letters
from .forms import VoterSearchForm
from .mixins import ContestPageMixin, ContestPermissionMixin


class LettersMixin(ContestPermissionMixin):
    permission_required = "voting.mail_codes"
    contest_queryset = Contest.objects.exclude(sealed_at=None).exclude(roll=None)


class LettersView(LettersMixin, ContestPageMixin, TemplateView):
    """The runs of letters with their progress and files; electors looked up by name to reissue or revoke."""

    template_name = "voting/admin/letters.html"
    page_title = _("Letters with voting codes")

    def get_context_data(self, **kwargs):
        form = VoterSearchForm(self.request.GET or None)
        found = []
        if form.is_valid() and form.cleaned_data["family_name"]:
            found = list(letters.contest_entries(self.contest).filter(
                match_name__startswith=name_key(form.cleaned_data["family_name"]))[:20])
            live = set(VotingCode.objects.filter(contest=self.contest, roll_entry__in=found, revoked_at=None)
                       .values_list("roll_entry_id", flat=True))
            for entry in found:
                entry.has_live_code = entry.pk in live
        runs = list(self.contest.letter_runs.all()[:20])
        return super().get_context_data(
            runs=runs, running=any(run.status in (LetterRun.Status.PENDING, LetterRun.Status.RUNNING) for run in runs),
            form=form, found=found, live_codes=VotingCode.objects.filter(contest=self.contest, revoked_at=None).count(),
            **kwargs,
        )


class LetterActionView(LettersMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            messages.success(request, self.perform())
        except VotingError as error:
            messages.error(request, error.message)
        return redirect(self.contest_url("letters"))

    def entry(self) -> RollEntry:
        return get_object_or_404(RollEntry, pk=self.kwargs["entry_pk"], roll_id=self.contest.roll_id)


class PrintAllView(LetterActionView):
    def perform(self):
        run = letters.request_letters(contest=self.contest, actor=self.request.user)
        return gettext("%(count)d letters are being printed. Each new code replaces the elector's previous one.") % {
            "count": run.total}


class ReissueView(LetterActionView):
    def perform(self):
        letters.request_letters(contest=self.contest, actor=self.request.user, roll_entry=self.entry())
        return gettext("A new letter is being printed; the previous code no longer works.")


class RevokeView(LetterActionView):
    def perform(self):
        if codes.revoke_code(contest=self.contest, roll_entry=self.entry(), actor=self.request.user):
            return gettext("The code is revoked: it no longer works.")
        return gettext("This elector had no code in use.")


class DeleteFilesView(LetterActionView):
    def perform(self):
        run = get_object_or_404(LetterRun, pk=self.kwargs["run_pk"], contest=self.contest)
        letters.delete_files(run=run, actor=self.request.user)
        return gettext("The PDF files are deleted. The codes they carried still work.")


class DownloadView(LettersMixin, View):
    """A run's PDF file, with the codes in clear: logged in the audit trail."""

    def get(self, request, *args, **kwargs):
        run = get_object_or_404(LetterRun, pk=kwargs["run_pk"], contest=self.contest)
        try:
            opened = letters.open_file(run=run, number=kwargs["number"], actor=request.user)
        except VotingError as error:
            messages.error(request, error.message)
            return redirect(self.contest_url("letters"))
        response = FileResponse(opened, content_type="application/pdf", as_attachment=True,
                                filename=f"lettres-vote-{self.contest.pk}-{run.pk}-{kwargs['number']:04d}.pdf")
        response["Cache-Control"] = "no-store"
        return response
