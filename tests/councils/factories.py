"""Builders for councils, their territory and their pages (nothing but what a test names)."""

import factory
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from councils.models import Council, CouncilArea, CouncilIndexPage, CouncilPage, PollingStation
from home.models import HomePage


class CouncilFactory(DjangoModelFactory):
    """A council; ``areas=[("49000", "rue des Tilleuls"), ("49100", "")]`` and ``stations=["1", "2"]``."""

    class Meta:
        model = Council
        skip_postgeneration_save = True

    name = factory.Sequence(lambda number: f"Quartier {number}")
    slug = factory.LazyAttribute(lambda council: slugify(council.name))
    colour = "#1d4f91"
    email = factory.LazyAttribute(lambda council: f"{council.slug}@ville.example")

    @factory.post_generation
    def areas(council, create, extracted, **kwargs):
        for postcode, street in extracted or []:
            CouncilArea.objects.create(council=council, postcode=postcode, street=street)

    @factory.post_generation
    def stations(council, create, extracted, **kwargs):
        for code in extracted or []:
            PollingStation.objects.create(council=council, code=code, name=f"Bureau {code}")


def make_council_index(home: HomePage, slug: str = "conseils") -> CouncilIndexPage:
    index = CouncilIndexPage(title="Conseils de quartier", slug=slug)
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def make_council_page(index: CouncilIndexPage, council: Council, **fields) -> CouncilPage:
    """A published page for the council; ``members`` and ``news`` may be given like any field."""
    fields.setdefault("title", f"Conseil {council.name}")
    fields.setdefault("slug", council.slug)
    fields.setdefault("intro", f"Le quartier {council.name}.")
    page = CouncilPage(council=council, **fields)
    index.add_child(instance=page)
    page.save_revision().publish()
    return page
