"""Demo content: this year's budget in its ideas phase, and last year's, voted, counted and published.

Built through the same services residents and the steering committee use
(``now`` moved into each past phase). Idempotent: pages are looked up by
slug and nothing is created twice. Trustees are the ballot-engine demo's
accounts; the key ceremony of the past vote is played for them and their key
files are written to PRIVATE_ROOT/demo-trustees/ like voting's demo — on a real
vote they exist only on the trustees' own devices.
"""

import json
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.services import profile_for
from councils.models import Council
from home.demo import PALETTE, demo_home, placeholder_image
from home.models import HomePage
from voting import simulation
from voting.services import counting

from . import services
from .models import BudgetPage, BudgetTrustee, EligibilityCriterion, Idea, IdeaRevision, PhaseAnnouncement
from .phases import Phase

TRUSTEES = ("Cabinet du maire", "Groupe d'opposition", "Secrétariat des élections")
CRITERIA = (
    "Relever des compétences de la commune",
    "Servir l'intérêt général et être accessible à tous",
    "Être une dépense d'investissement réalisable en un an",
)
GUIDANCE = ("<p>Décrivez votre idée simplement : ce qu'elle change, pour qui, et où. Une estimation du coût "
            "suffit : les services techniques la vérifient pendant l'étude.</p>")
RESIDENTS = [  # username, public name, year of birth
    ("amina-demo", "Amina", 1988), ("paul-demo", "Paul L.", 1961), ("ines-demo", "Inès", 2004),
    ("karim-demo", "Karim", 1979), ("odile-demo", "Odile", 1947), ("youssef-demo", "", 1995),
]
CURRENT_IDEAS = [  # title, council name, category, cost, with an image
    ("Des bancs le long du canal", "Les Tilleuls", Idea.Category.PUBLIC_SPACE, 3_000, True),
    ("Un abri vélo sécurisé à la gare", None, Idea.Category.MOBILITY, 7_500, False),
    ("Des nichoirs et un hôtel à insectes au parc", "Les Tilleuls", Idea.Category.ENVIRONMENT, 1_200, False),
    ("Une boîte à livres place de la Mairie", "Centre-ville", Idea.Category.CULTURE, 800, True),
    ("Un terrain de basket éclairé", "Bords de Loire", Idea.Category.SPORT, 14_000, False),
    ("Des fontaines à eau sur les quais", "Bords de Loire", Idea.Category.PUBLIC_SPACE, 6_000, False),
    ("Un atelier de réparation de vélos", "La Croix-Verte", Idea.Category.SOLIDARITY, 2_500, False),
    ("Une fresque avec les élèves du collège", None, Idea.Category.YOUTH, 4_000, True),
]
PAST_IDEAS = [  # title, council, category, cost, eligible (or the reason it is not)
    ("Un skatepark au bord de Loire", "Bords de Loire", Idea.Category.SPORT, 12_000, True),
    ("Une aire de jeux inclusive", "Centre-ville", Idea.Category.YOUTH, 9_000, True),
    ("Des jardins partagés aux Tilleuls", "Les Tilleuls", Idea.Category.ENVIRONMENT, 4_000, True),
    ("Des bancs le long du canal", "Les Tilleuls", Idea.Category.PUBLIC_SPACE, 3_000, True),
    ("Un parking souterrain", "Centre-ville", Idea.Category.MOBILITY, 19_000,
     "Le coût réel dépasse de loin l'enveloppe et relève du plan de déplacements."),
    ("Refaire la route départementale", None, Idea.Category.MOBILITY, 15_000,
     "La route départementale relève du conseil départemental, pas de la commune."),
]
# Each ballot lists the finalists chosen (indexes into PAST_IDEAS), within the 20,000 EUR envelope.
PAST_BALLOTS = [[0, 3, 2]] * 5 + [[1, 2, 3]] * 4 + [[0]] * 2 + [[1, 3]] * 3 + [[]]
BODY = [
    {"type": "timeline", "value": {"budget": None, "heading": ""}},
    {"type": "idea_submission", "value": {"budget": None, "heading": "", "guidance": GUIDANCE}},
    {"type": "finalist_vote", "value": {"budget": None, "intro": ""}},
    {"type": "budget_results", "value": {"budget": None, "heading": ""}},
    {"type": "idea_gallery", "value": {"budget": None, "heading": "", "per_page": 24}},
    {"type": "statistics", "value": {"budget": None, "heading": ""}},
]


def _user(username: str, **defaults):
    User = get_user_model()
    user, _created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@parvis.localhost", **defaults})
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def _residents():
    residents = []
    for username, name, birth_year in RESIDENTS:
        user = _user(username)
        profile = profile_for(user)
        if not profile.birth_year:
            profile.display_name, profile.birth_year = name, birth_year
            profile.save()
        residents.append(user)
    return residents


def _budget(home: HomePage, slug: str, title: str, intro: str, first_day, body=BODY) -> BudgetPage:
    existing = home.get_children().filter(slug=slug).first()
    if existing:
        return existing.specific
    days = [0, 35, 49, 79, 80]  # ideas 5 weeks, review 2 weeks, vote a month, results the next day
    fields = ["ideas_open_at", "review_starts_at", "vote_opens_at", "vote_closes_at", "results_at"]
    budget = BudgetPage(
        slug=slug, title=title, intro=intro, envelope=20_000, population=8_000, show_in_menus=slug == "budget-participatif",
        body=json.dumps(body), **{field: first_day + timedelta(days=day) for field, day in zip(fields, days)},
    )
    for text in CRITERIA:
        budget.criteria.add(EligibilityCriterion(text=text))
    for number, name in enumerate(TRUSTEES, start=1):
        budget.trustees.add(BudgetTrustee(user=_user(f"garant{number}", first_name=name), name=name))
    home.add_child(instance=budget)
    budget.save_revision().publish()
    return BudgetPage.objects.get(pk=budget.pk)


def _councils() -> dict:
    return {council.name: council for council in Council.objects.all()}


def _current(home: HomePage, residents) -> BudgetPage:
    now = timezone.now()
    budget = _budget(home, "budget-participatif", "Budget participatif 2027",
                     "20 000 € pour des projets proposés et choisis par les habitants. À vos idées !",
                     now - timedelta(days=10))
    if budget.ideas.exists():
        return budget
    councils = _councils()
    for number, (title, council, category, cost, with_image) in enumerate(CURRENT_IDEAS):
        services.submit_idea(
            budget=budget, author=residents[number % len(residents)], now=now - timedelta(days=9 - number),
            data={"title": title, "description": f"{title}. Une idée pour rendre le quotidien plus agréable.",
                  "council": councils.get(council), "location": "", "category": category, "cost": cost},
        )
        if with_image:
            Idea.objects.filter(budget=budget, title=title).update(image=placeholder_image(title, PALETTE[number % len(PALETTE)]))
    return budget


def _past(home: HomePage, residents) -> BudgetPage:
    start = timezone.now() - timedelta(days=200)
    budget = _budget(home, "budget-participatif-2026", "Budget participatif 2026",
                     "La première édition : 6 idées, 4 projets soumis au vote, et les lauréats.", start)
    if budget.ideas.exists():
        return budget
    councils = _councils()
    committee = _user("comite-demo")
    ideas = []
    for number, (title, council, category, cost, verdict) in enumerate(PAST_IDEAS):
        idea = Idea.objects.create(
            budget=budget, author=residents[number % len(residents)], submitted_at=start + timedelta(days=number + 1),
            title=title, description=f"{title}. Proposé par un habitant lors de la première édition.",
            council=councils.get(council), cost=cost, category=category,
        )
        IdeaRevision.objects.create(idea=idea, kind=IdeaRevision.Kind.SUBMITTED, editor=idea.author, created_at=idea.submitted_at,
                                    snapshot={"title": title, "description": idea.description, "cost": cost})
        services.review_idea(
            idea=idea, reviewer=committee, eligible=verdict is True, reason="" if verdict is True else verdict,
            checklist={criterion.pk: verdict is True for criterion in budget.criteria.all()},
            now=budget.review_starts_at + timedelta(days=1),
        )
        ideas.append(idea)
    contest = services.select_finalists(budget=budget, ideas=[idea for idea in ideas if idea.status == Idea.Status.ELIGIBLE],
                                        actor=committee, now=budget.vote_opens_at - timedelta(days=1))
    secrets = simulation.run_key_ceremony(contest, key_files=settings.PRIVATE_ROOT / "demo-trustees")
    options = {str(option.reference): option.pk for option in contest.options.all()}
    during = budget.vote_opens_at + timedelta(days=2)
    for number, chosen in enumerate(PAST_BALLOTS, start=1):
        voter = _user(f"votant-budget-demo-{number}")
        simulation.cast_as_device(contest=contest, user=voter,
                                  option_ids=[options[str(ideas[index].pk)] for index in chosen], now=during)
    simulation.decrypt_as_trustees(contest, secrets)
    counting.count_contest(contest=contest)
    counting.proclaim(contest=contest)
    services.record_winners(budget=budget)
    for phase in (Phase.IDEAS, Phase.VOTE, Phase.RESULTS):  # long past: residents are not told again
        PhaseAnnouncement.objects.get_or_create(budget=budget, phase=phase)
    return budget


@transaction.atomic
def load() -> dict[str, BudgetPage]:
    """Return the demo's current and past budget editions, creating them once."""
    home = demo_home()
    residents = _residents()
    return {"current": _current(home, residents), "past": _past(home, residents)}
