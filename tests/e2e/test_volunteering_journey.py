"""The volunteering space in a real browser: an association posts a mission, a resident offers help, the association accepts.

The association's representative works on a desktop screen; the resident on
her phone. Each side ends seeing the result: the resident her accepted offer,
the association her contact details (hidden until then).
"""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from volunteering.models import Mission, Offer

from tests.accounts.factories import PASSWORD, make_resident
from tests.home.utils import make_home
from tests.volunteering.factories import make_association, make_index, make_skill

from .conftest import blocking_violations


def log_in(page, base: str, email: str) -> None:
    page.goto(base + "/compte/login/")
    page.get_by_label("E-mail").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/compte/profil/")


def test_an_association_posts_a_mission_a_resident_offers_help_the_association_accepts(phone, desktop, migrated_data,
                                                                                       live_server, axe):
    base = live_server.url
    index = make_index(make_home())
    make_skill("Sport")
    claire = make_resident("claire@es-loire.example", display_name="Claire")
    association = make_association("Entente sportive", representative=claire)
    make_resident("amina@example.org", display_name="Amina", birth_year=1990)
    start = timezone.localtime() + timedelta(days=20)

    # The representative posts a mission; an end before the start is refused first, nothing saved.
    log_in(desktop, base, "claire@es-loire.example")
    desktop.goto(f"{base}/mon-benevolat/associations/{association.pk}/")
    desktop.get_by_role("link", name="Publier une mission").click()
    desktop.get_by_label("Titre").fill("Signaleurs du semi-marathon")
    desktop.get_by_label("Ce que feront les bénévoles").fill("Guider les coureurs aux carrefours.")
    desktop.get_by_label("Sport").check()
    desktop.get_by_label("Début").fill(start.strftime("%Y-%m-%dT08:00"))
    desktop.get_by_label("Fin").fill(start.strftime("%Y-%m-%dT07:00"))
    desktop.get_by_label("Lieu").fill("Quai du Port")
    desktop.get_by_label("Bénévoles recherchés").fill("2")
    desktop.get_by_role("button", name="Publier la mission").click()
    expect(desktop.locator("#id_ends_at")).to_have_class(re.compile("is-invalid"))
    expect(desktop.locator("main")).to_contain_text("La fin doit être après le début.")
    assert not Mission.objects.exists()
    assert blocking_violations(axe, desktop) == []
    desktop.get_by_label("Fin").fill(start.strftime("%Y-%m-%dT13:00"))
    desktop.get_by_role("button", name="Publier la mission").click()
    expect(desktop.locator(".messages, [role=alert], .alert").first).to_contain_text("est publiée")
    mission = Mission.objects.get()

    # The resident finds it on her phone and offers her help.
    log_in(phone, base, "amina@example.org")
    phone.goto(base + index.url)
    assert blocking_violations(axe, phone) == []
    phone.get_by_role("link", name="Signaleurs du semi-marathon").click()
    phone.wait_for_url(f"**/missions/{mission.pk}-signaleurs-du-semi-marathon/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Signaleurs du semi-marathon")
    assert blocking_violations(axe, phone) == []
    phone.get_by_label("Votre message à l’association").fill("Je connais bien le parcours.")
    phone.get_by_role("button", name="Proposer mon aide").click()
    expect(phone.locator("#proposer-mon-aide")).to_contain_text("En attente de réponse")
    offer = Offer.objects.get()
    assert offer.volunteer.email == "amina@example.org"
    assert [message.to for message in mail.outbox] == [["claire@es-loire.example"]]
    assert "amina@example.org" not in mail.outbox[0].body

    # The association sees the offer, without the contact details, and accepts it.
    desktop.goto(f"{base}/mon-benevolat/associations/{association.pk}/")
    received = desktop.locator(f"#offre-{offer.pk}")
    expect(received).to_contain_text("Je connais bien le parcours.")
    assert "amina@example.org" not in desktop.content()
    assert blocking_violations(axe, desktop) == []
    received.get_by_role("button", name=re.compile("^Accepter")).click()
    expect(desktop.locator(f"#offre-{offer.pk} .volunteer-contact")).to_contain_text("Amina — amina@example.org")
    expect(desktop.locator(f"#mission-{mission.pk}")).to_contain_text("1 bénévole accepté sur 2")
    assert Offer.objects.get().status == Offer.Status.ACCEPTED
    assert {tuple(message.to) for message in mail.outbox[1:]} == {("amina@example.org",), ("claire@es-loire.example",)}

    # The resident sees the answer on the mission's page and in her space.
    phone.reload()
    expect(phone.locator("#proposer-mon-aide")).to_contain_text("Acceptée")
    expect(phone.locator("#proposer-mon-aide")).to_contain_text("a accepté votre proposition")
    phone.goto(base + "/mon-benevolat/")
    expect(phone.locator(f"#offre-{offer.pk}")).to_contain_text("Acceptée")
    expect(phone.locator(f"#offre-{offer.pk}")).to_contain_text("contact@entente-sportive.example")
    assert blocking_violations(axe, phone) == []

    # Registering an association: the form, and the form refused (empty), are accessible too.
    phone.goto(base + "/mon-benevolat/associations/inscrire/")
    assert blocking_violations(axe, phone) == []
    phone.get_by_role("button", name="Inscrire l’association").click()
    expect(phone.locator("#id_name")).to_have_class(re.compile("is-invalid"))
    assert blocking_violations(axe, phone) == []

    # Offering twice is refused with a message; nothing changes.
    phone.goto(base + index.mission_url(mission))
    expect(phone.get_by_role("button", name="Proposer mon aide")).to_have_count(0)
    assert Offer.objects.count() == 1
