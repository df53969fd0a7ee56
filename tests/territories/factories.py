"""Territories for the tests: a département, two intercommunalities, four communes; and their sites."""

from territories.models import Territory
from territories.services import sites

Kind = Territory.Kind


def make_territories() -> dict[str, Territory]:
    """Maine-et-Loire, two intercommunalities (Luhn-valid SIRENs) and four communes."""
    dep = Territory.objects.create(kind=Kind.DEPARTEMENT, code="49", name="Maine-et-Loire")
    loire = Territory.objects.create(kind=Kind.INTERCOMMUNALITY, code="244900015", name="Loire Métropole", parent=dep)
    mauges = Territory.objects.create(kind=Kind.INTERCOMMUNALITY, code="200060127", name="Mauges Communauté", parent=dep)
    towns = {
        "aubin": Territory.objects.create(kind=Kind.COMMUNE, code="49301", name="Saint-Aubin-sur-Loire", parent=loire),
        "brissac": Territory.objects.create(kind=Kind.COMMUNE, code="49050", name="Brissac-Loire", parent=loire),
        "chemille": Territory.objects.create(kind=Kind.COMMUNE, code="49092", name="Chemillé-en-Anjou", parent=mauges),
        "beaupreau": Territory.objects.create(kind=Kind.COMMUNE, code="49023", name="Beaupréau-en-Mauges", parent=mauges),
    }
    return {"dep": dep, "loire": loire, "mauges": mauges, **towns}


def join(territory: Territory, hostname: str):
    return sites.create_site(territory=territory, hostname=hostname)
