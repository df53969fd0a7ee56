"""A resident, on a phone, signs up, confirms their e-mail, finds their council by postcode and reads its page."""

import re

from django.core import mail
from playwright.sync_api import expect

from .conftest import PHONE, open_menu


def test_resident_signs_up_then_finds_their_council(phone, demo):
    phone.goto(demo + "/")
    menu = phone.get_by_role("navigation", name="Menu principal")
    open_menu(phone)
    menu.get_by_role("link", name="Créer un compte").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Créer un compte")
    phone.get_by_label("Adresse e-mail").fill("amina.diallo@example.org")
    phone.locator("#id_password1").fill("une phrase de passe solide")
    phone.locator("#id_password2").fill("une phrase de passe solide")
    phone.get_by_label("Nom public").fill("Amina")
    phone.get_by_role("button", name="Créer mon compte").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Consultez vos e-mails")
    confirmation = mail.outbox[-1]
    assert confirmation.to == ["amina.diallo@example.org"]
    phone.goto(re.search(r"https?://\S+", confirmation.body).group(0))
    phone.get_by_role("button", name="Confirmer").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Mon profil")
    expect(phone.get_by_label("Nom public")).to_have_value("Amina")

    open_menu(phone)
    menu.get_by_role("link", name="Conseils de quartier").click()
    phone.get_by_label("Code postal").fill("49100")
    phone.get_by_role("button", name="Trouver mon conseil").click()

    result = phone.get_by_role("status")
    expect(result).to_contain_text("Votre conseil est Bords de Loire.")
    result.get_by_role("link", name="Voir la page de Bords de Loire").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Conseil de quartier Bords de Loire")
    members = phone.get_by_role("region", name="Membres")
    expect(members.get_by_role("heading", name="Jean Roux")).to_be_visible()
    expect(phone.get_by_role("region", name="Actions et actualités")).to_contain_text("Réunion publique du conseil")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_unknown_postcode_leads_to_the_full_list(phone, demo):
    phone.goto(demo + "/conseils-de-quartier/")
    phone.get_by_label("Code postal").fill("75001")
    phone.get_by_role("button", name="Trouver mon conseil").click()

    expect(phone.get_by_role("status")).to_contain_text("Aucun conseil ne couvre cette adresse")
    phone.get_by_role("link", name="Voir tous les conseils").click()
    expect(phone.get_by_role("region", name="Tous les conseils").get_by_role("listitem")).to_have_count(4)
