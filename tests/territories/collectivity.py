"""One of each record a collectivity's staff handle, on that collectivity's site (for cross-collectivity tests)."""

from functools import cached_property

from django.utils.text import slugify

from accounts.models import AccreditedHelper, AssistanceEvent
from councils.models import Candidate, ConsultationIndexPage, KitTemplate
from notices.staff import send_staff_notice
from voting.models import AuditEvent, VoterRoll
from voting.services.audit import log

from ..budget.factories import make_budget, make_idea
from ..councils.election_factories import make_consultation, make_election
from ..councils.factories import CouncilFactory
from ..volunteering.factories import make_association, make_mission
from ..voting.factories import make_contest, make_ready_roll, make_user, sealed


class Collectivity:
    """``Collectivity(site, home, "Brissac", stations=("7", "8"))``: its records, each named after the town.

    Polling-station numbers are unique within a collectivity; the tests' towns still take their own, so a
    page showing a station number cannot pass for another town's.
    """

    def __init__(self, site, home, town: str, *, stations=("7", "8")):
        self.site, self.home, self.town = site, home, town
        self.stations = stations

    @cached_property
    def councils(self):
        return [CouncilFactory(name=f"Conseil {self.town} {side}", site=self.site, stations=[station],
                               areas=[("49320", side.lower())])
                for side, station in zip(("Nord", "Sud"), self.stations)]

    @property
    def council(self):
        return self.councils[0]

    @cached_property
    def votes_index(self):
        index = ConsultationIndexPage(title=f"Votes de {self.town}", slug=f"votes-{slugify(self.town)}")
        self.home.add_child(instance=index)
        index.save_revision().publish()
        return index

    @cached_property
    def roll(self):
        roll = make_ready_roll()
        VoterRoll.objects.filter(pk=roll.pk).update(site=self.site, name=f"Liste de {self.town}")
        return VoterRoll.objects.get(pk=roll.pk)

    def _town(self):
        return {"index": self.votes_index, "centre": self.councils[0], "pres": self.councils[1], "roll": self.roll}

    @cached_property
    def election(self):
        return make_election(self._town(), title=f"Élection de {self.town}", slug=f"election-{slugify(self.town)}")

    @cached_property
    def candidate(self):
        return Candidate.objects.create(election=self.election, council=self.council, name=f"Candidate de {self.town}",
                                        statement="Je me présente.")

    @cached_property
    def kit_template(self):
        return KitTemplate.objects.create(election=self.election, headline=f"Kit de {self.town}")

    @cached_property
    def consultation(self):
        return make_consultation(self._town(), title=f"Consultation de {self.town}",
                                 slug=f"consultation-{slugify(self.town)}")

    @cached_property
    def contest(self):
        contest, _secrets = sealed(make_contest(title=f"Scrutin de {self.town}", roll=self.roll, site=self.site))
        log(contest=contest, action="test_event", actor=None)
        return contest

    @cached_property
    def audit_event(self):
        return AuditEvent.objects.filter(contest=self.contest).first()

    @cached_property
    def budget(self):
        return make_budget(self.home, slug=f"budget-{slugify(self.town)}", title=f"Budget de {self.town}")

    @cached_property
    def idea(self):
        return make_idea(self.budget, author=make_user(f"auteur-{slugify(self.town)}@example.org"),
                         title=f"Idée de {self.town}")

    @cached_property
    def association(self):
        association = make_association(f"Association de {self.town}", council=self.council)
        association.site = self.site
        association.save(update_fields=["site"])
        return association

    @cached_property
    def mission(self):
        return make_mission(self.association, f"Mission de {self.town}")

    @cached_property
    def helper(self):
        user = make_user(f"aidant-{slugify(self.town)}")
        return AccreditedHelper.objects.create(user=user, role=AccreditedHelper.Role.DESK, site=self.site)

    @cached_property
    def assistance_event(self):
        return AssistanceEvent.objects.create(helper=self.helper.user, resident=None, action="idea", event="prepared")

    @cached_property
    def notice(self):
        return send_staff_notice(by=None, councils=[self.council], title=f"Avis de {self.town}", body="Travaux.",
                                 site=self.site)

    def everything(self) -> "Collectivity":
        """Build every record now (a test reading the database before and after needs them all there)."""
        for name in ("councils", "election", "candidate", "kit_template", "consultation", "contest", "audit_event",
                     "idea", "mission", "assistance_event", "notice"):
            getattr(self, name)
        return self

    def names(self) -> list[str]:
        """What would betray a record of this collectivity on a page: the names its staff gave them.

        Not the helper's account name: accounts are the whole platform's (one account for every
        collectivity), and forms that name an account (a trustee, a helper) list them all.
        """
        return [
            *(council.name for council in self.councils), self.election.title, self.candidate.name,
            self.consultation.title, self.contest.title, self.roll.name, self.budget.title, self.idea.title,
            self.association.name, self.mission.title, self.notice.notice.title,
        ]
