"""Campaign kit services: rendered on approval, cached by fingerprint, template and town defaults, bad photos."""

import io
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from PIL import Image
from wagtail.images import get_image_model
from wagtail.models import Site

from accounts.privacy import erase_account
from councils.kits import render, services
from councils.kits.models import CandidateKit, KitTemplate
from councils.models import Candidate
from councils.votes import elections
from home.models import SiteSettings, TutorialPage

from ..accounts.factories import make_resident
from .election_factories import candidate, make_election, make_town
from .kit_helpers import decode_qr, encoded, portrait

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return make_town()


@pytest.fixture
def election(town):
    return make_election(town)


def wagtail_image(data: bytes, name="photo.jpg", **fields):
    image = get_image_model()(title=name, **fields)
    image.file = ImageFile(io.BytesIO(data), name=name)
    image.save()
    return image


def approved(election, town, name="Hélène Caron", **fields):
    person = candidate(election, town["centre"], name)
    Candidate.objects.filter(pk=person.pk).update(**fields)
    person.refresh_from_db()
    return person


def stored(kit, key) -> bytes:
    _item, path = services.kit_path(kit=kit, key=key)
    return path.read_bytes()


def test_an_approved_candidate_gets_every_file_with_a_qr_code_to_the_election(election, town):
    person = approved(election, town, photo=wagtail_image(encoded(portrait(), "JPEG")))

    kit = services.render_kit(candidate=person)

    assert {item["key"] for item in kit.files} >= {"square", "story", "banner", "flyer", "zip"}
    square = Image.open(io.BytesIO(stored(kit, "square")))
    assert square.size == (1080, 1080)
    assert decode_qr(square) == [election.get_full_url()]
    assert election.get_full_url().startswith("http://localhost/")
    assert kit.warning == ""
    assert all(item["bytes"] > 0 for item in kit.files)


def test_texts_are_filled_with_the_candidates_details_and_the_share_link(election, town):
    person = approved(election, town)

    inputs = services.kit_inputs(person)

    assert "Centre" in inputs.texts["short_post"] and election.get_full_url() in inputs.texts["short_post"]
    assert services.campaign_url(person) in inputs.texts["long_post"]
    assert services.campaign_url(person).endswith(f"/candidats/{person.pk}-helene-caron/")
    assert inputs.texts["email_body"].rstrip().endswith("Hélène Caron")
    assert "{" not in "".join(inputs.texts.values())


def test_an_unchanged_kit_is_not_rendered_again(election, town):
    person = approved(election, town)
    first = services.render_kit(candidate=person)

    with mock.patch.object(render, "render_kit", wraps=render.render_kit) as drawing:
        again = services.render_kit(candidate=person)
        assert drawing.call_count == 0
        assert services.current_kit(candidate=person) == again
        assert again.fingerprint == first.fingerprint

        KitTemplate.objects.create(election=election, headline="Votez {candidate} !")
        services.render_kit(candidate=person)
        assert drawing.call_count == 1


def test_a_new_template_renders_again_and_removes_the_old_files(election, town):
    person = approved(election, town)
    first = services.render_kit(candidate=person)
    old_folder = services.kit_path(kit=first, key="zip")[1].parent

    KitTemplate.objects.create(election=election, primary_colour="#2e7d32", flyer_title="Un titre à moi")
    assert services.current_kit(candidate=person) is None  # stale: the next request renders it
    second = services.render_kit(candidate=person)

    assert second.fingerprint != first.fingerprint
    assert not old_folder.exists()
    flyer = pypdf.PdfReader(io.BytesIO(stored(second, "flyer"))).pages[0].extract_text()
    assert "Un titre à moi" in flyer
    square = Image.open(io.BytesIO(stored(second, "square"))).convert("RGB")
    assert square.getpixel((1070, 1070)) == pytest.approx((0x2E, 0x7D, 0x32), abs=6)  # the template's panel colour


def test_colours_and_logo_come_from_the_towns_settings_by_default(election, town):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.primary_colour, settings.accent_colour = "#6a1b9a", "#8d4004"
    settings.logo = wagtail_image(encoded(Image.new("RGB", (300, 100), "#ffffff"), "PNG"), name="logo.png")
    settings.save()
    person = approved(election, town)

    inputs = services.kit_inputs(person)

    assert (inputs.primary, inputs.accent) == ("#6a1b9a", "#8d4004")
    assert inputs.logo.pk == settings.logo.pk
    KitTemplate.objects.create(election=election, primary_colour="#00695c")
    assert services.kit_inputs(person).primary == "#00695c"


def test_the_flyer_lists_the_linked_tutorials_steps(election, town):
    from wagtail.rich_text import RichText

    tutorial = TutorialPage(title="Voter en ligne", slug="tuto", steps=[
        ("step", {"title": "Ouvrez le site", "text": RichText("<p>Sur votre <b>téléphone</b>.</p>"), "image": None}),
        ("step", {"title": "Scannez votre carte", "text": RichText("<p>Ou tapez son numéro.</p>"), "image": None}),
    ])
    town["home"].add_child(instance=tutorial)
    KitTemplate.objects.create(election=election, tutorial=tutorial)
    person = approved(election, town)

    assert services.kit_inputs(person).steps == [("Ouvrez le site", "Sur votre téléphone."),
                                                  ("Scannez votre carte", "Ou tapez son numéro.")]
    text = " ".join(pypdf.PdfReader(io.BytesIO(stored(services.render_kit(candidate=person), "flyer")))
                    .pages[0].extract_text().split())
    assert "Ouvrez le site" in text and "Scannez votre carte" in text


def test_the_focal_point_set_in_wagtail_is_used(election, town):
    image = wagtail_image(encoded(portrait(size=(1200, 800)), "JPEG"), focal_point_x=1000, focal_point_y=200,
                          focal_point_width=100, focal_point_height=100)
    person = approved(election, town, photo=image)

    focal = services.kit_inputs(person).photo.focal

    assert (round(focal.x, 2), round(focal.y, 2)) == (0.83, 0.25)
    assert services.kit_inputs(approved(election, town, name="Sans Photo")).photo is None


@pytest.mark.parametrize("data", [
    encoded(portrait(mode="CMYK"), "JPEG"),
    encoded(Image.new("RGBA", (400, 400), (255, 0, 0, 0)), "PNG"),
], ids=["cmyk", "transparent"])
def test_cmyk_and_transparent_photos_render_without_warning(election, town, data):
    person = approved(election, town, photo=wagtail_image(data, name="photo.png"))

    kit = services.render_kit(candidate=person)

    assert kit.warning == ""
    assert Image.open(io.BytesIO(stored(kit, "story"))).size == (1080, 1920)


def test_an_unusable_photo_gives_a_placeholder_kit_and_says_why(election, town):
    image = wagtail_image(encoded(portrait(), "JPEG"))
    Path(image.file.path).write_bytes(b"\xff\xd8 this is no longer a JPEG")  # damaged on disk
    person = approved(election, town, photo=image)

    kit = services.render_kit(candidate=person)

    assert "Votre photo n'a pas pu être utilisée" in kit.warning  # in the site's language, whoever rendered it
    assert Image.open(io.BytesIO(stored(kit, "square"))).size == (1080, 1080)


def test_only_approved_candidates_have_a_kit(election, town):
    pending = candidate(election, town["centre"], "En Attente", status=Candidate.Status.PENDING)

    with pytest.raises(services.KitUnavailable):
        services.render_kit(candidate=pending)
    assert not CandidateKit.objects.exists()


def test_approval_queues_the_kit_once_the_review_commits(election, town, django_capture_on_commit_callbacks):
    pending = candidate(election, town["centre"], "Jeanne Roy", status=Candidate.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        elections.review(candidate=pending, actor=None, approve=True)

    assert CandidateKit.objects.get().candidate == pending
    rejected = candidate(election, town["centre"], "Paul Nez", status=Candidate.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        elections.review(candidate=rejected, actor=None, approve=False)
    assert CandidateKit.objects.count() == 1


def test_saving_the_template_renders_the_elections_kits_again(election, town, django_capture_on_commit_callbacks):
    person = approved(election, town)
    first = services.render_kit(candidate=person)

    with django_capture_on_commit_callbacks(execute=True):
        KitTemplate.objects.create(election=election, headline="Nouveau titre {council}")

    assert CandidateKit.objects.get(candidate=person).fingerprint != first.fingerprint
    assert services.current_kit(candidate=person) is not None


def test_the_template_refuses_unknown_placeholders_with_a_clear_message(election):
    template = KitTemplate(election=election, short_post="Votez {candidat} !", email_body="{candidate.__class__}")

    with pytest.raises(ValidationError) as refused:
        template.full_clean()

    assert set(refused.value.message_dict) == {"short_post", "email_body"}
    assert "{candidat}" in refused.value.message_dict["short_post"][0]
    assert "{candidate}" in refused.value.message_dict["short_post"][0]  # the list of valid ones
    KitTemplate(election=election, short_post="Votez {candidate} : {vote_url}").full_clean()


def test_deleting_ones_account_deletes_the_kit(election, town, django_capture_on_commit_callbacks):
    resident = make_resident("helene@example.org")
    person = approved(election, town, user=resident)
    kit = services.render_kit(candidate=person)
    folder = services.kit_path(kit=kit, key="zip")[1].parent

    with django_capture_on_commit_callbacks(execute=True):
        erase_account(resident)

    assert not CandidateKit.objects.exists()
    assert not folder.exists()


def test_a_12000x9000_photo_already_in_the_library_renders_reduced(election, town, tmp_path):
    """The candidature form refuses it (WAGTAILIMAGES_MAX_IMAGE_PIXELS); one added another way never breaks a kit."""
    path = tmp_path / "huge.jpg"
    Image.new("RGB", (12000, 9000), "#c08a5a").save(path, format="JPEG", quality=40)
    person = approved(election, town, photo=wagtail_image(path.read_bytes(), name="huge.jpg"))

    kit = services.render_kit(candidate=person)

    assert kit.warning == ""
    assert Image.open(io.BytesIO(stored(kit, "banner"))).size == (1500, 500)


def test_an_oversized_png_in_the_library_is_left_out_with_a_clear_warning(election, town):
    big = encoded(Image.new("L", (8000, 7000)), "PNG")  # 56 megapixels, over the 50 allowed
    person = approved(election, town, photo=wagtail_image(big, name="big.png"))

    kit = services.render_kit(candidate=person)

    assert "trop de pixels" in kit.warning
    assert Image.open(io.BytesIO(stored(kit, "square"))).size == (1080, 1080)


def test_a_worker_knows_the_kit_tasks():
    """A worker imports only what autodiscovery finds (``councils.tasks``): the kits' tasks must be among them.

    Checked in a fresh interpreter: in this one, other tests have already imported the tasks' module.
    """
    script = ("import django; django.setup(); from parvis.celery import app; "
              "app.loader.import_default_modules(); print(sorted(name for name in app.tasks if 'kit' in name))")
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           env={**os.environ, "DJANGO_SETTINGS_MODULE": "parvis.settings.test"})

    assert "councils.kits.tasks.render_candidate_kit" in found.stdout
    assert "councils.kits.tasks.render_election_kits" in found.stdout
