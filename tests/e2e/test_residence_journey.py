"""A resident gives their address on a phone: postcode, then the commune among those sharing it (axe clean)."""

import re

from playwright.sync_api import expect

from territories.models import PostalCode, Residence

from ..accounts.factories import PASSWORD, make_resident
from ..home.utils import make_home
from ..territories.factories import make_territories
from .conftest import PHONE, blocking_violations


def test_a_resident_gives_their_address_on_a_phone(phone, migrated_data, live_server, axe):
    make_home()
    places = make_territories()
    for code, town in (("49320", "aubin"), ("49320", "brissac"), ("49120", "chemille")):
        PostalCode.objects.create(code=code, commune=places[town], label=places[town].name.upper())
    resident = make_resident("lea@example.org", display_name="Léa")
    phone.goto(live_server.url + "/compte/login/")
    phone.get_by_label("E-mail").fill("lea@example.org")
    phone.locator("#id_password").fill(PASSWORD)
    phone.locator("#id_password").press("Enter")
    phone.wait_for_url("**/compte/profil/")

    # Located by address and field ids: the French catalogue of these words comes with the next refresh.
    phone.locator('main a[href="/compte/adresse/"]').click()  # from the profile page
    phone.wait_for_url("**/compte/adresse/")
    assert blocking_violations(axe, phone) == []

    postcode, submit = phone.locator("#id_postcode"), phone.locator("main form button[type=submit]")
    postcode.fill("4932")  # one digit short: refused on its field
    submit.click()
    expect(postcode).to_have_class(re.compile(r"\bis-invalid\b"))
    assert blocking_violations(axe, phone) == []
    assert not Residence.objects.exists()

    phone.locator("#id_postcode").fill("49320")  # shared by two communes: the chooser follows as it is typed
    commune = phone.locator("#id_commune")
    expect(commune.locator("option")).to_have_count(3)  # the prompt and the two communes
    commune.select_option(label="Brissac-Loire")
    phone.locator("main form button[type=submit]").click()

    expect(phone.locator(".messages .alert-success")).to_contain_text("Brissac-Loire")
    assert blocking_violations(axe, phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing wider than the phone
    residence = Residence.objects.get(user=resident)
    assert (residence.commune, residence.postcode) == (places["brissac"], "49320")
