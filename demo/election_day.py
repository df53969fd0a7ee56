"""The demo town at election-day size: 8 councils, 135 candidates, 500 ideas, 500 missions, 200 articles.

``manage.py load_demo --election-day`` runs this around the usual loaders
(``demo.loaders.load_election_day``),
for the page benchmark (bench/pages.py) and to try the site at that size.
Rows are bulk-inserted where no service rule applies (ideas, missions,
articles); candidates go through the election's review and sealing like the
demo's own. Meant for an empty database, like the demo; running it again
tops the counts up without creating anything twice.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from budget.models import BudgetPage, Idea
from councils import demo as councils_demo
from councils.models import Council, CouncilIndexPage
from councils.votes import demo as votes_demo
from home.demo import PALETTE, placeholder_image
from home.models import ArticleIndexPage, ArticlePage
from volunteering.models import Association, Mission, Skill

COUNCILS = 8
CANDIDATES = 135
IDEAS = 500
MISSIONS = 500
ARTICLES = 200
EXTRA_COUNCILS = ["Les Mauges", "Saint-Lazare", "Le Lac-de-Maine", "La Roseraie"]
GIVEN = ["Marie", "Jean", "Nathalie", "Pierre", "Isabelle", "Michel", "Sandrine", "Philippe", "Aïcha", "Karim",
         "Léa", "Hugo", "Inès", "Tom", "Chloé", "Yanis"]
FAMILY = ["Dupont", "Bernard", "Thomas", "Robert", "Richard", "Durand", "Moreau", "Laurent", "Simon", "Michel"]


def councils() -> None:
    """Four more councils with their pages (the demo has four), each with its own polling station."""
    index = CouncilIndexPage.objects.get()
    for number, name in enumerate(EXTRA_COUNCILS):
        spec = {
            "name": name, "colour": PALETTE[number % len(PALETTE)], "areas": [(f"4920{number}", "")],
            "stations": [(str(7 + number), f"Salle de quartier {name}")],
            "intro": f"Le quartier {name}.", "members": [],
            "news": (f"Fête de quartier {name}", f"Un nouveau square à {name}"),
        }
        councils_demo._council_page(index, councils_demo._council(spec), spec)


def candidates() -> dict[str, list[tuple[str, str]]]:
    """135 candidates spread over the 8 councils, for ``councils.votes.demo.load``."""
    slugs = list(Council.objects.order_by("pk").values_list("slug", flat=True)[:COUNCILS])
    names = [f"{given} {family}" for family in FAMILY for given in GIVEN][:CANDIDATES]
    spread: dict[str, list[tuple[str, str]]] = {slug: [] for slug in slugs}
    for number, name in enumerate(names):
        spread[slugs[number % len(slugs)]].append((name, votes_demo.STATEMENTS[number % len(votes_demo.STATEMENTS)]))
    return spread


def ideas() -> None:
    """The current budget brought to 500 ideas (one in five with a photo)."""
    budget = BudgetPage.objects.get(slug="budget-participatif")
    authors = list(get_user_model().objects.filter(username__endswith="-demo")) or [None]
    places = [None, *Council.objects.all()]
    categories = Idea.Category.values
    image = placeholder_image("Idée du banc", PALETTE[0])
    Idea.objects.bulk_create(
        Idea(budget=budget, title=f"Idée n° {number}", description="Une idée pour le quartier. " * 8,
             author=authors[number % len(authors)], council=places[number % len(places)],
             category=categories[number % len(categories)], cost=500 + (number * 37) % 15_000,
             image=image if number % 5 == 0 else None)
        for number in range(budget.ideas.count(), IDEAS)
    )


def missions() -> None:
    """500 missions over the demo's associations, some recurring, three skills each."""
    associations = list(Association.objects.all())
    skills = list(Skill.objects.all())
    now = timezone.now()
    created = Mission.objects.bulk_create(
        Mission(association=associations[number % len(associations)], title=f"Mission n° {number}",
                slug=f"mission-{number}", description="Un coup de main pour le quartier. " * 6,
                place="Maison de quartier", council=associations[number % len(associations)].council,
                volunteers_needed=5 + number % 20, minimum_age=(0, 16, 18)[number % 3],
                schedule="Tous les samedis" if number % 4 == 0 else "",
                starts_at=now + timedelta(days=1 + number % 60, hours=number % 9),
                ends_at=now + timedelta(days=1 + number % 60, hours=4 + number % 9, weeks=8 * (number % 4 == 0)))
        for number in range(Mission.objects.count(), MISSIONS)
    )
    Through = Mission.skills.through
    Through.objects.bulk_create(
        Through(mission_id=mission.pk, skill_id=skills[(mission.pk + offset) % len(skills)].pk)
        for mission in created for offset in range(min(3, len(skills)))
    )


def articles() -> None:
    """200 articles, published (without revisions: nobody edits them)."""
    index = ArticleIndexPage.objects.get(slug="comprendre")
    today = timezone.localdate()
    for number in range(index.get_children().count(), ARTICLES):
        title = f"Le quartier en bref, n° {number}"
        index.add_child(instance=ArticlePage(
            title=title, slug=slugify(title), intro="Les nouvelles de la semaine dans votre quartier.",
            date=today - timedelta(days=number), body=[("paragraph", "<p>Des nouvelles du quartier.</p>")],
        ))
