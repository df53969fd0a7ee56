"""Demo page for the ballot engine: the open consultation and a proclaimed one."""

import json

from django.db import transaction

from voting import demo as voting_demo

from .models import HomePage, StandardPage


@transaction.atomic
def load() -> StandardPage:
    contests = voting_demo.load()
    home = HomePage.objects.get()
    existing = home.get_children().filter(slug="consultations").first()
    if existing:
        return existing.specific
    page = StandardPage(
        title="Consultations",
        slug="consultations",
        show_in_menus=True,
        intro="Donnez votre avis sur les projets de la ville. Le vote est secret et vérifiable.",
        body=json.dumps([
            {"type": "ballot", "value": {"contest": contests["current"].pk, "intro": ""}},
            {"type": "results", "value": {"contest": contests["current"].pk, "heading": ""}},
            {"type": "heading", "value": {"text": "Consultations passées", "level": "h2"}},
            {"type": "results", "value": {"contest": contests["past"].pk, "heading": ""}},
        ]),
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page
