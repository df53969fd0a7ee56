"""A contest's control room: where it stands, and the buttons that move it on.

Each button posts to its own small view, which calls one service and turns
a ``VotingError`` into an error message. ``ACTIONS`` lists them in the
order of a vote's life; the page offers those of the current phase that the
officer is allowed to take, the service having the last word.
"""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from common.scoping import has_perm

from .. import tasks
from ..exceptions import VotingError
from ..phases import Phase, contest_phase
from ..notify import tell_trustees
from ..services import by_commune, ceremony, counting, setup
from .mixins import ContestPageMixin, ContestPermissionMixin
from .paper import PaperDayMixin

# Any one of these opens the manage page; each button checks its own.
MANAGE_PERMISSIONS = (
    "voting.view_contest",
    "voting.change_contest",
    "voting.seal_contest",
    "voting.count_contest",
    "voting.record_paper",
    "voting.mail_codes",
)


class ContestActionView(ContestPermissionMixin, View):
    """POST only: run ``perform()``, report its outcome, go back to the manage page.

    Subclasses set ``name`` (URL name), ``label`` and ``help`` (the button
    and what it does), ``phase`` (when the page offers it) and
    ``permission_required``.
    """

    http_method_names = ["post"]
    name: str
    label: str
    help: str
    phase: Phase

    def post(self, request, *args, **kwargs):
        try:
            message = self.perform()
        except VotingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, message)
        return redirect(self.contest_url("manage"))

    def perform(self) -> str:
        """Call the service; return the success message."""
        raise NotImplementedError

    @classmethod
    def available(cls, contest) -> bool:
        """Override to offer the button only in some states of its phase."""
        return True


class SealView(ContestActionView):
    name = "seal"
    label = _("Start the key ceremony")
    help = _("Freezes the options, rule, roll and trustees, and asks each trustee to make their part of the key "
             "on their own device. The vote is sealed once they all have. Cannot be undone.")
    phase = Phase.DRAFT
    permission_required = "voting.seal_contest"

    @classmethod
    def available(cls, contest) -> bool:
        return not contest.is_frozen

    def perform(self):
        contest = ceremony.start_key_ceremony(contest=self.contest, actor=self.request.user)
        tell_trustees([contest])
        return gettext("The key ceremony has started. Each trustee has been asked to make their part of the key.")


class RestartCeremonyView(ContestActionView):
    name = "restart_ceremony"
    label = _("Start the key ceremony again")
    help = _("Drops what trustees have done so far; each makes new keys. Use it after a complaint held, or when a "
             "trustee lost their key file before the vote was sealed.")
    phase = Phase.DRAFT
    permission_required = "voting.seal_contest"

    @classmethod
    def available(cls, contest) -> bool:
        return contest.is_frozen

    def perform(self):
        contest = ceremony.restart_key_ceremony(contest=self.contest, actor=self.request.user)
        tell_trustees([contest])
        return gettext("The key ceremony starts again. Each trustee has been asked to make new keys.")


class CancelCeremonyView(ContestActionView):
    name = "cancel_ceremony"
    label = _("Cancel the key ceremony")
    help = _("Drops what trustees have done and unfreezes the vote, so you can change it (e.g. replace a trustee) "
             "and start the ceremony again.")
    phase = Phase.DRAFT
    permission_required = "voting.seal_contest"

    @classmethod
    def available(cls, contest) -> bool:
        return contest.is_frozen

    def perform(self):
        ceremony.cancel_key_ceremony(contest=self.contest, actor=self.request.user)
        return gettext("The key ceremony is cancelled: the vote can be changed, then its ceremony started again.")


class OpenNowView(ContestActionView):
    name = "open"
    label = _("Open now")
    help = _("Opens the vote now rather than at the scheduled time, once every trustee has their share.")
    phase = Phase.SCHEDULED
    permission_required = "voting.seal_contest"

    def perform(self):
        setup.set_dates_by_hand(contest=self.contest, actor=self.request.user, open_now=True)
        return gettext("The vote is open.")


class CloseNowView(ContestActionView):
    name = "close"
    label = _("Close now")
    help = _("Closes online voting now rather than at the scheduled time.")
    phase = Phase.OPEN
    permission_required = "voting.seal_contest"

    def perform(self):
        setup.set_dates_by_hand(contest=self.contest, actor=self.request.user, close_now=True)
        return gettext("The vote is closed.")


class CountView(ContestActionView):
    name = "count"
    label = _("Count")
    help = _("Combines the trustees' partial decryptions into the online count. Results stay unpublished.")
    phase = Phase.CLOSED
    permission_required = "voting.count_contest"

    def perform(self):
        counting.check_ready_to_count(self.contest)
        tasks.count_contest.delay(self.contest.pk)
        return gettext("Counting has started. The results appear on this page once it is done.")


class ProclaimView(ContestActionView):
    name = "proclaim"
    label = _("Proclaim the results")
    help = _("Publishes the results and the public record now, before the scheduled time.")
    phase = Phase.COUNTED
    permission_required = "voting.count_contest"

    def perform(self):
        counting.proclaim(contest=self.contest, actor=self.request.user)
        return gettext("The results are proclaimed.")


ACTIONS = [SealView, RestartCeremonyView, CancelCeremonyView, OpenNowView, CloseNowView, CountView, ProclaimView]


class ContestManageView(ContestPermissionMixin, ContestPageMixin, TemplateView):
    """Phase, manifest, trustees' shares, turnout, results, audit trail and the next step."""

    template_name = "voting/admin/contest_manage.html"
    page_title = _("Manage")
    permission_required = MANAGE_PERMISSIONS
    recent_events = 20

    def get_context_data(self, **kwargs):
        contest, user = self.contest, self.request.user
        phase = contest_phase(contest)
        trustees = list(contest.trustees.select_related("user"))
        return super().get_context_data(
            phase=phase,
            actions=[
                {"label": action.label, "help": action.help, "url": self.contest_url(action.name)}
                for action in ACTIONS
                if action.phase is phase and action.available(contest) and has_perm(user, action.permission_required, contest)
            ],
            can_edit=not contest.is_frozen and has_perm(user, "voting.change_contest", contest),
            ceremony=ceremony.ceremony_progress(contest),
            can_mail_codes=has_perm(user, "voting.mail_codes", contest) and contest.is_sealed and bool(contest.roll_id),
            can_record_paper=has_perm(user, PaperDayMixin.permission_required, contest)
            and PaperDayMixin.contest_queryset.filter(pk=contest.pk).exists(),
            trustees=trustees,
            decrypted=sum(trustee.partial_decryption is not None for trustee in trustees),
            turnout=counting.turnout(contest) if contest.is_sealed else None,
            turnout_by_commune=self.turnout_by_commune(),
            **self.result_context(),
            events=contest.audit_events.select_related("actor")[: self.recent_events],
            **kwargs,
        )

    def turnout_by_commune(self) -> list[dict]:
        """Per commune, for a vote whose roll spans several (a single town's roll: nothing more to show)."""
        if not self.contest.is_sealed:
            return []
        rows = by_commune.turnout_by_commune(self.contest)
        if len(rows) < 2:
            return []
        names = by_commune.commune_names([row["commune"] for row in rows])
        return [{**row, "name": names.get(row["commune"], row["commune"])} for row in rows]

    def result_context(self) -> dict:
        """The count, once there is one: rows per option (and blank), invalid paper ballots, proclamation."""
        try:
            result = self.contest.result
        except ObjectDoesNotExist:
            return {"result": None}
        return {
            "result": result,
            "result_rows": counting.result_rows(self.contest),
            "results_by_commune": by_commune.results_by_commune(self.contest),
            "paper_invalid": counting.merged_results(self.contest)["paper"]["invalid"],
        }
