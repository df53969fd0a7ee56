"""The blocks of a council's “actions and news” stream.

News, events and achievements are the council's own; documents and videos are
the site's shared blocks (``home.blocks``), so they look the same everywhere.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageBlock

from home.blocks import DocumentBlock, VideoBlock

TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


class NewsItemBlock(blocks.StructBlock):
    """A short piece of news: a meeting report, a decision, a call for volunteers."""

    title = blocks.CharBlock(label=_("Title"), max_length=150)
    date = blocks.DateBlock(label=_("Date"))
    text = blocks.RichTextBlock(label=_("Text"), features=TEXT_FEATURES)
    image = ImageBlock(label=_("Image"), required=False)

    class Meta:
        shared = True  # the same HTML for everyone: kept per content generation (parvis_fragments)
        icon = "doc-full-inverse"
        label = _("News item")
        template = "councils/blocks/news_item_block.html"
        description = _("A dated piece of news from the council.")
        preview_value = {
            "title": "Compte rendu de la réunion de mars",
            "date": "2027-03-14",
            "text": "<p>Le conseil a voté l'installation de trois bancs le long du canal.</p>",
        }


class EventBlock(blocks.StructBlock):
    """A public event of the council: when, where, and what it is about."""

    title = blocks.CharBlock(label=_("Title"), max_length=150)
    start = blocks.DateTimeBlock(label=_("Starts"))
    end = blocks.DateTimeBlock(label=_("Ends"), required=False)
    place = blocks.CharBlock(label=_("Place"), max_length=200, help_text=_("e.g. “Salle des fêtes, 2 rue de la Poste”."))
    description = blocks.TextBlock(label=_("Description"), required=False)

    def clean(self, value):
        value = super().clean(value)
        if value.get("end") and value["end"] <= value["start"]:
            raise StructBlockValidationError(
                block_errors={"end": ValidationError(_("The event must end after it starts."))}
            )
        return value

    class Meta:
        shared = True  # the same HTML for everyone: kept per content generation (parvis_fragments)
        icon = "date"
        label = _("Event")
        template = "councils/blocks/event_block.html"
        description = _("A public meeting, a walk through the neighbourhood, a party…")
        preview_value = {
            "title": "Balade urbaine",
            "start": "2027-04-10T10:00:00",
            "place": "Départ devant l'école Jules-Ferry",
            "description": "Repérons ensemble les endroits à améliorer.",
        }


class AchievementBlock(blocks.StructBlock):
    """Something the council made happen, shown with a photo."""

    title = blocks.CharBlock(label=_("Title"), max_length=150)
    date = blocks.DateBlock(label=_("Completed on"), required=False)
    text = blocks.RichTextBlock(label=_("Text"), features=TEXT_FEATURES)
    photo = ImageBlock(label=_("Photo"))

    class Meta:
        shared = True  # the same HTML for everyone: kept per content generation (parvis_fragments)
        icon = "success"
        label = _("Achievement")
        template = "councils/blocks/achievement_block.html"
        description = _("A completed project, with a photo.")


class CouncilNewsBlock(blocks.StreamBlock):
    """The council page's “actions and news”, in the order editors give them."""

    news_item = NewsItemBlock()
    event = EventBlock()
    achievement = AchievementBlock()
    document = DocumentBlock()
    video = VideoBlock()
