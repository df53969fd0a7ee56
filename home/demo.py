"""Demo content: a believable town, built through the same models editors use.

Every function is idempotent: objects are looked up by slug (pages) or title
(images, documents) and only created when missing, so running the loader
twice changes nothing. Later modules add their own ``load`` functions and
register them in ``home/management/commands/load_demo.py``.
"""

import io
import textwrap
from datetime import date

from django.core.files.images import ImageFile
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from .models import ArticleIndexPage, ArticlePage, HomePage, SiteSettings, StandardPage, TutorialPage

TOWN = "Saint-Aubin-sur-Loire"
PALETTE = ["#1d4f91", "#a4262c", "#2e7d32", "#6a1b9a", "#00695c", "#8d4004"]


def demo_font(size: int):
    """DejaVu (full Latin accents) when the system has it, else Pillow's own font."""
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def placeholder_image(title: str, colour: str, size=(1280, 720)):
    """Return a Wagtail image (created once) drawn with Pillow: no binary file in git."""
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    canvas = PILImage.new("RGB", size, colour)
    draw = ImageDraw.Draw(canvas)
    for step in range(0, size[0], 80):
        draw.ellipse((step - 200, size[1] - 260 + (step % 160), step + 120, size[1] + 200), outline="#ffffff", width=2)
    font = demo_font(size[1] // 12)
    text = "\n".join(textwrap.wrap(title, width=22))
    draw.multiline_text((size[0] // 14, size[1] // 5), text, fill="#ffffff", font=font, spacing=12)
    buffer = io.BytesIO()
    canvas.save(buffer, format="JPEG", quality=82)
    slug = "".join(c if c.isalnum() else "-" for c in title.lower())[:50]
    image = Image(title=title, description=title)
    image.file = ImageFile(io.BytesIO(buffer.getvalue()), name=f"demo-{slug}.jpg")
    image.save()
    return image


def flyer_document(title: str, lines: list[str]):
    """A printable A5 flyer as a PDF made with Pillow, stored in the document library once."""
    Document = get_document_model()
    existing = Document.objects.filter(title=title).first()
    if existing:
        return existing
    page = PILImage.new("RGB", (1240, 1748), "#ffffff")  # A5 at 150 dpi
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, 1240, 260), fill=PALETTE[0])
    draw.multiline_text((80, 60), "\n".join(textwrap.wrap(title, width=28)), fill="#ffffff", font=demo_font(56))
    body_font = demo_font(36)
    for number, line in enumerate(lines, start=1):
        draw.text((80, 300 + number * 110), f"{number}. {line}", fill="#1b1b1b", font=body_font)
    buffer = io.BytesIO()
    page.save(buffer, format="PDF", resolution=150)
    document = Document(title=title)
    document.file.save("flyer-vote-en-ligne.pdf", ContentFile(buffer.getvalue()), save=False)
    document.save()
    return document


def _child(parent: Page, model, slug: str, **fields):
    """Return the child page with this slug, creating and publishing it if missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing:
        return existing.specific
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def paragraph(html: str) -> tuple[str, RichText]:
    return ("paragraph", RichText(html))


def heading(text: str) -> tuple[str, dict]:
    return ("heading", {"text": text, "level": "h2"})


def demo_home() -> HomePage:
    """The demo town's home page (other collectivities' sites have theirs: ``load_demo --territory``)."""
    return HomePage.objects.get(depth=2, slug="accueil")


def _home() -> HomePage:
    """The home page at the root of the default site, replacing Wagtail's welcome page."""
    home = HomePage.objects.filter(depth=2, slug="accueil").first()
    if home:
        return home
    root = Page.get_first_root_node()
    home = HomePage(
        title="Accueil",
        slug="accueil",
        hero_title=f"{TOWN}, c'est vous qui la faites",
        hero_text="Proposez des idées pour votre quartier, votez pour les projets du budget participatif "
        "et élisez vos conseils de quartier, en ligne ou au bureau de vote.",
        hero_image=placeholder_image("Place de la mairie", PALETTE[0]),
    )
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "localhost", "port": 80, "site_name": TOWN})
    # Wagtail's placeholder page is only removed once the site points elsewhere.
    Page.objects.filter(depth=2, content_type__model="page", slug="home").delete()
    return home


ARTICLES = [
    {
        "slug": "budget-participatif-mode-emploi",
        "title": "Le budget participatif, mode d'emploi",
        "intro": "Une enveloppe de 20 000 € pour des projets proposés et choisis par les habitants : voici comment ça marche.",
        "tags": ["budget participatif"],
        "date": date(2026, 9, 14),
        "body": [
            heading("Qui peut proposer une idée ?"),
            paragraph("<p>Toute personne qui habite la commune, dès 16 ans, peut déposer une ou plusieurs idées "
                      "pendant la phase de dépôt. Une idée doit relever de l'intérêt général et des compétences de la ville.</p>"),
            heading("Comment les idées sont-elles choisies ?"),
            paragraph("<p>Le comité de suivi vérifie chaque idée au regard des critères publiés, puis les projets "
                      "retenus sont soumis au vote des habitants. Les projets les plus soutenus sont réalisés "
                      "dans la limite de l'enveloppe.</p>"),
            ("quote", {"text": "Nous avons proposé des bancs le long du canal : ils sont installés depuis le printemps.", "attribution": "Amina, quartier des Tilleuls"}),
        ],
    },
    {
        "slug": "a-quoi-servent-les-conseils-de-quartier",
        "title": "À quoi servent les conseils de quartier ?",
        "intro": "Des habitants élus qui portent la voix de leur quartier auprès de la municipalité.",
        "tags": ["conseils de quartier"],
        "date": date(2026, 10, 2),
        "body": [
            paragraph("<p>Chaque conseil de quartier réunit des habitants élus pour trois ans. Ils donnent leur avis "
                      "sur les projets de la ville, organisent des actions de proximité et relaient les demandes des habitants.</p>"),
            heading("Comment devenir conseiller ?"),
            paragraph("<p>Les conseillers sont élus par les habitants inscrits sur les listes électorales du quartier, "
                      "en ligne pendant deux semaines ou au bureau de vote le jour du scrutin papier.</p>"),
        ],
    },
    {
        "slug": "voter-en-ligne-est-ce-sur",
        "title": "Voter en ligne : est-ce sûr ?",
        "intro": "Secret du vote, un seul vote par personne, résultats vérifiables : ce que garantit Parvis.",
        "tags": ["vote en ligne", "conseils de quartier"],
        "date": date(2026, 10, 20),
        "body": [
            paragraph("<p>Votre bulletin est chiffré dans l'urne : personne, pas même la mairie, ne peut le lire. "
                      "Seul le total de tous les bulletins est déchiffré, après la clôture, par plusieurs "
                      "personnes de confiance réunies.</p>"),
            paragraph("<p>Après votre vote, vous recevez un reçu : il vous permet de vérifier que votre bulletin "
                      "est bien dans l'urne publiée, sans révéler votre choix.</p>"),
        ],
    },
    {
        "slug": "les-parts-egales",
        "title": "Les parts égales : un budget partagé équitablement",
        "intro": "Avec la méthode des parts égales, chaque votant dispose de la même part de l'enveloppe, "
                 "et chaque groupe d'habitants obtient des projets à proportion de sa taille.",
        "tags": ["budget participatif", "vote en ligne"],
        "date": date(2026, 11, 20),
        "body": [
            heading("Le problème du « plus de voix d'abord »"),
            paragraph("<p>Si l'on retient les projets du plus voté au moins voté jusqu'à épuiser l'enveloppe, "
                      "une majorité peut tout emporter : avec 60 % des voix, un quartier peut financer tous ses "
                      "projets, et les 40 % restants n'obtenir rien.</p>"),
            heading("Chacun reçoit une part égale de l'enveloppe"),
            paragraph("<p>Avec 20 000 € et 10 votants, chacun dispose de 2 000 €. Un projet est financé quand "
                      "ses soutiens peuvent le payer ensemble avec leurs parts, en se partageant son coût le plus "
                      "également possible. Celui que ses soutiens financent le plus facilement passe en premier ; "
                      "leurs parts diminuent d'autant. Ce qui reste à la fin va aux projets les plus votés qui "
                      "tiennent encore dans l'enveloppe.</p>"),
            paragraph("<p>Six habitants veulent une place (12 000 €) et un éclairage (8 000 €), trois autres un "
                      "jardin (7 000 €). Au « plus de voix d'abord », la place et l'éclairage prennent toute "
                      "l'enveloppe. Aux parts égales, les six paient l'éclairage, les trois paient le jardin : "
                      "chaque groupe obtient sa juste part.</p>"),
            heading("Et le secret du vote ?"),
            paragraph("<p>Pour compter ainsi, il faut connaître l'ensemble des choix de chaque bulletin. Les "
                      "bulletins chiffrés sont d'abord mélangés et rechiffrés, avec une preuve mathématique que "
                      "rien n'a été ajouté, retiré ni modifié ; les garants déchiffrent ensuite les bulletins "
                      "mélangés, que plus personne ne peut relier à un votant. La page des résultats montre ce "
                      "que chaque soutien a « payé », et chacun peut refaire le calcul avec le fichier publié "
                      "(format Pabulib, utilisé par les chercheurs du monde entier).</p>"),
            ("quote", {"text": "Wieliczka, Aarau, Świecie ou Assen l'utilisent déjà : chaque quartier voit ses "
                               "projets réalisés.", "attribution": "equalshares.net"}),
        ],
    },
    {
        "slug": "calendrier-de-la-participation-2027",
        "title": "Le calendrier de la participation 2027",
        "intro": "Dépôt des idées, vote, élections des conseils : les dates à retenir cette année.",
        "tags": ["budget participatif", "agenda"],
        "date": date(2026, 11, 5),
        "body": [
            paragraph("<ul><li>Janvier – février : dépôt des idées</li><li>Mars : étude par le comité de suivi</li>"
                      "<li>Avril : vote sur les projets finalistes</li><li>Juin : élection des conseils de quartier</li></ul>"),
        ],
    },
]

TUTORIAL_STEPS = [
    ("Ouvrez la page du vote", "<p>Depuis l'accueil, suivez le lien <b>Voter</b> ou scannez le code QR du dépliant.</p>"),
    ("Connectez-vous ou créez un compte", "<p>Une adresse e-mail suffit. Vous recevez un lien de confirmation.</p>"),
    ("Prouvez que vous êtes inscrit", "<p>Saisissez votre nom, votre date de naissance et votre bureau de vote ou code postal, comme sur votre carte électorale.</p>"),
    ("Faites votre choix", "<p>Cochez vos choix, relisez-les sur l'écran de confirmation, puis validez.</p>"),
    ("Gardez votre reçu", "<p>Notez ou téléchargez votre reçu : il vous permet de retrouver votre bulletin dans l'urne publiée.</p>"),
]


def _articles(home: HomePage) -> ArticleIndexPage:
    index = _child(home, ArticleIndexPage, "comprendre", title="Comprendre", show_in_menus=True,
                   intro="<p>Des articles pour tout comprendre de la démocratie locale à " + TOWN + ".</p>")
    for number, spec in enumerate(ARTICLES):
        if index.get_children().filter(slug=spec["slug"]).exists():
            continue
        article = ArticlePage(
            slug=spec["slug"], title=spec["title"], intro=spec["intro"], date=spec["date"], body=spec["body"],
            image=placeholder_image(spec["title"], PALETTE[number % len(PALETTE)]),
        )
        index.add_child(instance=article)
        article.tags.add(*spec["tags"])
        article.save_revision().publish()
    return index


def _tutorial(home: HomePage) -> TutorialPage:
    flyer = flyer_document("Dépliant : voter en ligne en 4 minutes", [title for title, _ in TUTORIAL_STEPS])
    return _child(
        home, TutorialPage, "voter-en-ligne-en-4-minutes",
        title="Voter en ligne en 4 minutes", show_in_menus=True, duration_minutes=4,
        intro="Le vote en ligne est ouvert à tous les habitants inscrits. Voici comment faire, pas à pas.",
        steps=[("step", {"title": title, "text": RichText(text), "image": None}) for title, text in TUTORIAL_STEPS],
        flyer=flyer,
    )


LEGAL_PAGES = {
    "confidentialite": ("Données personnelles", "Ce que nous conservons, pourquoi, et pour combien de temps.", [
        heading("Ce que nous conservons"),
        paragraph("<p>Tout le site se lit sans compte. Pour contribuer, nous conservons votre adresse e-mail "
                  "(pour vous connecter et, si vous le demandez, vous prévenir) et le nom que vous choisissez "
                  "d'afficher à côté de vos idées. Votre conseil de quartier, facultatif, choisit ce que nous "
                  "vous montrons ; le code postal qui aide à le trouver n'est pas conservé. Votre année de "
                  "naissance, facultative, ne sert qu'aux statistiques par tranche d'âge et à vérifier un âge minimum "
                  "(certaines consultations et missions de bénévolat) ; elle n'est jamais affichée.</p>"),
        paragraph("<p>Pour protéger les comptes, les tentatives de connexion échouées (adresse IP, navigateur) "
                  "sont gardées environ un quart d'heure. Les messages envoyés à un conseil lui sont transmis par "
                  "e-mail : le site ne les garde pas.</p>"),
        heading("Le secret de votre vote"),
        paragraph("<p>Nous savons que vous avez voté, jamais pour qui : votre bulletin est chiffré et n'est jamais "
                  "déchiffré individuellement.</p>"),
        heading("Vos droits"),
        paragraph("<p>Depuis votre profil, vous pouvez télécharger toutes vos données ou supprimer votre compte. "
                  "La suppression efface vos données personnelles. Vos idées et commentaires publiés restent "
                  "visibles, signés « ancien habitant » : ils font partie du débat public du quartier et les "
                  "retirer changerait après coup ce que d'autres ont lu, commenté ou soutenu.</p>"),
    ]),
    "mentions-legales": ("Mentions légales", "Éditeur du site et hébergement.", [
        paragraph(f"<p>Site édité par la mairie de {TOWN}. Directeur de la publication : le maire. "
                  "Logiciel : Parvis, logiciel libre.</p>"),
    ]),
    "accessibilite": ("Accessibilité", "Déclaration d'accessibilité (RGAA 4.1).", [
        paragraph(f"<p>La mairie de {TOWN} s'engage à rendre ce site accessible conformément à l'article 47 de la loi "
                  "n° 2005-102 du 11 février 2005. Ce site est partiellement conforme au RGAA 4.1.</p>"),
    ]),
}


def _legal_pages(home: HomePage) -> dict[str, StandardPage]:
    return {
        slug: _child(home, StandardPage, slug, title=title, intro=intro, body=body)
        for slug, (title, intro, body) in LEGAL_PAGES.items()
    }


def _settings(home: HomePage, legal: dict[str, StandardPage]) -> None:
    site = Site.objects.get(is_default_site=True)
    settings = SiteSettings.for_site(site)
    if settings.contact_email:  # already filled in, by the demo or by an editor
        return
    settings.town_name = TOWN
    settings.tagline = "La participation citoyenne, en ligne et près de chez vous"
    settings.contact_email = "participation@saint-aubin.example"
    settings.contact_phone = "02 00 00 00 00"
    settings.address = "Hôtel de ville\n1 place de la République\n49000 " + TOWN
    settings.privacy_page = legal["confidentialite"]
    settings.legal_page = legal["mentions-legales"]
    settings.accessibility_page = legal["accessibilite"]
    settings.social_links = [("link", {"network": "Mastodon", "url": "https://mastodon.example/@saintaubin"})]
    settings.save()


@transaction.atomic
def load() -> HomePage:
    """Build the demo town's editorial content; return its home page."""
    home = _home()
    index = _articles(home)
    tutorial = _tutorial(home)
    legal = _legal_pages(home)
    _settings(home, legal)
    if not home.highlights:
        home.highlights = [
            ("highlight", {"page": tutorial, "title": "", "text": "Le mode d'emploi du vote en ligne, en 5 étapes.", "image": None, "badge": "Nouveau"}),
            ("highlight", {"page": index, "title": "", "text": "Budget participatif, conseils de quartier : tout comprendre.", "image": None, "badge": ""}),
        ]
        home.hero_link = tutorial
        home.hero_link_label = "Voter en ligne"
        home.save_revision().publish()
    return home
