"""Builders for volunteering tests: skills, associations with their representatives, missions, offers, the index page."""

from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from volunteering.models import Association, Mission, Offer, Representative, Skill, VolunteeringIndexPage

from ..accounts.factories import make_resident


def make_skill(name: str = "Premiers secours") -> Skill:
    return Skill.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]


def make_association(name: str = "Entente sportive", *, representative=None, status=Association.Status.APPROVED,
                     council=None, **fields) -> Association:
    """An association (approved by default) with one representative (a new resident unless given)."""
    if representative is None:
        representative = make_resident(f"{slugify(name)}@asso.example", display_name=f"Rep {name}")
    fields.setdefault("description", f"{name} : une association du quartier.")
    fields.setdefault("contact_email", f"contact@{slugify(name)}.example")
    association = Association.objects.create(name=name, slug=slugify(name), status=status, council=council,
                                             submitted_by=representative, **fields)
    Representative.objects.create(association=association, user=representative, added_by=representative)
    return association


def make_mission(association: Association, title: str = "Signaleurs du semi-marathon", *, starts_in=timedelta(days=10),
                 duration=timedelta(hours=4), now=None, skills=(), **fields) -> Mission:
    """A one-off mission starting ``starts_in`` from ``now``; pass ``schedule=`` for a recurring one."""
    now = now or timezone.now()
    fields.setdefault("description", "Guider les coureurs.")
    fields.setdefault("place", "Quai du Port")
    fields.setdefault("volunteers_needed", 3)
    fields.setdefault("council", association.council)
    mission = Mission.objects.create(association=association, title=title, slug=slugify(title),
                                     starts_at=now + starts_in, ends_at=now + starts_in + duration, **fields)
    mission.skills.set(skills)
    return mission


def make_offer(mission: Mission, volunteer, *, status=Offer.Status.PENDING, message: str = "Je peux venir.") -> Offer:
    return Offer.objects.create(mission=mission, volunteer=volunteer, status=status, message=message)


def make_index(home, slug: str = "benevolat") -> VolunteeringIndexPage:
    index = VolunteeringIndexPage(title="Bénévolat", slug=slug, intro="Proposez votre aide.")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def mission_data(now=None, **overrides) -> dict:
    """Valid form data for ``post_mission`` (services take Python values)."""
    now = now or timezone.now()
    data = {
        "title": "Ravitaillement", "description": "Tendre des verres d'eau.", "place": "Place de la Loire",
        "schedule": "", "starts_at": now + timedelta(days=5), "ends_at": now + timedelta(days=5, hours=3),
        "volunteers_needed": 2, "minimum_age": 0, "council": None,
    }
    data.update(overrides)
    return data

