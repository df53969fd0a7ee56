"""Demo content: four neighbourhood councils of the demo town, with members and news.

Idempotent like ``home.demo``: councils are looked up by slug, pages by slug
under the council index, and nothing is created twice.
"""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.rich_text import RichText

from home.demo import PALETTE, TOWN, _child, demo_home, placeholder_image

from .models import Council, CouncilArea, CouncilIndexPage, CouncilMember, CouncilPage, PollingStation

COUNCILS = [
    {
        "name": "Centre-ville",
        "colour": PALETTE[0],
        "areas": [("49000", "Rue de la République"), ("49000", "Place de la Mairie"), ("49000", "Rue Nationale")],
        "stations": [("1", "Hôtel de ville"), ("2", "École Jules-Ferry")],
        "intro": "Les rues commerçantes et la place de la Mairie, au cœur de la ville.",
        "members": [
            ("Claire Martin", CouncilMember.Role.PRESIDENT, "Commerçante rue Nationale depuis quinze ans."),
            ("Youssef Benali", CouncilMember.Role.SECRETARY, "Parent d'élève à l'école Jules-Ferry."),
            ("Odile Perrin", CouncilMember.Role.MEMBER, "Retraitée, bénévole à la bibliothèque."),
        ],
        "news": ("Marché du soir : c'est reparti", "Plus de bancs place de la Mairie"),
    },
    {
        "name": "Les Tilleuls",
        "colour": PALETTE[2],
        "areas": [("49000", "Rue des Tilleuls"), ("49000", "Avenue Jean-Jaurès"), ("49000", "Allée des Acacias")],
        "stations": [("3", "Gymnase des Tilleuls")],
        "intro": "Un quartier résidentiel et vert, autour du parc des Tilleuls.",
        "members": [
            ("Amina Diallo", CouncilMember.Role.PRESIDENT, "Infirmière, à l'origine des jardins partagés."),
            ("Paul Lefèvre", CouncilMember.Role.TREASURER, "Cycliste du quotidien."),
            ("Inès Moreau", CouncilMember.Role.MEMBER, "Étudiante, membre depuis 2026."),
        ],
        "news": ("Jardins partagés : inscriptions ouvertes", "Des bancs le long du canal"),
    },
    {
        "name": "Bords de Loire",
        "colour": PALETTE[4],
        "areas": [("49100", "")],
        "stations": [("4", "Salle des fêtes du Port"), ("5", "École du Port")],
        "intro": "Les quais, le port et les anciens chantiers, entre ville et fleuve.",
        "members": [
            ("Jean Roux", CouncilMember.Role.PRESIDENT, "Ancien marinier, mémoire vivante du port."),
            ("Sophie Garnier", CouncilMember.Role.SECRETARY, "Architecte."),
            ("Karim Haddad", CouncilMember.Role.MEMBER, "Entraîneur au club d'aviron."),
        ],
        "news": ("Nettoyage des berges le 12 avril", "Un ponton pour le club d'aviron"),
    },
    {
        "name": "La Croix-Verte",
        "colour": PALETTE[3],
        "areas": [("49130", "")],
        "stations": [("6", "Maison de quartier de la Croix-Verte")],
        "intro": "Le plateau et ses hameaux, entre champs et lotissements.",
        "members": [
            ("Marie Lambert", CouncilMember.Role.PRESIDENT, "Agricultrice."),
            ("Thomas Petit", CouncilMember.Role.VICE_PRESIDENT, "Conducteur de bus scolaire."),
            ("Lucie Fontaine", CouncilMember.Role.MEMBER, "Animatrice à la maison de quartier."),
        ],
        "news": ("Une navette le samedi vers le centre", "Un abri vélo à la maison de quartier"),
    },
]


def _council(spec: dict, site) -> Council:
    slug = slugify(spec["name"])
    council = Council.objects.filter(slug=slug).first()
    if council:
        return council
    council = Council(
        site=site,
        name=spec["name"],
        slug=slug,
        colour=spec["colour"],
        email=f"conseil-{slug}@saint-aubin.example",
        logo=placeholder_image(f"Logo {spec['name']}", spec["colour"], size=(240, 240)),
        areas=[CouncilArea(postcode=postcode, street=street) for postcode, street in spec["areas"]],
        polling_stations=[PollingStation(code=code, name=name) for code, name in spec["stations"]],
    )
    council.save()
    return council


def _photo(title: str, colour: str):
    """A placeholder photo as an ``ImageBlock`` value: the image with its alt text."""
    image = placeholder_image(title, colour)
    image.contextual_alt_text, image.decorative = title, False
    return image


def _news(spec: dict) -> list:
    news_title, achievement_title = spec["news"]
    return [
        ("news_item", {
            "title": news_title,
            "date": date(2027, 3, 2),
            "text": RichText(f"<p>Le conseil de quartier {spec['name']} vous donne rendez-vous : "
                             "venez nombreux, c'est ouvert à tous les habitants.</p>"),
            "image": None,
        }),
        ("event", {
            "title": "Réunion publique du conseil",
            "start": timezone.make_aware(datetime(2027, 4, 15, 18, 30)),
            "end": timezone.make_aware(datetime(2027, 4, 15, 20, 0)),
            "place": spec["stations"][0][1],
            "description": "Ordre du jour : projets du budget participatif, sécurité routière, questions des habitants.",
        }),
        ("achievement", {
            "title": achievement_title,
            "date": date(2026, 10, 1),
            "text": RichText("<p>Proposé par les habitants, financé par le budget participatif 2026.</p>"),
            "photo": _photo(achievement_title, spec["colour"]),
        }),
    ]


def _council_page(index: CouncilIndexPage, council: Council, spec: dict) -> CouncilPage:
    existing = CouncilPage.objects.child_of(index).filter(slug=council.slug).first()
    if existing:
        return existing
    members = [
        CouncilMember(name=name, role=role, bio=bio, photo=placeholder_image(name, spec["colour"], size=(400, 400)))
        for name, role, bio in spec["members"]
    ]
    return _child(
        index, CouncilPage, council.slug,
        title=f"Conseil de quartier {council.name}", council=council, intro=spec["intro"],
        presentation=f"<p>Le conseil de quartier {council.name} réunit des habitants élus pour trois ans. "
                     "Il donne son avis sur les projets de la ville et porte ceux des habitants.</p>",
        members=members, news=_news(spec),
    )


@transaction.atomic
def load() -> CouncilIndexPage:
    """Build the council index, four councils and their pages; return the index."""
    home = demo_home()
    index = _child(
        home, CouncilIndexPage, "conseils-de-quartier", title="Conseils de quartier", show_in_menus=True,
        intro=f"<p>{TOWN} compte quatre conseils de quartier. Trouvez le vôtre avec votre code postal.</p>",
    )
    site = home.get_site()  # the demo town's councils are its site's (common.scoping)
    for spec in COUNCILS:
        _council_page(index, _council(spec, site), spec)
    return index
