"""Council page types: tree rules, rendering, and an editor building a page in the admin form."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from councils.models import CouncilIndexPage, CouncilMember, CouncilPage
from home.models import HomePage

from ..home.utils import make_home, make_image
from .factories import CouncilFactory, make_council_index, make_council_page


class CouncilPageTreeTests(WagtailPageTestCase):
    def test_one_council_index_under_the_home_page(self):
        self.assertAllowedParentPageTypes(CouncilIndexPage, {HomePage})
        self.assertEqual(CouncilIndexPage.max_count, 1)
        self.assertAllowedSubpageTypes(CouncilIndexPage, {CouncilPage})

    def test_council_pages_live_under_the_index_and_have_no_children(self):
        self.assertAllowedParentPageTypes(CouncilPage, {CouncilIndexPage})
        self.assertAllowedSubpageTypes(CouncilPage, set())

    def test_both_page_types_render(self):
        index = make_council_index(make_home())
        council = CouncilFactory(name="Tilleuls")
        page = make_council_page(
            index,
            council,
            members=[CouncilMember(name="Amina", role="president", photo=make_image())],
            news=[("event", {"title": "Réunion", "start": "2027-04-15T18:30:00", "place": "Gymnase", "description": ""})],
        )
        for tested in (index, page):
            with self.subTest(page=tested.title):
                self.assertPageIsRenderable(tested)
                self.assertPageIsRenderable(tested, query_data={"postcode": "49000"})


class CouncilPageEditingTests(WagtailPageTestCase):
    def setUp(self):
        self.index = make_council_index(make_home())
        self.council = CouncilFactory(name="Tilleuls")
        self.login()

    def form_data(self, **overrides):
        photo = make_image("Portrait d'Amina")
        data = {
            "title": "Conseil des Tilleuls",
            "slug": "tilleuls",
            "council": self.council.pk,
            "intro": "Un quartier vert.",
            "presentation": rich_text("<p>Nous sommes neuf habitants élus.</p>"),
            "members": inline_formset(
                [
                    {"name": "Amina Diallo", "role": "president", "photo": photo.pk, "bio": "Infirmière."},
                    {"name": "Paul Lefèvre", "role": "treasurer", "photo": "", "bio": ""},
                ]
            ),
            "news": streamfield(
                [
                    (
                        "news_item",
                        {
                            "title": "Jardins partagés",
                            "date": "2027-03-02",
                            "text": rich_text("<p>Inscriptions ouvertes.</p>"),
                            "image": {"image": "", "alt_text": "", "decorative": ""},
                        },
                    ),
                    (
                        "event",
                        {"title": "Réunion publique", "start": "2027-04-15 18:30", "end": "", "place": "Gymnase",
                         "description": ""},
                    ),
                ]
            ),
        }
        data.update(overrides)
        return nested_form_data(data)

    def test_an_editor_creates_a_council_page_with_members_and_news(self):
        self.assertCanCreate(self.index, CouncilPage, self.form_data())

        page = CouncilPage.objects.get(slug="tilleuls")
        self.assertEqual([(m.name, m.role) for m in page.members.all()],
                         [("Amina Diallo", "president"), ("Paul Lefèvre", "treasurer")])
        self.assertEqual([block.block_type for block in page.news], ["news_item", "event"])
        html = self.client.get(page.url).content.decode()
        self.assertIn("Amina Diallo", html)
        self.assertIn("Réunion publique", html)

    def test_a_council_has_a_single_page(self):
        make_council_page(self.index, self.council, slug="premiere")
        response = self.client.post(
            f"/admin/pages/add/councils/councilpage/{self.index.pk}/", self.form_data(slug="seconde")
        )
        self.assertEqual(response.status_code, 200)
        self.assertFormError(response.context["form"], "council", "Ce conseil a déjà une page.")
        self.assertFalse(Page.objects.filter(slug="seconde").exists())

    def test_an_event_ending_before_it_starts_is_refused(self):
        data = self.form_data()
        data["news-1-value-end"] = "2027-04-15 17:00"
        response = self.client.post(f"/admin/pages/add/councils/councilpage/{self.index.pk}/", data)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(CouncilPage.objects.exists())
        event_errors = response.context["form"].errors["news"].as_data()[0].block_errors[1].block_errors
        self.assertEqual(event_errors["end"].messages, ["L’évènement doit finir après avoir commencé."])
