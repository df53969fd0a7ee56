"""StreamField blocks that put a contest on any page: the ballot, and its results.

Thin on purpose: a block holds a chosen contest and an optional intro; the
state comes from the services, the forms post to voting's views.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .choosers import contest_chooser_viewset
from .phases import Phase, contest_phase

ContestChooserBlock = contest_chooser_viewset.get_block_class(name="ContestChooserBlock", module_path="voting.blocks")


class BallotBlock(blocks.StructBlock):
    """The voting form of a contest, with the roll check, confirmation step and receipt."""

    contest = ContestChooserBlock(label=_("Vote"))
    intro = blocks.RichTextBlock(label=_("Introduction"), required=False, features=["bold", "italic", "link"])

    def get_context(self, value, parent_context=None):
        from .views import ballot_context

        context = super().get_context(value, parent_context)
        request = (parent_context or {}).get("request")
        contest = value["contest"]
        if request is not None and contest is not None and contest.is_sealed:
            context.update(ballot_context(request, contest))
        return context

    class Meta:
        shared = False  # personal (a resident's form, status or ballot): rendered each time
        icon = "tick-inverse"
        label = _("Ballot")
        template = "voting/blocks/ballot_block.html"
        description = _("Lets residents vote in the chosen vote, when it is open.")


class ResultsBlock(blocks.StructBlock):
    """A contest's results once proclaimed; before that, only its dates."""

    contest = ContestChooserBlock(label=_("Vote"))
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=150)

    def get_context(self, value, parent_context=None):
        from .services import counting

        context = super().get_context(value, parent_context)
        contest = value["contest"]
        if contest is None:
            return context
        phase = contest_phase(contest)
        context.update(contest=contest, phase=phase, proclaimed=phase is Phase.PROCLAIMED)
        if phase is Phase.PROCLAIMED:
            from .services.by_commune import results_by_commune

            context.update(rows=counting.result_rows(contest), turnout=counting.turnout(contest),
                           by_commune=results_by_commune(contest))
        return context

    class Meta:
        shared = True  # the same HTML for everyone: kept per content generation (parvis_fragments)
        icon = "table"
        label = _("Vote results")
        template = "voting/blocks/results_block.html"
        description = _("Shows the results of the chosen vote once they are proclaimed.")
