"""Paper day: polling stations' lists, paper voters and each station's paper count.

Served only for sealed contests with an electoral roll (the paper rules
read the sealed options and the roll's stations).
"""

import csv

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from common.scoping import has_perm

from ..exceptions import VotingError
from ..models import Contest, PaperResult, Participation, RollEntry
from ..services import paper
from ..stations import split_key
from .forms import PaperResultForm, VoterSearchForm
from .mixins import ContestPageMixin, ContestPermissionMixin


class PaperDayMixin(ContestPermissionMixin):
    """Paper day needs its own permission, and a contest that is sealed and has a roll.

    The issuing collectivity's officers run every station; a member town's officers (holding the
    permission for their town's site) run their town's stations of a vote across towns, and see
    no other (``paper.officer_communes``).
    """

    permission_required = "voting.record_paper"
    contest_queryset = Contest.objects.exclude(sealed_at=None).exclude(roll=None)

    @cached_property
    def contest(self) -> Contest:
        contest = get_object_or_404(self.contest_queryset, pk=self.kwargs["pk"])
        if not (has_perm(self.request.user, "voting.record_paper", contest)
                or paper.officer_communes(self.request.user, contest)):
            raise Http404  # another collectivity's vote, with no station of theirs in it
        return contest

    @cached_property
    def communes(self) -> set[str] | None:
        return paper.officer_communes(self.request.user, self.contest)

    def stations(self) -> list[str]:
        return paper.stations(self.contest, self.communes)


class PaperDayView(PaperDayMixin, ContestPageMixin, TemplateView):
    """The contest's polling stations, each with its list, its voters and its count."""

    template_name = "voting/admin/paper_day.html"
    page_title = _("Paper day")

    def get_context_data(self, **kwargs):
        counted = set(PaperResult.objects.filter(contest=self.contest).values_list("polling_station", flat=True))
        stations = [{"code": station, "counted": station in counted, "commune": split_key(station)[0]}
                    for station in self.stations()]
        return super().get_context_data(stations=stations, **kwargs)


class StationMixin(PaperDayMixin):
    """One polling station of the contest, named in the URL."""

    @cached_property
    def station(self) -> str:
        if self.kwargs["station"] not in self.stations():
            raise Http404
        return self.kwargs["station"]

    def entries(self, family_name: str = "") -> list[RollEntry]:
        return list(paper.station_entries(self.contest, self.station, family_name))


class StationPageMixin(StationMixin, ContestPageMixin):
    """A station's admin page, under the contest's paper day in the breadcrumbs."""

    def get_parent_breadcrumbs(self):
        return [{"url": self.contest_url("paper"), "label": PaperDayView.page_title}]

    def get_context_data(self, **kwargs):
        kwargs["station"] = self.station  # the checked code, over the URL's
        return super().get_context_data(**kwargs)


class PaperStationView(StationPageMixin, TemplateView):
    """Look voters up and mark them as having voted on paper; enter the station's count.

    A refused count (more ballots than voters left, a negative number…) is
    shown on the form and nothing is saved.
    """

    template_name = "voting/admin/paper_station.html"

    def get_page_title(self):
        return gettext("Polling station %(station)s") % {"station": self.station}

    def result_form(self, data=None) -> PaperResultForm:
        recorded = PaperResult.objects.filter(contest=self.contest, polling_station=self.station).first()
        return PaperResultForm(
            data, options=self.contest.manifest["options"], initial=PaperResultForm.initial_from(recorded)
        )

    def get_context_data(self, **kwargs):
        search = VoterSearchForm(self.request.GET)
        family_name = search.cleaned_data["family_name"] if search.is_valid() else ""
        kwargs.setdefault("result_form", self.result_form())
        return super().get_context_data(
            search_form=search,
            family_name=family_name,
            entries=self.entries(family_name) if family_name else None,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = self.result_form(request.POST)
        if form.is_valid():
            try:
                paper.record_paper_result(
                    contest=self.contest, station=self.station, counts=form.counts(),
                    blank=form.cleaned_data["blank"], invalid=form.cleaned_data["invalid"], actor=request.user,
                )
            except VotingError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, gettext("The count of polling station %(station)s is saved.") % {"station": self.station}
                )
                return redirect(self.contest_url("paper_station", self.station))
        return self.render_to_response(self.get_context_data(result_form=form))


class PaperVoterView(PaperDayMixin, View):
    """POST: mark one roll entry as having voted on paper, then back to the station's search."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        entry = get_object_or_404(RollEntry, pk=kwargs["entry_pk"], roll=self.contest.roll_id)
        try:
            paper.record_paper_voter(contest=self.contest, roll_entry=entry, actor=request.user)
        except VotingError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                gettext("%(name)s is recorded as having voted on paper.")
                % {"name": f"{entry.family_name} {entry.given_names}"},
            )
        search = urlencode({"family_name": request.POST.get("family_name", "")})
        return redirect(f"{self.contest_url('paper_station', paper.entry_station(entry, self.contest))}?{search}")


class PaperListView(StationPageMixin, TemplateView):
    """The station's printable list: who may still vote, who already voted online."""

    template_name = "voting/admin/paper_list.html"

    def get_page_title(self):
        return gettext("List of polling station %(station)s") % {"station": self.station}

    def get_context_data(self, **kwargs):
        return super().get_context_data(entries=self.entries(), **kwargs)


class PaperExportView(StationMixin, View):
    """The printable list as CSV (semicolons and a BOM, as spreadsheets in France expect)."""

    def get(self, request, *args, **kwargs):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="paper-list-{self.contest.pk}-{self.station}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(
            [gettext("Family name"), gettext("Given names"), gettext("Birth date"), gettext("Voted online")]
        )
        for entry in self.entries():
            voted_online = entry.voted_channel == Participation.Channel.ONLINE
            writer.writerow([
                entry.family_name, entry.given_names, date_format(entry.birth_date, "SHORT_DATE_FORMAT"),
                gettext("yes") if voted_online else "",
            ])
        return response
