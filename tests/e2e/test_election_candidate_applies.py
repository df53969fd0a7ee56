"""A resident applies as a candidate on a phone, with a photo; a second application is refused, clearly."""

import io
import re

from PIL import Image as PILImage
from playwright.sync_api import expect

from councils.models import Candidate

from tests.accounts.factories import PASSWORD, make_resident
from tests.councils.election_factories import make_election, make_town

from .conftest import blocking_violations


def portrait(tmp_path):
    path = tmp_path / "portrait.png"
    buffer = io.BytesIO()
    PILImage.new("RGB", (120, 120), "#336699").save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_a_resident_applies_for_their_council_once(phone, migrated_data, live_server, axe, tmp_path):
    town = make_town()
    election = make_election(town)
    make_resident("alice@example.org", display_name="Alice", council=town["centre"])

    phone.goto(live_server.url + "/compte/login/")
    phone.get_by_label("E-mail").fill("alice@example.org")
    phone.locator("#id_password").fill(PASSWORD)
    phone.locator("#id_password").press("Enter")
    phone.wait_for_url("**/compte/profil/")

    phone.goto(live_server.url + election.url)
    phone.locator("#candidature a").click()
    assert blocking_violations(axe, phone) == []
    phone.locator("#id_council").select_option(label="Centre")
    phone.locator("#id_name").fill("Alice Morel")
    phone.locator("#id_photo").set_input_files(portrait(tmp_path))
    phone.locator("#id_statement").fill("Des bancs et de l'ombre sur la place.")
    phone.locator("#id_video_url").fill("https://example.org/pas-une-video")
    phone.locator("#id_consent").check()
    phone.locator("#candidate-application button[type=submit]").click()
    expect(phone.locator("#id_video_url")).to_have_attribute("aria-invalid", "true")
    assert blocking_violations(axe, phone) == []  # the form refused, with its error
    phone.locator("#id_video_url").fill("")
    phone.locator("#id_photo").set_input_files(portrait(tmp_path))
    phone.locator("#candidate-application button[type=submit]").click()

    expect(phone).to_have_url(re.compile(re.escape(election.url) + "#candidature$"))
    expect(phone.locator("#candidature")).to_contain_text("Centre")
    candidate = Candidate.objects.get()
    assert (candidate.name, candidate.council, candidate.status) == ("Alice Morel", town["centre"], "pending")
    assert candidate.photo is not None

    phone.goto(f"{live_server.url}{election.url}candidature/")
    expect(phone.locator(".alert-warning")).to_be_visible()  # already applied: no second form
    expect(phone.locator("#id_name")).to_have_count(0)
    assert blocking_violations(axe, phone) == []
    assert Candidate.objects.count() == 1
