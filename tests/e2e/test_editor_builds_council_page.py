"""Communications staff create a council and build its page, members and news included, in the Wagtail admin."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from councils.models import Council, CouncilIndexPage, CouncilPage
from councils.roles import COMMUNICATIONS


def test_communications_build_a_council_page_in_the_admin(desktop, demo):
    editor = get_user_model().objects.create_user("communication", "communication@ville.example", "mot-de-passe-solide")
    editor.groups.add(Group.objects.get(name=COMMUNICATIONS))
    index = CouncilIndexPage.objects.get()

    desktop.goto(demo + "/admin/login/")
    desktop.locator("#id_username").fill("communication")
    desktop.locator("#id_password").fill("mot-de-passe-solide")
    desktop.locator("button[type=submit]").click()
    expect(desktop).to_have_url(re.compile(r"/admin/$"))

    # The council and its territory.
    desktop.get_by_role("link", name="Conseils").click()
    desktop.get_by_role("link", name=re.compile("Ajouter un\\(e\\) conseil|Ajouter")).first.click()
    desktop.locator("#id_name").fill("Les Peupliers")
    desktop.locator("#id_email").fill("peupliers@ville.example")
    desktop.locator("#id_areas-0-postcode").fill("49200")
    desktop.get_by_role("button", name="Ajouter un(e) Bureau de vote").click()
    desktop.locator("#id_polling_stations-0-code").fill("9")
    desktop.locator("#id_polling_stations-0-name").fill("École des Peupliers")
    desktop.get_by_role("button", name="Enregistrer").click()
    expect(desktop.locator(".messages")).to_contain_text("Les Peupliers")

    # Its page: presentation, a member, a news item.
    desktop.goto(f"{demo}/admin/pages/add/councils/councilpage/{index.pk}/")
    desktop.locator("#id_title").fill("Conseil des Peupliers")
    desktop.get_by_role("button", name="Choisir conseil").click()
    desktop.locator(".modal-dialog").get_by_role("link", name="Les Peupliers").click()
    # The chooser fills its hidden field when the modal hands the choice back: wait for it, or publish finds it empty.
    expect(desktop.locator("[data-chooser-title]").first).to_have_text("Les Peupliers")
    desktop.locator("#id_intro").fill("Un quartier au bord du bois.")
    desktop.get_by_role("button", name="Ajouter un(e) Membre").click()
    desktop.locator("#id_members-0-name").fill("Lina Ferrand")
    desktop.locator("#id_members-0-role").select_option(label="Présidence")
    desktop.locator("#id_members-0-bio").fill("Bibliothécaire.")
    desktop.get_by_role("button", name="Insérer un bloc").click()
    desktop.get_by_role("option", name="Actualité").click()
    desktop.locator("#news-0-value-title").fill("Le conseil est installé")
    # Draftail keeps its own state: type into it as a person would, rather than setting the DOM.
    news_text = desktop.locator("#news-0-value-text").locator("xpath=..").locator("[contenteditable=true]")
    news_text.click()
    expect(news_text).to_be_focused()  # Draftail may take a moment to take the focus on a busy machine
    desktop.keyboard.type("Première réunion le 12 mars.")
    expect(news_text).to_contain_text("Première réunion le 12 mars.")
    # …and wait until Draftail has written it to the field the form posts.
    expect(desktop.locator("#news-0-value-text")).to_have_value(re.compile("Première réunion le 12 mars"))
    desktop.locator("#news-0-value-date").fill("2027-03-02")
    desktop.locator("#id_title").click()  # leaves the date field, closing its picker over the footer
    # "Publish" sits in the footer's action menu, behind the "Save draft" button.
    desktop.locator("footer .w-dropdown__toggle").first.click()
    desktop.locator("button[name='action-publish']").click()
    desktop.wait_for_load_state()
    errors = desktop.locator(".error-message, .w-field__errors, .help-critical").all_inner_texts()
    assert not any(text.strip() for text in errors), errors  # names the field a busy machine got wrong
    expect(desktop.locator(".messages")).to_contain_text("Conseil des Peupliers")

    page = CouncilPage.objects.get(title="Conseil des Peupliers")
    assert page.live and page.council == Council.objects.get(name="Les Peupliers")

    desktop.goto(demo + page.url)
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Conseil des Peupliers")
    expect(desktop.get_by_role("region", name="Membres")).to_contain_text("Lina Ferrand")
    expect(desktop.get_by_role("region", name="Membres")).to_contain_text("Présidence")
    news = desktop.get_by_role("region", name="Actions et actualités")
    expect(news.get_by_role("heading", name="Le conseil est installé")).to_be_visible()
    expect(news).to_contain_text("Première réunion le 12 mars.")

    desktop.goto(demo + "/conseils-de-quartier/?postcode=49200")
    expect(desktop.get_by_role("status")).to_contain_text("Les Peupliers")
