"""Content blocks and site settings: validation editors rely on."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from home.blocks import CallToActionBlock, VideoBlock
from home.colours import contrast_ratio
from home.models import SiteSettings
from home.video import privacy_embed_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ?t=3", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://m.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://www.dailymotion.com/video/x8abcd1", "https://www.dailymotion.com/embed/video/x8abcd1"),
        ("https://peertube.example.org/w/9c9de5e8-0a1e", "https://peertube.example.org/videos/embed/9c9de5e8-0a1e"),
        ("https://www.youtube.com/watch?v=<script>", None),
        ("javascript:alert(1)", None),
        ("https://example.com/page", None),
    ],
)
def test_privacy_embed_url(url, expected):
    assert privacy_embed_url(url) == expected


def test_video_block_needs_a_file_or_a_known_video_link():
    block = VideoBlock()
    with pytest.raises(StructBlockValidationError) as empty:
        block.clean(block.to_python({"title": "Tuto", "file": None, "url": ""}))
    assert "file" in empty.value.block_errors
    with pytest.raises(StructBlockValidationError) as unknown:
        block.clean(block.to_python({"title": "Tuto", "url": "https://example.com/video"}))
    assert "url" in unknown.value.block_errors
    cleaned = block.clean(block.to_python({"title": "Tuto", "url": "https://youtu.be/dQw4w9WgXcQ"}))
    assert block.get_context(cleaned)["embed_url"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


@pytest.mark.django_db
def test_call_to_action_needs_exactly_one_target():
    block = CallToActionBlock()
    value = {"title": "Votez", "button_label": "Voter", "page": None, "url": ""}
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python(value))
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({**value, "url": "https://a.example", "page": 1}))
    assert block.clean(block.to_python({**value, "url": "https://a.example"}))["url"] == "https://a.example"


def test_contrast_ratio_matches_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_site_settings_refuse_a_colour_unreadable_under_white_text():
    settings = SiteSettings(town_name="Ville", primary_colour="#ffd700", accent_colour="#a4262c")
    with pytest.raises(ValidationError) as error:
        settings.clean()
    assert list(error.value.error_dict) == ["primary_colour"]
    SiteSettings(town_name="Ville", primary_colour="#1d4f91", accent_colour="#a4262c").clean()
