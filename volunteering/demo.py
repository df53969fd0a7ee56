"""Demo content: a volunteering space with three associations and six missions, a few offers, a block on the home page.

Idempotent like ``home.demo``: skills by slug, associations by slug,
missions by (association, title), the index page by slug; nothing is created
twice. Mission dates are set relative to the day the demo is first loaded.
"""

from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.services import profile_for
from councils.models import Council
from home.demo import PALETTE, _child, demo_home, placeholder_image
from home.models import HomePage

from .models import Association, Mission, Offer, Representative, Skill, VolunteeringIndexPage

SKILLS = ["Accueil du public", "Bricolage", "Cuisine", "Premiers secours", "Soutien scolaire", "Sport", "Jardinage"]
ASSOCIATIONS = [
    {
        "name": "Entente sportive des bords de Loire", "council": "Bords de Loire", "representative": "es-loire",
        "description": "Club omnisport du quartier du port : aviron, course à pied et, chaque printemps, le semi-marathon.",
        "contact_email": "contact@es-loire.example", "contact_phone": "02 41 00 00 01",
    },
    {
        "name": "Coup de pouce aux Tilleuls", "council": "Les Tilleuls", "representative": "coupdepouce",
        "description": "Aide aux devoirs, jardins partagés et entraide entre voisins du quartier des Tilleuls.",
        "contact_email": "bonjour@coupdepouce.example", "contact_phone": "",
    },
    {
        "name": "Les Restos du cœur du centre", "council": "Centre-ville", "representative": "restos-centre",
        "description": "Distribution de repas et accompagnement des personnes en difficulté, toute l'année.",
        "contact_email": "centre@restos.example", "contact_phone": "02 41 00 00 03",
    },
]
MISSIONS = [  # association index, title, start in days, hours, schedule, weeks, place, needed, minimum age, skills
    (0, "Semi-marathon : signaleurs sur le parcours", 24, (8, 13), "", 0, "Quai du Port", 40, 18,
     ["Accueil du public", "Sport"]),
    (0, "Semi-marathon : ravitaillement", 24, (9, 12), "", 0, "Place de la Loire", 12, 16, ["Cuisine", "Sport"]),
    (0, "Secouristes pour la régate d'automne", 45, (10, 17), "", 0, "Ponton du club d'aviron", 4, 18,
     ["Premiers secours"]),
    (1, "Aide aux devoirs le mercredi", 2, (14, 16), "Tous les mercredis, 14 h – 16 h", 16,
     "Maison de quartier des Tilleuls", 6, 16, ["Soutien scolaire"]),
    (1, "Jardin partagé : chantier de printemps", 10, (9, 12), "Tous les samedis, 9 h – 12 h", 6,
     "Parc des Tilleuls", 8, 0, ["Jardinage", "Bricolage"]),
    (2, "Distribution des repas du soir", 1, (18, 20), "Du lundi au vendredi, 18 h – 20 h", 12,
     "Salle Saint-Jean, rue Nationale", 10, 18, ["Cuisine", "Accueil du public"]),
]
OFFERS = [("ines-demo", 3, Offer.Status.ACCEPTED), ("karim-demo", 0, Offer.Status.PENDING)]


def _user(username: str):
    User = get_user_model()
    user, _created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@parvis.localhost"})
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    profile_for(user)
    return user


def _skills() -> dict[str, Skill]:
    return {name: Skill.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0] for name in SKILLS}


def _association(spec: dict, number: int) -> Association:
    slug = slugify(spec["name"])
    association = Association.objects.filter(slug=slug).first()
    if association:
        return association
    representative = _user(spec["representative"])
    association = Association.objects.create(
        name=spec["name"], slug=slug, description=spec["description"], contact_email=spec["contact_email"],
        contact_phone=spec["contact_phone"], council=Council.objects.filter(name=spec["council"]).first(),
        status=Association.Status.APPROVED, submitted_by=representative, reviewed_at=timezone.now(),
        logo=placeholder_image(f"Logo {spec['name']}", PALETTE[number % len(PALETTE)], size=(240, 240)),
    )
    Representative.objects.create(association=association, user=representative, added_by=representative)
    return association


def _missions(associations: list[Association], skills: dict[str, Skill]) -> list[Mission]:
    today = timezone.localdate()
    missions = []
    for number, title, day, (start, end), schedule, weeks, place, needed, age, skill_names in MISSIONS:
        association = associations[number]
        mission = Mission.objects.filter(association=association, title=title).first()
        if mission is None:
            first = today + timedelta(days=day)
            last = first + timedelta(weeks=weeks)
            mission = Mission.objects.create(
                association=association, title=title, slug=slugify(title), place=place, council=association.council,
                description=f"{association.name} cherche des bénévoles : {title.lower()}. Aucune expérience requise, "
                            "on vous explique tout sur place.",
                starts_at=timezone.make_aware(datetime.combine(first, time(start))),
                ends_at=timezone.make_aware(datetime.combine(last, time(end))),
                schedule=schedule, volunteers_needed=needed, minimum_age=age,
            )
            mission.skills.set([skills[name] for name in skill_names])
        missions.append(mission)
    return missions


def _offers(missions: list[Mission]) -> None:
    for username, number, status in OFFERS:
        volunteer = get_user_model().objects.filter(username=username).first()
        if volunteer is not None:
            Offer.objects.get_or_create(mission=missions[number], volunteer=volunteer, defaults={
                "status": status, "message": "Disponible, avec plaisir !", "age_confirmed": True,
                "answered_at": timezone.now() if status == Offer.Status.ACCEPTED else None,
            })


def _on_home_page(home: HomePage) -> None:
    """A missions block at the end of the home page, once."""
    if any(block.block_type == "missions" for block in home.body):
        return
    home.body.append(("missions", {"title": "Devenir bénévole", "council": None, "skill": None, "count": 3}))
    home.save_revision().publish()


@transaction.atomic
def load() -> VolunteeringIndexPage:
    """Return the demo's volunteering space, creating its associations, missions and offers once."""
    home = demo_home()
    index = _child(home, VolunteeringIndexPage, "benevolat", title="Bénévolat", show_in_menus=True,
                   intro="Les associations de la ville cherchent des bénévoles : un événement sportif, de l'aide "
                         "aux devoirs, un coup de main entre voisins. Proposez votre aide !")
    skills = _skills()
    associations = [_association(spec, number) for number, spec in enumerate(ASSOCIATIONS)]
    _offers(_missions(associations, skills))
    _on_home_page(home.specific)
    return index
