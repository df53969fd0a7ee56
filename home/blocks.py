"""Content blocks shared by every page type of the site.

Editors compose articles, tutorials and standard pages from these blocks;
participation modules (ideas, ballots, results) add their own blocks in their
apps and reuse ``BaseStreamBlock`` for the editorial parts.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

from volunteering.blocks import MissionListBlock
from voting.blocks import BallotBlock, ResultsBlock

from .video import privacy_embed_url


class HeadingBlock(blocks.StructBlock):
    """A section heading; the level keeps the document outline correct (RGAA 9.1)."""

    text = blocks.CharBlock(label=_("Heading"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Level 2")), ("h3", _("Level 3")), ("h4", _("Level 4"))],
        default="h2",
    )

    class Meta:
        shared = True  # the same HTML for everyone: kept per content generation (parvis_fragments)
        icon = "title"
        label = _("Heading")
        template = "home/blocks/heading_block.html"
        description = _("A section title. Use level 2 for main sections.")
        preview_value = {"text": "Comment participer ?", "level": "h2"}


class FigureBlock(blocks.StructBlock):
    """An image with its alternative text, an optional caption and credit."""

    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)
    credit = blocks.CharBlock(label=_("Credit"), required=False, max_length=120)

    class Meta:
        shared = True  # the same HTML for everyone: kept per content generation (parvis_fragments)
        icon = "image"
        label = _("Image")
        template = "home/blocks/figure_block.html"
        description = _("An image. Describe it in the alt text unless it is decorative.")


class QuoteBlock(blocks.StructBlock):
    """A quotation from a resident, an elected official or a document."""

    text = blocks.TextBlock(label=_("Quotation"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=120)

    class Meta:
        shared = True  # the same HTML for everyone: kept per content generation (parvis_fragments)
        icon = "openquote"
        label = _("Quote")
        template = "home/blocks/quote_block.html"
        description = _("A quotation with who said it.")
        preview_value = {"text": "Le quartier, c'est nous qui le faisons.", "attribution": "Une habitante"}


class VideoBlock(blocks.StructBlock):
    """A video: an uploaded file (served by the town) or a link to a video host.

    Hosted videos are shown behind a consent button and through the host's
    no-cookie address. A transcript keeps the content accessible (RGAA 4.1).
    """

    title = blocks.CharBlock(label=_("Title"), max_length=150)
    file = DocumentChooserBlock(
        label=_("Video file"), required=False, help_text=_("An MP4 or WebM file from the document library.")
    )
    captions = DocumentChooserBlock(
        label=_("Captions (WebVTT)"), required=False, help_text=_("A .vtt subtitle file for the uploaded video.")
    )
    url = blocks.URLBlock(
        label=_("Or a link to the video"),
        required=False,
        help_text=_("YouTube, Vimeo, Dailymotion or PeerTube address."),
    )
    transcript = blocks.RichTextBlock(
        label=_("Transcript"), required=False, features=["bold", "italic", "link", "ol", "ul"]
    )

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if not value.get("file") and not value.get("url"):
            errors["file"] = ValidationError(_("Choose a video file or give a link to a video."))
        if value.get("url") and privacy_embed_url(value["url"]) is None:
            errors["url"] = ValidationError(_("This link is not a YouTube, Vimeo, Dailymotion or PeerTube video."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["embed_url"] = privacy_embed_url(value["url"]) if value.get("url") else None
        return context

    class Meta:
        shared = True  # the same HTML for everyone: kept per content generation (parvis_fragments)
        icon = "media"
        label = _("Video")
        template = "home/blocks/video_block.html"
        description = _("An uploaded video or a link to one, with its transcript.")


class DocumentBlock(blocks.StructBlock):
    """A downloadable document, announced with its format and size (RGAA 6.1)."""

    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=150)
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        shared = True  # the same HTML for everyone: kept per content generation (parvis_fragments)
        icon = "doc-full"
        label = _("Document to download")
        template = "home/blocks/document_block.html"
        description = _("A file residents can download, such as a flyer or a report.")


class CallToActionBlock(blocks.StructBlock):
    """A highlighted box sending the reader to a page or an address."""

    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.URLBlock(label=_("Or an address"), required=False)
    button_label = blocks.CharBlock(label=_("Button label"), max_length=60)

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise StructBlockValidationError(
                block_errors={"page": ValidationError(_("Choose either a page or an address."))}
            )
        return value

    class Meta:
        shared = True  # the same HTML for everyone: kept per content generation (parvis_fragments)
        icon = "pick"
        label = _("Call to action")
        template = "home/blocks/call_to_action_block.html"
        description = _("A box with a button leading to a page, e.g. the current vote.")


class BaseStreamBlock(blocks.StreamBlock):
    """The body of articles and standard pages."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        icon="pilcrow",
        features=["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"],
        template="home/blocks/paragraph_block.html",
    )
    figure = FigureBlock()
    quote = QuoteBlock()
    video = VideoBlock()
    document = DocumentBlock()
    call_to_action = CallToActionBlock()


class ParticipationStreamBlock(BaseStreamBlock):
    """The body of pages that may also hold a vote: a consultation, an explanation of a ballot."""

    ballot = BallotBlock()
    results = ResultsBlock()
    missions = MissionListBlock()


class ArticleStreamBlock(BaseStreamBlock):
    """The body of articles: editorial blocks, plus the volunteering missions (an event's article recruits volunteers).

    ``BaseStreamBlock`` itself stays without it: the budget's pages build on it.
    """

    missions = MissionListBlock()


class HighlightBlock(blocks.StructBlock):
    """A card on the home page pointing at a current participation chosen by editors."""

    page = blocks.PageChooserBlock(label=_("Page"))
    title = blocks.CharBlock(label=_("Title"), required=False, help_text=_("Defaults to the page title."))
    text = blocks.TextBlock(label=_("Text"), required=False)
    image = ImageBlock(label=_("Image"), required=False)
    badge = blocks.CharBlock(
        label=_("Badge"), required=False, max_length=40, help_text=_("e.g. “Vote open until 30 June”.")
    )

    class Meta:
        shared = True  # the same HTML for everyone: kept per content generation (parvis_fragments)
        icon = "pick"
        label = _("Highlight")
        template = "home/blocks/highlight_block.html"


class SocialLinkBlock(blocks.StructBlock):
    """A link to one of the town's accounts."""

    network = blocks.CharBlock(label=_("Network"), max_length=40, help_text=_("e.g. Mastodon, Facebook"))
    url = blocks.URLBlock(label=_("Address"))

    class Meta:
        shared = True  # the same HTML for everyone: kept per content generation (parvis_fragments)
        icon = "link"
        label = _("Social link")


class StepBlock(blocks.StructBlock):
    """One step of a tutorial."""

    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link", "ol", "ul"])
    image = ImageBlock(label=_("Image"), required=False)

    class Meta:
        shared = True  # the same HTML for everyone: kept per content generation (parvis_fragments)
        icon = "list-ol"
        label = _("Step")
        template = "home/blocks/step_block.html"


__all__ = [
    "ArticleStreamBlock",
    "BaseStreamBlock",
    "CallToActionBlock",
    "DocumentBlock",
    "FigureBlock",
    "HeadingBlock",
    "HighlightBlock",
    "ParticipationStreamBlock",
    "QuoteBlock",
    "SocialLinkBlock",
    "StepBlock",
    "VideoBlock",
]
