"""The demo territory: a département, two intercommunalities and four towns, each with its own site.

``manage.py load_demo --territory`` adds it to the demo town, which becomes one of the four towns (its
site keeps answering at 127.0.0.1 and localhost); the others answer at ``*.localhost`` on the same port,
which browsers resolve to 127.0.0.1. Codes are real-looking but the towns are fictional (the SIRENs
pass the Luhn check); their postcodes let residents give their address. Idempotent.
"""

from django.db import transaction
from wagtail.models import Site

from .models import PostalCode, Territory
from .services import sites

Kind = Territory.Kind
DEPARTEMENT = ("49", "Maine-et-Loire")
INTERCOMMUNALITIES = [("244900015", "Loire Métropole"), ("200060127", "Mauges Communauté")]
# Their postcodes, as La Poste's file would give them: 49320 is shared, as many are (residents then choose).
POSTCODES = [("49320", "49301"), ("49320", "49050"), ("49321", "49301"), ("49120", "49092"), ("49600", "49023")]
TOWNS = [  # (code, name, intercommunality, host name or None for the demo town's own site)
    ("49301", "Saint-Aubin-sur-Loire", "244900015", None),
    ("49050", "Brissac-Loire", "244900015", "brissac.localhost"),
    ("49092", "Chemillé-en-Anjou", "200060127", "chemille.localhost"),
    ("49023", "Beaupréau-en-Mauges", "200060127", "beaupreau.localhost"),
]
DEPARTEMENT_HOST = "departement.localhost"


def _territory(kind, code, name, parent=None) -> Territory:
    territory, _created = Territory.objects.get_or_create(kind=kind, code=code,
                                                          defaults={"name": name, "parent": parent})
    return territory


@transaction.atomic
def load() -> None:
    dep = _territory(Kind.DEPARTEMENT, *DEPARTEMENT)
    epcis = {code: _territory(Kind.INTERCOMMUNALITY, code, name, dep) for code, name in INTERCOMMUNALITIES}
    for code, name, epci, host in TOWNS:
        town = _territory(Kind.COMMUNE, code, name, epcis[epci])
        if town.site_id:
            continue
        if host is None:
            default = Site.objects.filter(is_default_site=True).first()
            if default and not Territory.objects.filter(site=default).exists():
                sites.adopt_site(territory=town, site=default)
        else:
            sites.create_site(territory=town, hostname=host, port=80)
    if not dep.site_id:
        sites.create_site(territory=dep, hostname=DEPARTEMENT_HOST, port=80)
    for postcode, commune in POSTCODES:
        town = Territory.objects.get(kind=Kind.COMMUNE, code=commune)
        PostalCode.objects.get_or_create(code=postcode, commune=town, defaults={"label": town.name.upper()})
