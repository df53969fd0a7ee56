"""A candidate logs in on a phone, opens their campaign kit, copies a post and downloads the zip."""

import zipfile

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from councils.kits import demo as kits_demo
from councils.models import Candidate
from tests.accounts.factories import PASSWORD

from .conftest import blocking_violations


def test_a_candidate_downloads_their_kit(phone, demo, axe):
    user = get_user_model().objects.get(username=kits_demo.DEMO_USERNAME)
    user.set_password(PASSWORD)
    user.save()
    helene = Candidate.objects.get(user=user)

    phone.goto(demo + "/compte/login/")
    phone.get_by_label("E-mail").fill(user.email)
    phone.locator("#id_password").fill(PASSWORD)
    phone.locator("#id_password").press("Enter")
    phone.wait_for_url("**/compte/profil/")

    phone.goto(demo + helene.election.url + "#candidature")
    phone.get_by_role("link", name="Mon kit de campagne").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mon kit de campagne")
    expect(phone.locator("img.kit-visual")).to_have_count(3)
    expect(phone.locator("#kit-link")).to_have_value(f"http://localhost{helene.election.url}candidats/{helene.pk}-helene-caron/")
    assert blocking_violations(axe, phone) == []

    with phone.expect_download() as download_info:
        phone.locator("#kit-zip").click()
    download = download_info.value
    assert download.suggested_filename == "helene-caron-kit-campagne.zip"
    names = zipfile.ZipFile(download.path()).namelist()
    assert {"helene-caron-publication-1080x1080.jpg", "helene-caron-story-1080x1920.jpg",
            "helene-caron-banniere-1500x500.jpg", "helene-caron-tract-A5.pdf"} <= set(names)

    # The public page they share (axe-checked here rather than in test_accessibility: its address holds an id).
    phone.get_by_role("link", name="Voir ma page publique").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hélène Caron")
    assert phone.locator("a[href^='https://wa.me/?text=']").count() == 1
    assert blocking_violations(axe, phone) == []
