"""``MissionListBlock``: editors put missions taking offers on any page (home page, an event's article…).

Thin like every block: it holds only editorial configuration (title,
neighbourhood, skill, how many); the missions come from
``services.listed_missions`` at render time, so the list changes by itself
as missions fill up or close. Home's shared stream blocks import this
module: it must not import home (nor models at import time).
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class MissionListBlock(blocks.StructBlock):
    """The next missions still taking offers, optionally of one neighbourhood or one skill, with a link to all."""

    title = blocks.CharBlock(label=_("Title"), max_length=120, default="Devenir bénévole")
    council = SnippetChooserBlock("councils.Council", label=_("Neighbourhood"), required=False,
                                  help_text=_("Leave empty for missions of the whole town."))
    skill = SnippetChooserBlock("volunteering.Skill", label=_("Skill"), required=False,
                                help_text=_("Leave empty for every skill."))
    count = blocks.IntegerBlock(label=_("Number of missions"), min_value=1, max_value=12, default=3)

    def get_context(self, value, parent_context=None):
        from . import services

        context = super().get_context(value, parent_context)
        index = services.index_page()
        missions = list(services.listed_missions(council=value.get("council"), skill=value.get("skill"))[: value["count"]])
        for mission in missions:
            mission.url = index.mission_url(mission) if index else ""
        context.update(missions=missions, index=index)
        return context

    class Meta:
        shared = True  # the same HTML for everyone: kept per content generation (parvis_fragments)
        icon = "group"
        label = _("Volunteering missions")
        template = "volunteering/blocks/mission_list_block.html"
        description = _("The next volunteering missions still looking for volunteers.")
        preview_value = {"title": "Devenir bénévole", "council": None, "skill": None, "count": 3}
